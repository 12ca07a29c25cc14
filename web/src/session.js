// The signed-in user and the enumerations from /api/meta, shared by every page.
import { reactive } from 'vue'
import { api, setToken, token } from './api.js'

export const session = reactive({
  user: null,
  meta: null,
})

export function can(permission) {
  return !!(session.user && session.user.permissions && session.user.permissions[permission])
}

// True while the account must change its initial (or reset) password before anything else;
// the server then answers only /api/me, /api/logout and /api/me/password (not even /api/meta).
export function mustChangePassword() {
  return !!(session.user && session.user.must_change_password)
}

// Loads the user (and meta) for a stored token; false when there is none or it expired.
export async function restoreSession() {
  if (!token.value) return false
  if (session.user && (session.meta || mustChangePassword())) return true
  try {
    const user = session.user || (await api.me())
    session.user = user
    if (!session.meta && !mustChangePassword()) session.meta = await api.meta()
    return true
  } catch {
    clearSession()
    return false
  }
}

// otp: the second factor's code, when the server answered otp_required to the password alone.
export async function login(username, password, otp) {
  const res = await api.login(username, password, otp)
  setToken(res.token)
  session.user = res.user
  session.meta = mustChangePassword() ? null : await api.meta()
  return res.user
}

// Reloads the signed-in user (after a password change or a second-factor change) and the meta
// that an account with a pending password change could not read.
export async function refreshUser() {
  session.user = await api.me()
  if (!session.meta && !mustChangePassword()) session.meta = await api.meta()
  return session.user
}

export async function logout() {
  try {
    await api.logout()
  } catch {
    // the token may have expired already; leaving is what matters
  }
  clearSession()
}

export function clearSession() {
  setToken('')
  session.user = null
  session.meta = null
}

// Chinese name of an enumeration value, from /api/meta (falls back to the code).
export function enumName(kind, code) {
  const list = session.meta && session.meta[kind]
  if (!list) return code
  const hit = list.find((e) => e.code === code)
  return hit ? hit.name : code
}

export function enumOptions(kind) {
  return (session.meta && session.meta[kind]) || []
}

// The first page this user may open.
export function homeRoute() {
  if (mustChangePassword()) return '/change-password'
  if (can('read_children')) return '/'
  // a department liaison works the open service items of their department first
  if (session.user && session.user.role === 'department_liaison' && can('record_deliveries')) return '/services/open-items'
  if (can('import_data')) return '/imports/new'
  if (can('receive_referrals')) return '/referrals'
  if (can('manage_users') || can('manage_security')) return '/admin'
  if (can('read_audit')) return '/audit'
  return '/no-access'
}
