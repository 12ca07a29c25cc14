// Upload of a department file (POST /api/imports?profile=…&file_name=…) with the raw bytes as the
// body. XMLHttpRequest rather than fetch, for the upload progress. The answer comes only after
// the server has read, checked and linked the whole file, which can take a while after the last
// byte was sent: onUploaded says when that waiting begins.
import { ApiError, apiErrorOf, query, reportUnauthenticated, token } from './api.js'

export const MAX_IMPORT_BYTES = 64 * 1024 * 1024

export function uploadImport(file, profile, { onProgress, onUploaded } = {}) {
  const xhr = new XMLHttpRequest()
  const promise = new Promise((resolve, reject) => {
    xhr.open('POST', '/api/imports' + query({ profile, file_name: file.name }))
    xhr.setRequestHeader('Content-Type', 'application/octet-stream')
    xhr.setRequestHeader('Accept', 'application/json')
    if (token.value) xhr.setRequestHeader('Authorization', 'Bearer ' + token.value)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(Math.min(100, Math.round((e.loaded / e.total) * 100)))
    }
    xhr.upload.onload = () => onUploaded && onUploaded()
    xhr.onerror = () => reject(new ApiError(0, 'network', '上传失败：无法连接服务器，请检查网络后重试'))
    xhr.onabort = () => reject(new ApiError(0, 'aborted', '已取消上传'))
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText))
        } catch {
          reject(new ApiError(xhr.status, 'bad_answer', '服务器的答复无法识别'))
        }
        return
      }
      let err = apiErrorOf(xhr.status, xhr.responseText)
      if (xhr.status === 413 && err.code === 'http_413')
        err = new ApiError(413, 'body_too_large', '文件超过 64 MB，无法导入；请分成几个较小的文件')
      if (xhr.status === 401) reportUnauthenticated(err)
      reject(err)
    }
    xhr.send(file)
  })
  return { promise, abort: () => xhr.abort() }
}
