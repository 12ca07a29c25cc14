// A village child director's day: log in, register a child, see how it was classified, find it
// in the list, open and edit its file — and never reach a child of another village.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  apiGet,
  apiLogin,
  launchBrowser,
  login,
  makeChildId,
  makeChildName,
  pickOption,
  shot,
  startServer,
} from './helpers.mjs'

// ChildService::kExportReasonAbove: larger exports ask their purpose
const EXPORT_REASON_ABOVE = 200

describe('village child director (zhuren1) at 1366×768', { timeout: 240000 }, () => {
  let server
  let browser
  let page
  const child = { name: makeChildName(), ...makeChildId({ years: 8, sex: 'M' }) }
  let childUrl = ''

  before(async () => {
    server = await startServer({ children: 3000 })
    browser = await launchBrowser({ width: 1366, height: 768 })
    page = browser.page
  })

  after(async () => {
    if (browser) await browser.close()
    if (server) await server.stop()
  })

  test('logs in and sees the dashboard of the own village', async () => {
    await shotLogin()
    await login(page, server.url, 'zhuren1')
    await page.locator('.app-header', { hasText: '童安 · 流动和留守儿童关爱保护信息系统' }).waitFor()
    await page.locator('.app-user', { hasText: '儿童主任' }).waitFor()
    await page.locator('[data-test="stat-total"] .stat-value').waitFor()
    const total = await page.locator('[data-test="stat-total"] .stat-value').innerText()
    assert.match(total, /^[\d,]+$/)
    // the region breadcrumb ends at the user's own village under 焦店镇
    await page.locator('.region-crumb', { hasText: '焦店镇' }).waitFor()
    await page.locator('.echart canvas').first().waitFor()
    await page.locator('.el-card', { hasText: '登记儿童累计趋势' }).locator('canvas, [data-test="trend-empty"]').first().waitFor()
    await shot(page, 'desktop-dashboard-village')

    // the white menu column runs down to the bottom of the long page, and the menu stays in view
    const column = await page.evaluate(() => ({
      aside: document.querySelector('.app-aside').getBoundingClientRect().bottom,
      main: document.querySelector('.app-main').getBoundingClientRect().bottom,
      page: document.documentElement.scrollHeight,
      viewport: window.innerHeight,
    }))
    assert.ok(column.page > column.viewport, 'the dashboard is longer than the screen')
    assert.ok(column.aside >= column.main - 1, `the menu column ends at ${column.aside}, the page at ${column.main}`)
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight))
    await page.waitForFunction(() => window.scrollY > 0)
    const menuTop = await page.evaluate(() => document.querySelector('.side-menu').getBoundingClientRect().top)
    assert.ok(menuTop >= 50 && menuTop < 120, `the menu stays under the header when scrolled (top ${menuTop})`)
    await shot(page, 'desktop-dashboard-scrolled', { fullPage: false })
    await page.evaluate(() => window.scrollTo(0, 0))
  })

  test('registers a child; the ID is checked as typed and the classification is shown', async () => {
    await page.locator('.side-menu').getByText('登记儿童').click()
    await page.waitForURL('**/children/new')
    await page.locator('input[name="name"]').fill(child.name)

    // a wrong check digit is refused with the reason, next to the field
    const wrong = child.id.slice(0, 17) + (child.id[17] === '0' ? '1' : '0')
    await page.locator('input[name="id_number"]').fill(wrong)
    const idItem = page.locator('.el-form-item', { has: page.locator('input[name="id_number"]') })
    await idItem.locator('.el-form-item__error', { hasText: '校验' }).waitFor()
    await shot(page, 'desktop-register-invalid-id')

    // the right one fills birth date and sex
    await page.locator('input[name="id_number"]').fill(child.id)
    await page.locator('[data-test="id-valid"]').waitFor()
    await page.locator('[data-test="id-info"]', { hasText: child.birthDate }).waitFor()
    assert.equal(await page.locator('input[name="birth_date"]').inputValue(), child.birthDate)
    assert.equal(await page.locator('[data-test="sex"] input[value="M"]').isChecked(), true)
    // … and the hukou place with the county the ID was issued in, shown by its full name
    await page.locator('[data-test="hukou-name"]', { hasText: '河南省平顶山市新华区' }).waitFor()
    await page.waitForFunction(() => document.querySelector('.hukou-picker input')?.value === '河南省 / 平顶山市 / 新华区')

    // both parents work away, the grandmother looks after him: a left-behind child
    await page.locator('input[name="address"]').fill('村东头3号')
    await pickOption(page, formSelect('与谁共同生活'), '与其他监护人共同生活')
    const blocks = page.locator('.person-block')
    await blocks.nth(0).locator('input').first().fill('测父亲')
    await pickOption(page, blocks.nth(0).locator('.el-select'), '外出务工')
    await blocks.nth(1).locator('input').first().fill('测母亲')
    await pickOption(page, blocks.nth(1).locator('.el-select'), '外出务工')
    await blocks.nth(2).locator('input').first().fill('测奶奶')

    // an impossible phone number is refused next to its field
    await blocks.nth(2).locator('input').nth(2).fill('12ab')
    await page.locator('[data-test="save"]').click()
    await blocks.nth(2).locator('.el-form-item__error', { hasText: '电话号码格式不正确' }).waitFor()
    await blocks.nth(2).locator('input').nth(2).fill('13812345678')
    await shot(page, 'desktop-register-filled')

    await page.locator('[data-test="save"]').click()
    const result = page.locator('[data-test="classification-result"]')
    await result.waitFor()
    await result.locator('.class-tag[data-class="left_behind"]').waitFor()
    assert.match(await result.innerText(), /留守儿童/)
    await shot(page, 'desktop-register-saved', { fullPage: false })
    await page.locator('[data-test="open-file"]').click()
    await page.waitForURL(/\/children\/\d+$/)
    childUrl = page.url()
    await page.locator('[data-test="child-name"]', { hasText: child.name }).waitFor()
  })

  test('finds the child in the list by name and opens its file', async () => {
    await page.locator('.side-menu').getByText('儿童列表').click()
    await page.waitForURL('**/children')
    await page.locator('[data-test="child-table"] .el-table__row').first().waitFor()
    await shot(page, 'desktop-list')
    await page.locator('input[name="q"]').fill(child.name)
    await page.locator('[data-test="search"]').click()
    await page.waitForURL(/q=/)
    const row = page.locator('[data-test="child-table"] .el-table__row', { hasText: child.name })
    await row.waitFor()
    assert.equal(await page.locator('[data-test="total"]').innerText(), '1')
    assert.match(await row.innerText(), new RegExp(child.birthDate))
    await row.getByRole('link', { name: child.name }).click()
    await page.waitForURL(childUrl)
    await page.locator('[data-test="child-name"]', { hasText: child.name }).waitFor()
    const text = await page.locator('.child-file').innerText()
    assert.match(text, /留守儿童/)
    assert.match(text, /义务教育|6-15/)
    assert.ok(text.includes(child.id), 'a child director sees the full ID of a child of the own village')
    await shot(page, 'desktop-file')
  })

  test('edits the file: an invalid ID shows the reason next to the field, a valid change is kept in the history', async () => {
    await page.locator('[data-test="edit"]').click()
    await page.waitForURL(/\/edit$/)
    const idInput = page.locator('input[name="id_number"]')
    await idInput.waitFor()
    await idInput.fill(child.id.slice(0, 6) + '20151332' + child.id.slice(14, 17) + '1')
    const idItem = page.locator('.el-form-item', { has: idInput })
    await idItem.locator('.el-form-item__error').waitFor()
    assert.ok((await idItem.locator('.el-form-item__error').innerText()).length > 4, 'the reason is spelled out')
    await shot(page, 'desktop-edit-invalid-id')
    await idInput.fill(child.id)
    await page.locator('[data-test="id-valid"]').waitFor()
    await page.locator('.el-form-item', { hasText: '学校（幼儿园）' }).locator('input').fill('焦店镇中心小学')
    await page.locator('[data-test="save"]').click()
    await page.waitForURL(childUrl)
    await page.getByRole('tab', { name: '变更记录' }).click()
    await page.locator('[data-test="history"] .el-table__row', { hasText: '焦店镇中心小学' }).waitFor()
    await shot(page, 'desktop-file-history')
  })

  test('the printable file shows the whole file without the menu', async () => {
    await page.locator('[data-test="print"]').click()
    await page.waitForURL(/\/print$/)
    await page.locator('[data-test="print-sheet"]', { hasText: child.name }).waitFor()
    await shot(page, 'desktop-print-screen')
    await page.emulateMedia({ media: 'print' })
    assert.equal(await page.locator('.no-print').isVisible(), false)
    assert.equal(await page.locator('.side-menu').count(), 0)
    await shot(page, 'desktop-print')
    await page.emulateMedia({ media: 'screen' })
  })

  test('a child of another village is not reachable by URL', async () => {
    const county = await apiLogin(server.url, 'xian_minzheng')
    const other = await apiGet(server.url, county, '/api/children?region=410402100002&page_size=1')
    assert.ok(other.items.length > 0, 'the demo county has children in village 410402100002')
    const stranger = other.items[0]
    const seen = []
    page.on('response', (r) => {
      if (r.url().includes('/api/children/' + stranger.id)) seen.push(r.status())
    })
    await page.goto(server.url + '/children/' + stranger.id)
    await page.locator('[data-test="not-found"]').waitFor()
    const body = await page.locator('body').innerText()
    assert.match(body, /未找到该儿童档案/)
    assert.match(body, /无权限/)
    assert.ok(!body.includes(stranger.name), 'the other child’s name is not shown')
    assert.ok(!body.includes(stranger.id_number), 'the other child’s ID is not shown')
    assert.ok(!body.includes(stranger.id_number.slice(-4) + '\n'), 'not even the end of the ID')
    assert.ok(seen.length > 0 && seen.every((s) => s === 404), `the API refused the read (${seen})`)
    await shot(page, 'desktop-other-village')

    // nor by the print route
    await page.goto(server.url + '/children/' + stranger.id + '/print')
    await page.locator('[data-test="not-found"]').waitFor()
    assert.ok(!(await page.locator('body').innerText()).includes(stranger.name))
  })

  test('the export downloads an .xlsx of the list in one audited request, as long as the list', async () => {
    // the whole list of the village: the export route answers all of it at once
    await page.goto(server.url + '/children')
    await page.locator('[data-test="child-table"] .el-table__row').first().waitFor()
    const shown = Number((await page.locator('[data-test="total"]').innerText()).replace(/,/g, ''))
    assert.ok(shown >= 1, 'the village has at least the child registered above')
    const exportRequests = []
    const pagedRequests = []
    const onRequest = (r) => {
      const u = new URL(r.url())
      if (u.pathname === '/api/children/export') exportRequests.push(u.search)
      else if (u.pathname === '/api/children') pagedRequests.push(u.search)
    }
    page.on('request', onRequest)
    const downloading = page.waitForEvent('download')
    await page.locator('[data-test="export"]').click()
    if (shown > EXPORT_REASON_ABOVE) {
      // a large export asks its purpose first, and refuses an empty one
      const box = page.locator('.export-reason-box')
      await box.waitFor()
      await box.locator('.el-button--primary').click()
      await box.locator('.el-message-box__errormsg', { hasText: '请填写导出事由' }).waitFor()
      await box.locator('input').fill('季度信息核对')
      await box.locator('.el-button--primary').click()
    }
    const download = await downloading
    page.off('request', onRequest)
    await page.locator('.el-message', { hasText: `已导出 ${shown.toLocaleString('zh-CN')} 名儿童` }).waitFor()
    assert.match(download.suggestedFilename(), /^儿童名单_.*\.xlsx$/)
    const { readFileSync } = await import('node:fs')
    const bytes = readFileSync(await download.path())
    assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an .xlsx is a zip file')
    assert.equal(exportRequests.length, 1, 'one request to /api/children/export')
    assert.equal(pagedRequests.length, 0, 'no paging through /api/children')

    // the test's own check through the API: the export holds exactly the list's total
    const token = await apiLogin(server.url, 'zhuren1')
    const list = await apiGet(server.url, token, '/api/children?page_size=1')
    const all = await apiGet(server.url, token, '/api/children/export?reason=' + encodeURIComponent('季度信息核对'))
    assert.equal(list.total, shown)
    assert.equal(all.total, list.total)
    assert.equal(all.items.length, list.total)
    assert.equal(new Set(all.items.map((c) => c.id)).size, list.total, 'no child twice')
    // a county's list, in the thousands, as well
    const county = await apiLogin(server.url, 'xian_minzheng')
    const countyList = await apiGet(server.url, county, '/api/children?page_size=1')
    // thousands need a stated purpose: without one the server refuses, naming the field
    const refused = await fetch(server.url + '/api/children/export', { headers: { Authorization: `Bearer ${county}` } })
    assert.equal(refused.status, 400)
    assert.equal((await refused.json()).error.code, 'export_reason_required')
    const countyAll = await apiGet(server.url, county, '/api/children/export?reason=' + encodeURIComponent('上报市民政局季度名单'))
    assert.ok(countyList.total > 1000, `the demo county has thousands of children (${countyList.total})`)
    assert.equal(countyAll.items.length, countyList.total)
    // and with a filter
    const q = encodeURIComponent(child.name)
    const one = await apiGet(server.url, token, '/api/children/export?q=' + q)
    assert.ok(one.items.some((c) => c.name === child.name))
    assert.equal(one.items.length, (await apiGet(server.url, token, '/api/children?page_size=1&q=' + q)).total)
  })

  async function shotLogin() {
    await page.goto(server.url + '/login')
    await page.locator('input[name="username"]').waitFor()
    await shot(page, 'desktop-login')
  }

  function formSelect(label) {
    return page.locator('.el-form-item', { has: page.locator('.el-form-item__label', { hasText: label }) }).locator('.el-select')
  }
})
