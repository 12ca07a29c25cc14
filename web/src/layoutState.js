// What the layout shows for the current page: the region its data is about (for the
// 省/市/县/乡镇/村 breadcrumb) and which page a click on a breadcrumb region opens.
import { reactive } from 'vue'
import { api } from './api.js'

export const layoutState = reactive({
  regionCode: '',
  regionTarget: 'dashboard', // route name opened with ?region=CODE on a breadcrumb click
  regionQuery: {}, // more of that route's query kept on a breadcrumb click (e.g. the month)
})

const regionCache = new Map()

// GET /api/regions/{code}, cached for the session (regions change rarely).
export function loadRegion(code) {
  if (!regionCache.has(code)) {
    const p = api.region(code).catch((e) => {
      regionCache.delete(code)
      throw e
    })
    regionCache.set(code, p)
  }
  return regionCache.get(code)
}

export function clearRegionCache() {
  regionCache.clear()
}
