// Files the server makes (rejected rows as .xlsx / .csv) need the bearer token, so a plain link
// cannot fetch them: fetch with the token, then save the blob under a Chinese file name.
import { ApiError, apiErrorOf, reportUnauthenticated, token } from './api.js'

export async function downloadWithToken(path, filename) {
  let res
  try {
    res = await fetch('/api' + path, { headers: { Authorization: 'Bearer ' + token.value } })
  } catch {
    throw new ApiError(0, 'network', '无法连接服务器，请检查网络后重试')
  }
  if (!res.ok) {
    const err = apiErrorOf(res.status, await res.text())
    if (res.status === 401) reportUnauthenticated(err)
    throw err
  }
  saveBlob(await res.blob(), filename)
}

export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 30000)
}
