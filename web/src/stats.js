// Statistics and supervision (统计分析, 督导调度, docs/api.md): how figures are written, which
// words name the two sides of a rate, the unit of a figure key, and the trend in one shape.
import { rateColour } from './services.js'

// A count: 3,000; nothing → "—".
export function num(v) {
  if (v === undefined || v === null || Number.isNaN(Number(v))) return '—'
  return Math.round(Number(v)).toLocaleString('zh-CN')
}

// A rate 0–1 as "97.6%"; null (the denominator is 0) → "—".
export function pct(rate) {
  if (rate === undefined || rate === null || Number.isNaN(Number(rate))) return '—'
  return (Number(rate) * 100).toFixed(1) + '%'
}

export function score(v) {
  if (v === undefined || v === null || Number.isNaN(Number(v))) return '—'
  return Number(v).toFixed(1)
}

// A figure of the totals (keys with zero are absent).
export function figure(figures, key) {
  return (figures && figures[key]) || 0
}

export const GROUP_ORDER = ['儿童数量', '关爱服务', '走访与档案', '个案转介', '分色预警', '流动范围', '年龄段', '性别']
// Groups whose counts are read as shares of all registered children.
export const SHARE_GROUPS = new Set(['儿童数量', '年龄段', '性别', '分色预警'])

// The two sides of a rate: "已建档 822 / 应建档 842", the list "未建档 20".
const RATE_WORDS = {
  health_record: { yes: '已建档', no: '未建档', of: '应建档' },
  vaccination: { yes: '已接种', no: '未接种', of: '应接种' },
  preschool: { yes: '已入园', no: '未入园', of: '适龄' },
  compulsory: { yes: '已入学', no: '未入学', of: '适龄' },
  entitlements: { yes: '已享受', no: '未享受', of: '应享受' },
  needs_met: { yes: '已对接', no: '未对接', of: '需求' },
  visit_on_time: { yes: '按时走访', no: '走访逾期', of: '台账' },
  update_on_time: { yes: '按时更新', no: '超期未更新', of: '登记' },
}
export function rateWords(indicatorId) {
  const base = String(indicatorId || '')
    .replace(/^rate:/, '')
    .replace(/^m:/, '')
  return RATE_WORDS[base] || { yes: '达标', no: '未达标', of: '应达标' }
}

// Most figures count children; these count a child's items (several per child).
export function unitOf(key) {
  const k = String(key || '')
  if (k.startsWith('cases:') || k.startsWith('referrals:')) return '件'
  if (k.startsWith('entitlements:') || k.startsWith('needs:')) return '项'
  return '人'
}
export function countsItems(key) {
  return unitOf(key) !== '人'
}

// Short column names for the rates of the supervision score and the sub-region table.
const SHORT = {
  'rate:visit_on_time': '按时走访',
  'rate:update_on_time': '按时更新',
  'rate:health_record': '健康建档',
  'rate:m:health_record': '健康建档',
  'rate:vaccination': '疫苗接种',
  'rate:m:vaccination': '疫苗接种',
  'rate:preschool': '学前入园',
  'rate:m:preschool': '学前入园',
  'rate:compulsory': '义务教育',
  'rate:m:compulsory': '义务教育',
  'rate:entitlements': '服务覆盖',
  'rate:needs_met': '需求对接',
}
export function shortLabel(id, label) {
  return SHORT[id] || label || id
}

// Indicators where a rise is bad news (warnings, cases and referrals).
export function higherIsBetter(id, fallback = true) {
  if (/^count:(colour:(red|orange|yellow)|cases:|referrals:)/.test(id)) return false
  if (/^count:colour:green/.test(id)) return true
  return fallback
}

export function scoreColour(v) {
  if (v === undefined || v === null) return '#c0c4cc'
  return rateColour(v / 100)
}
export { rateColour }

// "2026-11" → "2026年11月"
export function monthTitle(month) {
  const m = /^(\d{4})-(\d{2})$/.exec(month || '')
  return m ? `${m[1]}年${Number(m[2])}月` : month || ''
}

// A change against the previous month: counts as ↑12, rates in percentage points ↑1.2个百分点.
export function changeText(change, isRate) {
  if (change === undefined || change === null) return '—'
  const v = Number(change)
  if (isRate) {
    const pp = Math.round(v * 1000) / 10
    if (pp === 0) return '持平'
    return (pp > 0 ? '↑' : '↓') + Math.abs(pp).toFixed(1) + '个百分点'
  }
  const n = Math.round(v)
  if (n === 0) return '持平'
  return (n > 0 ? '↑' : '↓') + Math.abs(n).toLocaleString('zh-CN')
}

// Lists of children show the ID masked even to roles that may see it: the file shows it whole.
export function maskId(id) {
  const s = String(id || '')
  if (!s) return '未登记'
  if (s.includes('*') || s.length < 10) return s
  return s.slice(0, 6) + '*'.repeat(s.length - 10) + s.slice(-4)
}

// The trend in one shape, {periods:[{period, values, figures, current}]}: GET /api/stats/history
// answers periods; GET /api/stats/trend (registrations by month) answers {months, registered}.
export function normalizeTrend(t) {
  if (!t) return { periods: [], registeredOnly: false }
  if (Array.isArray(t.periods)) return { periods: t.periods, registeredOnly: false }
  const months = t.months || []
  const reg = t.registered || []
  return {
    registeredOnly: true,
    periods: months.map((m, i) => ({
      period: m,
      values: { 'count:children': reg[i] },
      figures: { children: reg[i] },
    })),
  }
}

// Where a figure's children are listed.
export function childrenLink(region, key, label) {
  const query = { key }
  if (region) query.region = region
  if (label) query.label = label
  return { name: 'stats-children', query }
}
