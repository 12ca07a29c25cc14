// Thin client for the tongan JSON API (docs/api.md): bearer token from sessionStorage,
// errors as ApiError carrying the server's {code, message, field}; 401 sends the user to login.
import { ref } from 'vue'

const TOKEN_KEY = 'tongan.token'

export const token = ref(sessionStorage.getItem(TOKEN_KEY) || '')

export function setToken(value) {
  token.value = value || ''
  if (value) sessionStorage.setItem(TOKEN_KEY, value)
  else sessionStorage.removeItem(TOKEN_KEY)
}

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message)
    this.status = status
    this.code = code
    this.field = field || ''
  }
}

let onUnauthenticated = () => {}
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn
}

// A 403 password_change_required: the account must change its initial password first.
let onPasswordChangeRequired = () => {}
export function setPasswordChangeHandler(fn) {
  onPasswordChangeRequired = fn
}

// For requests made outside request() (uploads, file downloads): a 401 ends the session the same way.
export function reportUnauthenticated(apiError) {
  setToken('')
  onUnauthenticated(apiError)
}

// An ApiError from a failed response's status and body text ({error:{code,message,field}}).
export function apiErrorOf(status, text) {
  let err = {}
  try {
    err = (JSON.parse(text || '{}') || {}).error || {}
  } catch {
    err = {}
  }
  return new ApiError(status, err.code || 'http_' + status, err.message || `服务器返回错误（${status}）`, err.field)
}

export function query(params) {
  const parts = []
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue
    parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v))
  }
  return parts.length ? '?' + parts.join('&') : ''
}

export async function request(method, path, { params, body } = {}) {
  const headers = { Accept: 'application/json' }
  if (token.value) headers.Authorization = 'Bearer ' + token.value
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  let res
  try {
    res = await fetch('/api' + path + query(params), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (e) {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试')
  }
  let data = null
  const text = await res.text()
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (!res.ok) {
    const err = (data && data.error) || {}
    const apiError = new ApiError(
      res.status,
      err.code || 'http_' + res.status,
      err.message || `服务器返回错误（${res.status}）`,
      err.field,
    )
    if (res.status === 401 && path !== '/login') {
      setToken('')
      onUnauthenticated(apiError)
    }
    if (res.status === 403 && apiError.code === 'password_change_required') onPasswordChangeRequired(apiError)
    throw apiError
  }
  return data
}

export const api = {
  // otp: the 6-digit code of the second factor, asked for after an otp_required answer
  login: (username, password, otp) =>
    request('POST', '/login', { body: otp ? { username, password, otp } : { username, password } }),
  logout: () => request('POST', '/logout'),
  me: () => request('GET', '/me'),
  changePassword: (oldPassword, newPassword) =>
    request('POST', '/me/password', { body: { old_password: oldPassword, new_password: newPassword } }),
  // second factor (TOTP): begin → {secret, uri}; enable with a code; disable with the password
  beginTotp: () => request('POST', '/me/totp', { body: {} }),
  enableTotp: (code) => request('POST', '/me/totp/enable', { body: { code } }),
  disableTotp: (password) => request('POST', '/me/totp/disable', { body: { password } }),
  meta: () => request('GET', '/meta'),
  region: (code) => request('GET', '/regions/' + encodeURIComponent(code)),
  children: (params) => request('GET', '/children', { params }),
  exportChildren: (params) => request('GET', '/children/export', { params }),
  users: () => request('GET', '/users'),
  places: () => request('GET', '/places'),
  place: (code) => request('GET', '/places/' + encodeURIComponent(code)),
  createUser: (body) => request('POST', '/users', { body }),
  setUserDisabled: (id, disabled) =>
    request('POST', '/users/' + encodeURIComponent(id) + (disabled ? '/disable' : '/enable')),
  // the security administrator's account actions
  unlockUser: (id) => request('POST', '/users/' + encodeURIComponent(id) + '/unlock', { body: {} }),
  resetUserPassword: (id, password) =>
    request('POST', '/users/' + encodeURIComponent(id) + '/reset-password', { body: { password } }),
  resetUserTotp: (id) => request('POST', '/users/' + encodeURIComponent(id) + '/reset-totp', { body: {} }),
  // the audit administrator: search (newest first, paged by next_before) and verify the hash chain
  audit: (params) => request('GET', '/audit', { params }),
  verifyAudit: () => request('GET', '/audit/verify'),
  child: (id) => request('GET', '/children/' + encodeURIComponent(id)),
  createChild: (body) => request('POST', '/children', { body }),
  updateChild: (id, body) => request('PUT', '/children/' + encodeURIComponent(id), { body }),
  history: (id) => request('GET', '/children/' + encodeURIComponent(id) + '/history'),
  idCheck: (idNumber) => request('POST', '/id-check', { body: { id_number: idNumber } }),
  summary: (region) => request('GET', '/stats/summary', { params: { region } }),
  trend: (region) => request('GET', '/stats/trend', { params: { region } }),
  figureHistory: (region) => request('GET', '/stats/history', { params: { region } }),

  // department data: import, linkage, findings
  importProfiles: () => request('GET', '/import-profiles'),
  imports: () => request('GET', '/imports'),
  importBatch: (id) => request('GET', '/imports/' + encodeURIComponent(id)),
  importRows: (id, params) => request('GET', '/imports/' + encodeURIComponent(id) + '/rows', { params }),
  relink: (id) => request('POST', '/imports/' + encodeURIComponent(id) + '/relink'),
  links: (params) => request('GET', '/links', { params }),
  link: (recordId) => request('GET', '/links/' + encodeURIComponent(recordId)),
  // action: accept | reject | undo
  decideLink: (recordId, action, body) => request('POST', '/links/' + encodeURIComponent(recordId) + '/' + action, { body }),
  childSources: (id) => request('GET', '/children/' + encodeURIComponent(id) + '/sources'),
  findings: () => request('GET', '/findings'),
  // list: unregistered | separated | needs/{rule}
  findingsList: (list, params) => request('GET', '/findings/' + list, { params }),

  // care work: ledger, visits, warnings, cases, referrals
  careSummary: (region) => request('GET', '/care/summary', { params: { region } }),
  // view: ledger | due | all
  careList: (params) => request('GET', '/care', { params }),
  childCare: (id) => request('GET', '/children/' + encodeURIComponent(id) + '/care'),
  // enter: true puts the child in the key-care ledger, false takes it out
  ledger: (id, enter, reason) =>
    request('POST', '/children/' + encodeURIComponent(id) + '/ledger/' + (enter ? 'enter' : 'leave'), { body: { reason } }),
  recordVisit: (id, body) => request('POST', '/children/' + encodeURIComponent(id) + '/visits', { body }),
  childCases: (id) => request('GET', '/children/' + encodeURIComponent(id) + '/cases'),
  childReferrals: (id) => request('GET', '/children/' + encodeURIComponent(id) + '/referrals'),
  careRules: () => request('GET', '/care/rules'),
  saveCareRules: (rules) => request('PUT', '/care/rules', { body: rules }),
  caseMeta: () => request('GET', '/case-meta'),
  cases: (params) => request('GET', '/cases', { params }),
  createCase: (body) => request('POST', '/cases', { body }),
  caseItem: (id) => request('GET', '/cases/' + encodeURIComponent(id)),
  caseAction: (id, body) => request('POST', '/cases/' + encodeURIComponent(id) + '/actions', { body }),
  referrals: (params) => request('GET', '/referrals', { params }),
  createReferral: (body) => request('POST', '/referrals', { body }),
  referral: (id) => request('GET', '/referrals/' + encodeURIComponent(id)),
  // action: accept | reject | done
  referralAction: (id, body) => request('POST', '/referrals/' + encodeURIComponent(id) + '/actions', { body }),

  // moves between counties and pushes to the registration (hukou) county
  childMoves: (id) => request('GET', '/children/' + encodeURIComponent(id) + '/moves'),
  requestTransfer: (id, body) => request('POST', '/children/' + encodeURIComponent(id) + '/transfers', { body }),
  // direction: incoming | outgoing
  transfers: (direction) => request('GET', '/transfers', { params: { direction } }),
  acceptTransfer: (id, body) => request('POST', '/transfers/' + encodeURIComponent(id) + '/accept', { body }),
  rejectTransfer: (id, body) => request('POST', '/transfers/' + encodeURIComponent(id) + '/reject', { body }),
  createPush: (id, body) => request('POST', '/children/' + encodeURIComponent(id) + '/pushes', { body }),
  pushes: (direction) => request('GET', '/pushes', { params: { direction } }),
  // body.status: received | accepted | rejected
  replyPush: (id, body) => request('POST', '/pushes/' + encodeURIComponent(id) + '/reply', { body }),

  // services: catalogue, entitlements, deliveries, supply (providers, activities, pairings), needs
  serviceCatalogue: () => request('GET', '/services/catalogue'),
  saveServiceCatalogue: (catalogue) => request('PUT', '/services/catalogue', { body: catalogue }),
  childServices: (id) => request('GET', '/children/' + encodeURIComponent(id) + '/services'),
  recordDelivery: (id, body) => request('POST', '/children/' + encodeURIComponent(id) + '/deliveries', { body }),
  voidDelivery: (id, reason) => request('POST', '/deliveries/' + encodeURIComponent(id) + '/void', { body: { reason } }),
  deliveries: (params) => request('GET', '/deliveries', { params }),
  serviceCoverage: (region) => request('GET', '/services/coverage', { params: { region } }),
  openItems: (params) => request('GET', '/services/open-items', { params }),
  serviceNeeds: (region) => request('GET', '/services/needs', { params: { region } }),
  unmetNeeds: (params) => request('GET', '/services/unmet', { params }),
  providers: (params) => request('GET', '/providers', { params }),
  provider: (id) => request('GET', '/providers/' + encodeURIComponent(id)),
  createProvider: (body) => request('POST', '/providers', { body }),
  updateProvider: (id, body) => request('PUT', '/providers/' + encodeURIComponent(id), { body }),
  activities: (params) => request('GET', '/activities', { params }),
  activity: (id) => request('GET', '/activities/' + encodeURIComponent(id)),
  createActivity: (body) => request('POST', '/activities', { body }),
  // status: open | closed | cancelled
  setActivityStatus: (id, status) => request('POST', '/activities/' + encodeURIComponent(id) + '/status', { body: { status } }),
  signUp: (id, childId) => request('POST', '/activities/' + encodeURIComponent(id) + '/participants', { body: { child_id: childId } }),
  withdraw: (id, childId) =>
    request('POST', '/activities/' + encodeURIComponent(id) + '/participants/' + encodeURIComponent(childId) + '/withdraw'),
  recordAttendance: (id, body) => request('POST', '/activities/' + encodeURIComponent(id) + '/attendance', { body }),
  pairings: (params) => request('GET', '/pairings', { params }),
  createPairing: (body) => request('POST', '/pairings', { body }),
  endPairing: (id, body) => request('POST', '/pairings/' + encodeURIComponent(id) + '/end', { body }),

  // statistics and supervision (统计分析, 督导调度); the month-end history is api.figureHistory above
  statsDashboard: (region) => request('GET', '/stats/dashboard', { params: { region } }),
  statsChildren: (params) => request('GET', '/stats/children', { params }),
  supervision: (region) => request('GET', '/stats/supervision', { params: { region } }),
  dispatch: (region, month) => request('GET', '/stats/dispatch', { params: { region, month } }),

  // monitoring rounds (监测摸排)
  rounds: () => request('GET', '/rounds'),
  openRound: (body) => request('POST', '/rounds', { body }),
  round: (id) => request('GET', '/rounds/' + encodeURIComponent(id)),
  // body: {note} for a child director's own village, {village_code, note} for the county
  confirmRound: (id, body) => request('POST', '/rounds/' + encodeURIComponent(id) + '/confirm', { body }),
  closeRound: (id) => request('POST', '/rounds/' + encodeURIComponent(id) + '/close', { body: {} }),
  roundChanges: (id, params) => request('GET', '/rounds/' + encodeURIComponent(id) + '/changes', { params }),
}
