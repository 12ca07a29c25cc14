// Care work (关爱服务): colours of the 分类分色 warnings, visit options, case stages and events,
// referral states and the fields a referral may share. Names follow docs/api.md.
import { api } from './api.js'
import { todayIso } from './format.js'

// The four warning colours; text colour chosen for contrast on the badge.
export const COLOURS = {
  red: { name: '红色', bg: '#d9363e', fg: '#fff', order: 0 },
  orange: { name: '橙色', bg: '#f07c1b', fg: '#fff', order: 1 },
  yellow: { name: '黄色', bg: '#f5c518', fg: '#4a3800', order: 2 },
  green: { name: '绿色', bg: '#3a9d5d', fg: '#fff', order: 3 },
}

export function colourName(code, fallback) {
  if (fallback) return fallback
  return (COLOURS[code] && COLOURS[code].name) || (code ? code : '未评定')
}

export function colourStyle(code) {
  const c = COLOURS[code]
  return c ? { background: c.bg, color: c.fg, borderColor: c.bg } : { background: '#f4f4f5', color: '#909399', borderColor: '#dcdfe6' }
}

export const GUARDIANSHIP = [
  { code: 'good', name: '良好' },
  { code: 'fair', name: '一般' },
  { code: 'poor', name: '较差' },
  { code: 'none', name: '无人监护' },
]
export function guardianshipName(code) {
  const hit = GUARDIANSHIP.find((g) => g.code === code)
  return hit ? hit.name : code || '—'
}

export const SEEN_OPTIONS = ['儿童本人', '父亲', '母亲', '祖父母', '其他监护人']
export const NEED_OPTIONS = ['课业辅导', '心理陪伴', '生活照料', '医疗救助', '法律援助']

export const LEDGER_EVENTS = {
  auto_enter: '自动纳入',
  auto_leave: '自动移出',
  enter: '手动纳入',
  leave: '手动移出',
}
export const LEDGER_SOURCES = { auto: '符合条件自动纳入', manual: '人工纳入' }

// Case stages in order (the server's /api/case-meta has the same codes and the deadlines).
export const STAGES = [
  { code: 'screening', name: '排查' },
  { code: 'warning', name: '预警' },
  { code: 'consultation', name: '会商' },
  { code: 'intervention', name: '介入' },
  { code: 'feedback', name: '反馈' },
  { code: 'monitoring', name: '监测' },
  { code: 'closed', name: '结案' },
]
export function stageIndex(code) {
  return STAGES.findIndex((s) => s.code === code)
}
export function stageName(code) {
  const s = STAGES.find((x) => x.code === code)
  return s ? s.name : code || ''
}
export function stageTagType(code) {
  if (code === 'closed') return 'info'
  if (code === 'screening' || code === 'warning') return 'warning'
  if (code === 'consultation' || code === 'intervention') return 'danger'
  return 'success'
}

export const EVENT_KINDS = {
  created: '建立个案',
  transition: '阶段流转',
  assign: '指派负责人',
  consultation: '会商意见',
  measure: '干预措施',
  assessment: '风险评估',
  help_plan: '帮扶计划',
  feedback: '反馈情况',
  note: '备注',
  referral: '发起转介',
}

export const ORG_TYPES = ['学校', '医院', '宾馆', '公安', '其他']

export const REFERRAL_STATUS = {
  sent: { name: '待接收', type: 'warning' },
  accepted: { name: '办理中', type: 'primary' },
  rejected: { name: '已退回', type: 'info' },
  done: { name: '已办结', type: 'success' },
}
export function referralStatusName(code) {
  return (REFERRAL_STATUS[code] && REFERRAL_STATUS[code].name) || code
}

// Moves between counties (GET /api/transfers) and pushes to the registration county (GET /api/pushes).
export const TRANSFER_STATUS = {
  pending: { name: '待接收', type: 'warning' },
  accepted: { name: '已接收', type: 'success' },
  rejected: { name: '已退回', type: 'info' },
}
export const PUSH_STATUS = {
  sent: { name: '已推送', type: 'warning' },
  received: { name: '已收到', type: 'primary' },
  accepted: { name: '已受理', type: 'success' },
  rejected: { name: '不予受理', type: 'info' },
}
export function transferStatusName(code) {
  return (TRANSFER_STATUS[code] && TRANSFER_STATUS[code].name) || code
}
export function pushStatusName(code) {
  return (PUSH_STATUS[code] && PUSH_STATUS[code].name) || code
}

export const DEPARTMENTS = ['教育', '卫健', '公安', '民政', '司法', '妇联', '团委', '残联', '医保']

// What a referral may pass on to the receiving department (codes of POST /api/referrals).
export const SHARE_FIELDS = [
  { code: 'name', name: '姓名' },
  { code: 'sex', name: '性别' },
  { code: 'age', name: '年龄' },
  { code: 'birth_date', name: '出生日期' },
  { code: 'id_number', name: '身份证号' },
  { code: 'address', name: '现住址' },
  { code: 'guardian', name: '监护人及联系电话' },
  { code: 'schooling', name: '就学情况' },
  { code: 'health', name: '健康情况' },
  { code: 'disability', name: '残疾情况' },
  { code: 'family_economy', name: '家庭经济状况' },
]
export function shareFieldName(code) {
  const f = SHARE_FIELDS.find((x) => x.code === code)
  return f ? f.name : code
}

// Whole years between a birth date and today (China time).
export function ageOf(birthDate) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(birthDate || '')) return null
  const [by, bm, bd] = birthDate.split('-').map(Number)
  const [ty, tm, td] = todayIso().split('-').map(Number)
  let age = ty - by
  if (tm < bm || (tm === bm && td < bd)) age--
  return age
}

// Days from a date to today (positive when the date has passed).
export function daysSince(date) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date || '')) return null
  return Math.round((Date.parse(todayIso() + 'T00:00:00Z') - Date.parse(date + 'T00:00:00Z')) / 86400000)
}

export function addDays(date, days) {
  const t = Date.parse(date + 'T00:00:00Z') + days * 86400000
  return new Date(t).toISOString().slice(0, 10)
}

// GET /api/case-meta once per page load (stages, sources, measures, the assessment form).
let metaPromise = null
export function loadCaseMeta() {
  if (!metaPromise) {
    metaPromise = api.caseMeta().catch((e) => {
      metaPromise = null
      throw e
    })
  }
  return metaPromise
}

// The server names a missing or invalid field by its API key in some messages ("请填写 title");
// the people using the page know the field by its Chinese label.
export function friendlyMessage(err, labels) {
  const msg = (err && err.message) || ''
  const field = err && err.field
  if (field && labels && labels[field]) {
    const label = labels[field]
    if (err.code === 'missing_field' && /[A-Za-z_]/.test(msg)) return '请填写' + label
    return msg.replace(new RegExp('\\b' + field.replace(/[.]/g, '\\.') + '\\b', 'g'), label)
  }
  return msg
}
