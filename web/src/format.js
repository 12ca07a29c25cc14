// Display helpers: dates as 2026-11-22 (China time), sex, class tag colours, screen width.
import { onBeforeUnmount, ref } from 'vue'

const pad = (n) => String(n).padStart(2, '0')

// A timestamp from the server is UTC ("2026-11-22T02:30:00Z"); people read it in China time
// (UTC+8, no daylight saving) whatever the browser's zone.
function chinaParts(value) {
  const t = Date.parse(value)
  if (Number.isNaN(t)) return null
  const d = new Date(t + 8 * 3600 * 1000)
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  }
}

// Plain dates ("2015-03-02") pass through; timestamps become the China-time date.
export function fmtDate(value) {
  if (!value) return ''
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value
  const p = chinaParts(value)
  return p ? p.date : String(value)
}

export function fmtDateTime(value) {
  if (!value) return ''
  const p = chinaParts(value)
  return p ? `${p.date} ${p.time}` : String(value)
}

export function todayIso() {
  return chinaParts(new Date().toISOString()).date
}

export function sexName(code) {
  return code === 'M' ? '男' : code === 'F' ? '女' : '不详'
}

export function yesNo(v) {
  return v ? '是' : '否'
}

// One distinct colour per class, the same in tags, cards and charts.
export const CLASS_COLORS = {
  migrant: '#1677ff',
  left_behind: '#13a8a8',
  in_difficulty: '#fa8c16',
  orphan: '#722ed1',
  de_facto_unsupported: '#eb2f96',
  key_care: '#d4380d',
}

export const CLASS_ORDER = ['migrant', 'left_behind', 'in_difficulty', 'orphan', 'de_facto_unsupported', 'key_care']

export function classColor(code) {
  return CLASS_COLORS[code] || '#8c8c8c'
}

// Reactive "is this a phone-width screen".
export function useIsMobile(maxWidth = 768) {
  const mq = window.matchMedia(`(max-width: ${maxWidth}px)`)
  const isMobile = ref(mq.matches)
  const update = () => (isMobile.value = mq.matches)
  mq.addEventListener('change', update)
  onBeforeUnmount(() => mq.removeEventListener('change', update))
  return isMobile
}

// Runs fn after `ms` without another call.
export function debounce(fn, ms) {
  let timer = null
  const wrapped = (...args) => {
    clearTimeout(timer)
    timer = setTimeout(() => fn(...args), ms)
  }
  wrapped.cancel = () => clearTimeout(timer)
  return wrapped
}
