// Names and display helpers for department data and its linkage to the child registry.
import { downloadWithToken } from './download.js'

export const LINK_STATES = {
  linked: { name: '已关联', type: 'success' },
  review: { name: '待核对', type: 'warning' },
  new: { name: '未纳入', type: 'danger' },
}

export function stateName(state) {
  return (LINK_STATES[state] || {}).name || state || '—'
}
export function stateType(state) {
  return (LINK_STATES[state] || {}).type || 'info'
}

export const LINK_METHODS = {
  exact_id: '身份证号一致',
  probabilistic: '概率匹配',
  manual: '人工确认',
  none: '—',
}

// "概率匹配（97.3%）" for probabilistic links, the method's name otherwise.
export function methodText(link) {
  if (!link) return '—'
  const name = LINK_METHODS[link.method] || link.method || '—'
  return link.method === 'probabilistic' ? `${name}（${pct(link.probability)}）` : name
}

const EVENTS = {
  auto_link: '自动关联',
  auto_review: '自动比对：待核对',
  auto_new: '自动比对：未找到',
  accept: '确认为同一人',
  reject: '不是同一人',
  undo: '撤销关联',
}
export function eventName(event) {
  return EVENTS[event] || event || '—'
}

export function pct(p) {
  if (p === null || p === undefined || Number.isNaN(Number(p))) return '—'
  const v = Number(p) * 100
  if (v > 99.9 && v < 100) return '>99.9%'
  if (v > 0 && v < 0.1) return '<0.1%'
  return v.toFixed(1) + '%'
}

// Evidence in bits, signed: "+6.2", "−3.1", "0".
export function bits(w) {
  const v = Number(w) || 0
  if (Math.abs(v) < 0.05) return '0'
  return (v > 0 ? '+' : '−') + Math.abs(v).toFixed(1)
}

// Tag colour of a field's agreement level: grey when missing, green when it speaks for the match,
// orange when it says little either way, red when it speaks against.
export function levelType(f) {
  if (!f || f.level === 'missing') return 'info'
  const w = Number(f.weight) || 0
  if (w >= 1) return 'success'
  if (w > -0.5) return 'warning'
  return 'danger'
}

// The reasons a row was rejected (problems that reject), or its warnings.
export function rowReasons(row, rejecting = true) {
  return (row.problems || []).filter((p) => !!p.rejects === rejecting).map((p) => p.message)
}

// The file's headings in the file's order (Row.raw_order; Row.raw itself comes with sorted keys).
export function rawHeadings(record) {
  if (!record) return []
  if (Array.isArray(record.raw_order) && record.raw_order.length) return record.raw_order
  return Object.keys(record.raw || {})
}

export function rejectedFileName(batchId, ext) {
  return `被拒绝行_批次${batchId}.${ext}`
}

export function downloadRejected(batchId, ext) {
  return downloadWithToken(`/imports/${encodeURIComponent(batchId)}/rejected.${ext}`, rejectedFileName(batchId, ext))
}

export function encodingName(enc) {
  if (!enc) return ''
  const e = String(enc).toLowerCase()
  if (e === 'utf-8' || e === 'utf8') return 'UTF-8'
  if (e.startsWith('gb')) return enc.toUpperCase()
  return enc
}

// Chinese names of the mapped fields of department rows (Row.fields).
export const FIELD_LABELS = {
  name: '姓名',
  id_number: '身份证号',
  sex: '性别',
  birth_date: '出生日期',
  guardian_name: '监护人',
  phone: '联系电话',
  address: '现住址',
  hukou_address: '户籍地址',
  school: '学校',
  grade: '年级',
  student_no: '学籍号',
  enrol_date: '入学时间',
  disability_cert_no: '残疾证号',
  disability_type: '残疾类别',
  disability_level: '残疾等级',
  rehab_subsidy: '康复救助',
  living_subsidy: '生活补贴',
  care_subsidy: '护理补贴',
  permit_no: '居住证号',
  registered_date: '登记日期',
  vaccine: '疫苗',
  vaccination_date: '接种日期',
  vaccination_unit: '接种单位',
  health_record_no: '健康档案号',
  checkup_date: '体检日期',
  health_unit: '管理机构',
  insurance_type: '险种',
  insured_date: '参保日期',
  insurance_status: '参保状态',
}

export function fieldLabel(field) {
  return FIELD_LABELS[field] || field
}

// A mapped value of a row (fields first, then the row's own name/id/birth date).
export function recordValue(record, field) {
  const f = (record && record.fields) || {}
  const v = f[field] !== undefined && f[field] !== null && f[field] !== '' ? f[field] : record ? record[field] : ''
  if (field === 'sex') return v === 'M' ? '男' : v === 'F' ? '女' : v || ''
  return v === undefined || v === null ? '' : String(v)
}
