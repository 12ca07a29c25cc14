// Services (关爱服务清单, 供需对接): the catalogue loaded once per page load, provider kinds,
// reach of supply, activity states, and the catalogue's conditions written out in words.
// Names follow docs/api.md ("Services: …").
import { api } from './api.js'

// GET /api/services/catalogue once per page load; saving the catalogue drops it.
let cataloguePromise = null
export function loadCatalogue() {
  if (!cataloguePromise) {
    cataloguePromise = api.serviceCatalogue().catch((e) => {
      cataloguePromise = null
      throw e
    })
  }
  return cataloguePromise
}
export function forgetCatalogue() {
  cataloguePromise = null
}

export const PROVIDER_KINDS = [
  { code: 'school', name: '学校' },
  { code: 'children_home', name: '儿童之家' },
  { code: 'after_school', name: '课后托管' },
  { code: 'social_org', name: '社会组织' },
  { code: 'volunteer', name: '志愿者' },
  { code: 'health_centre', name: '卫生服务机构' },
  { code: 'other', name: '其他' },
]
export function providerKindName(code, kinds) {
  const hit = (kinds && kinds.length ? kinds : PROVIDER_KINDS).find((k) => k.code === code)
  return hit ? hit.name : code || ''
}

export const VOLUNTEER_TYPES = ['爱心妈妈', '五老', '大学生志愿者', '党员志愿者', '其他']

// How near a child the supply is (GET /api/children/{id}/services offers, GET /api/services/unmet).
export const REACH = {
  village: { name: '本村', type: 'success', order: 0 },
  township: { name: '本乡镇', type: 'primary', order: 1 },
  county: { name: '县内', type: 'info', order: 2 },
  none: { name: '无供给', type: 'danger', order: 3 },
}
export function reachName(code) {
  return (REACH[code] && REACH[code].name) || code || ''
}
export function reachOrder(code) {
  return REACH[code] ? REACH[code].order : 9
}

export const ACTIVITY_STATUS = {
  open: { name: '报名中', type: 'success' },
  closed: { name: '已结束', type: 'info' },
  cancelled: { name: '已取消', type: 'danger' },
}
export function activityStatusName(code) {
  return (ACTIVITY_STATUS[code] && ACTIVITY_STATUS[code].name) || code || ''
}

export const RECEIVED_VIA = { fact: '档案事实', delivery: '服务记录' }
export const NEED_SOURCES = { file: '档案', visit: '走访' }
export const DELIVERY_SOURCES = { manual: '手工登记', import: '部门导入' }

// received / entitled as a percentage; null (none entitled) as a dash.
export function rateText(rate) {
  if (rate === null || rate === undefined || Number.isNaN(Number(rate))) return '—'
  return (Number(rate) * 100).toFixed(1) + '%'
}
export function rateOf(received, entitled) {
  return entitled ? received / entitled : null
}
// Colours of a rate: low coverage stands out.
export function rateColour(rate) {
  if (rate === null || rate === undefined) return '#c0c4cc'
  if (rate >= 0.9) return '#3a9d5d'
  if (rate >= 0.6) return '#d48806'
  return '#d9363e'
}

export const num = (v) => (v === undefined || v === null ? '—' : Number(v).toLocaleString('zh-CN'))

export function needName(code, catalogue) {
  const hit = ((catalogue && catalogue.need_types) || []).find((n) => n.code === code)
  return hit ? hit.name_zh : code || ''
}
export function areaName(code, catalogue) {
  const hit = ((catalogue && catalogue.areas) || []).find((a) => a.code === code)
  return hit ? hit.name_zh : code || ''
}

// ---- conditions in words -------------------------------------------------------------------
// The catalogue's `when` uses the warning-rule grammar: {"all":[…]}, {"any":[…]}, {"not":…},
// {"fact","op","value"}. Written out with the facts' Chinese labels and value names.

const OPS = {
  eq: '为',
  ne: '不为',
  gt: '大于',
  gte: '不小于',
  lt: '小于',
  lte: '不大于',
}

function factOf(name, facts) {
  return (facts || []).find((f) => f.name === name) || { name, label_zh: name, type: '', values: [] }
}

function valueName(fact, v) {
  if (typeof v === 'boolean') return v ? '是' : '否'
  const hit = (fact.values || []).find((x) => x.code === v)
  if (hit) return hit.name || (v === '' ? '空' : String(v))
  if (v === '') return '空'
  return String(v)
}

function listOf(fact, value) {
  return [].concat(value === undefined ? [] : value).map((v) => valueName(fact, v))
}

const AGE_OPS = { gte: (v) => `满${v}周岁`, gt: (v) => `大于${v}周岁`, lt: (v) => `不满${v}周岁`, lte: (v) => `不超过${v}周岁`, eq: (v) => `${v}周岁`, ne: (v) => `不是${v}周岁` }

function leaf(c, facts) {
  const f = factOf(c.fact, facts)
  const label = f.label_zh || c.fact
  if (c.fact === 'age' && typeof c.value === 'number' && AGE_OPS[c.op]) return AGE_OPS[c.op](c.value)
  if (c.fact === 'classes' && c.op === 'contains') return '属于' + listOf(f, c.value).join('或')
  switch (c.op) {
    case 'is_true':
      return `${label}：是`
    case 'is_false':
      return `${label}：否`
    case 'exists':
      return `${label}有记录`
    case 'missing':
      return `${label}无记录`
    case 'in': {
      const vs = listOf(f, c.value)
      return vs.length === 1 ? `${label}为${vs[0]}` : `${label}为${vs.join('、')}之一`
    }
    case 'not_in':
      return `${label}不为${listOf(f, c.value).join('、')}`
    case 'contains': {
      const vs = listOf(f, c.value)
      return vs.length === 1 ? `${label}含“${vs[0]}”` : `${label}含${vs.map((v) => '“' + v + '”').join('、')}之一`
    }
    default: {
      const op = OPS[c.op] || c.op
      const v = f.type === 'int' || typeof c.value === 'number' ? String(c.value) : valueName(f, c.value)
      return f.type === 'int' || typeof c.value === 'number' ? `${label}${op} ${v}` : `${label}${op}${v}`
    }
  }
}

// Ages are the most common bounds: "满6周岁不满15周岁" rather than two clauses.
function ageRange(list) {
  const ages = list.filter((c) => c && c.fact === 'age' && typeof c.value === 'number')
  if (ages.length !== 2) return null
  const lo = ages.find((c) => c.op === 'gte' || c.op === 'gt')
  const hi = ages.find((c) => c.op === 'lt' || c.op === 'lte')
  if (!lo || !hi) return null
  return { text: AGE_OPS[lo.op](lo.value) + AGE_OPS[hi.op](hi.value), rest: list.filter((c) => !ages.includes(c)) }
}

const NEGATE = { eq: 'ne', ne: 'eq', in: 'not_in', not_in: 'in', is_true: 'is_false', is_false: 'is_true', exists: 'missing', missing: 'exists', gt: 'lte', lte: 'gt', lt: 'gte', gte: 'lt' }

export function describeCondition(c, facts, depth = 0) {
  if (c === null || c === undefined) return '—'
  if (typeof c !== 'object') return String(c)
  if (Array.isArray(c.all)) {
    const range = ageRange(c.all)
    const parts = range ? [range.text, ...range.rest.map((x) => describeCondition(x, facts, depth + 1))] : c.all.map((x) => describeCondition(x, facts, depth + 1))
    const s = parts.join('，且')
    return depth > 0 && parts.length > 1 ? `（${s}）` : s
  }
  if (Array.isArray(c.any)) {
    const parts = c.any.map((x) => describeCondition(x, facts, depth + 1))
    const s = parts.join('，或')
    return depth > 0 && parts.length > 1 ? `（${s}）` : s
  }
  if (c.not !== undefined) {
    const n = c.not
    // a negated comparison reads as the opposite comparison ("不为机构养育")
    if (n && n.fact && NEGATE[n.op] && !(n.fact === 'classes' && n.op === 'contains')) return leaf({ ...n, op: NEGATE[n.op] }, facts)
    if (n && n.fact === 'classes' && n.op === 'contains') return '不' + leaf(n, facts)
    return `并非${describeCondition(n, facts, depth + 1).replace(/^(?!（)(.*)$/, '（$1）')}`
  }
  if (c.fact) return leaf(c, facts)
  return JSON.stringify(c)
}

// "河南省平顶山市新华区焦店镇李屯村" → "焦店镇李屯村": the part below the county, which is what
// people in one county tell places apart by; a county-level region keeps its own name (新华区).
export function localRegionName(full) {
  const name = full || ''
  const m = name.match(/^(?:.+?(?:省|自治区))?(?:.+?市)?(.+?(?:区|县|旗))?(.*)$/)
  if (!m) return name
  return m[2] || m[1] || name
}
