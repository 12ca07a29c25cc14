// Statistics, supervision and monitoring rounds through the browser (统计分析, 督导调度, 监测摸排):
// the county bureau reads its figures, a number opens exactly the children behind it, drills into
// a township and downloads the 统计表; reads the supervision ranking and prints the month report
// on one A4 page; opens a monitoring round that the child director confirms for the village and
// the county closes, after which the change counts open their lists. The same pages at phone
// width fit the screen.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { apiGet, apiLogin, horizontalOverflow, launchBrowser, login, shot, startServer } from './helpers.mjs'

// Sign in as another user in the same browser: the session lives in sessionStorage.
async function loginAs(page, base, username) {
  await page.goto(base + '/login')
  await page.evaluate(() => sessionStorage.clear())
  await login(page, base, username)
}

async function apiSend(base, token, method, route, body) {
  const res = await fetch(base + route, {
    method,
    headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  })
  return { status: res.status, body: await res.json() }
}

const numberOf = (text) => Number(String(text).replace(/[^\d.]/g, ''))
const isPost = (re) => (r) => r.request().method() === 'POST' && re.test(new URL(r.url()).pathname)
const pct = (v) => (v * 100).toFixed(1) + '%'
const chinaMonth = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7)

describe('statistics, supervision and monitoring rounds', { timeout: 600000 }, () => {
  let server
  let browser
  let page
  let county
  const TOWNSHIP = '410402100' // 焦店镇, the child directors' township
  const VILLAGE = '410402100001' // 李屯村, zhuren1's village

  before(async () => {
    server = await startServer({ children: 3000 })
    browser = await launchBrowser({ width: 1366, height: 768 })
    page = browser.page
    county = await apiLogin(server.url, 'xian_minzheng')
  })

  after(async () => {
    if (browser) await browser.close()
    if (server) await server.stop()
  })

  test('统计分析: the figures, 流动儿童 equals the total of its list, a rate opens the uncovered, drill into a township', async () => {
    await login(page, server.url, 'xian_minzheng')
    const menu = page.locator('[data-test="menu-stats"]')
    for (const item of ['统计分析', '督导排名', '月调度', '监测摸排']) await menu.getByText(item, { exact: true }).waitFor()
    await menu.getByText('统计分析', { exact: true }).click()
    await page.waitForURL('**/stats')
    const dash = await apiGet(server.url, county, '/api/stats/dashboard')
    const migrant = page.locator('[data-indicator="count:class:migrant"] [data-test="ind-value"]')
    await migrant.waitFor()
    const shown = numberOf(await migrant.innerText())
    assert.equal(shown, dash.figures['class:migrant'], '流动儿童 as the server counts them')
    assert.ok(shown > 0)
    assert.equal(numberOf(await page.locator('[data-indicator="count:children"] [data-test="ind-value"]').innerText()), dash.figures.children)
    // every group of indicators is shown
    for (const g of new Set(dash.indicators.map((i) => i.group))) await page.locator(`[data-group="${g}"]`).first().waitFor()
    // a rate: percentage, numerator / denominator, and the uncovered
    const rate = dash.indicators.find((i) => i.id === 'rate:health_record')
    const tile = page.locator('[data-indicator="rate:health_record"]')
    assert.equal((await tile.locator('[data-test="ind-value"]').innerText()).trim(), pct(rate.value))
    assert.equal(numberOf(await tile.locator('[data-test="ind-numerator"]').innerText()), rate.numerator)
    assert.equal(numberOf(await tile.locator('[data-test="ind-denominator"]').innerText()), rate.denominator)
    for (const c of ['chart-class', 'chart-flow', 'chart-age', 'chart-colour', 'chart-sub-rate', 'chart-trend'])
      await page.locator(`[data-test="${c}"] canvas`).waitFor()
    await page.locator('[data-test="resources"]').getByText('每名儿童主任服务儿童数').waitFor()
    await shot(page, 'desktop-stats')
    await shot(page, 'desktop-stats-top', { fullPage: false })

    // 流动儿童 opens its list: the same number of children
    await migrant.click()
    await page.waitForURL(/\/stats\/children\?.*key=class(:|%3A)migrant/)
    await page.locator('[data-test="list-title"]', { hasText: '流动儿童' }).waitFor()
    await page.locator('[data-test="list-table"] .el-table__row').first().waitFor()
    assert.equal(numberOf(await page.locator('[data-test="list-total"]').innerText()), shown, 'the list has as many children as the figure')
    assert.equal(await page.locator('[data-test="list-table"] .el-table__row').count(), Math.min(20, shown))
    const firstRow = await page.locator('[data-test="list-table"] .el-table__row').first().innerText()
    assert.match(firstRow, /\d{6}\*+\d{3}[\dX]|未登记/, 'the ID number is masked in the list')
    await shot(page, 'desktop-stats-children')
    // a name opens the child's file
    const nameLink = page.locator('[data-test="list-table"] .name-link').first()
    const childId = await nameLink.getAttribute('data-child')
    await nameLink.click()
    await page.waitForURL(`**/children/${childId}`)
    await page.locator('[data-test="child-name"]').waitFor()
    await page.goBack()
    await page.goBack()
    await page.waitForURL('**/stats')

    // the uncovered of a rate: 未建档
    const uncovered = tile.locator('[data-test="ind-list"]')
    await uncovered.waitFor()
    const missing = numberOf(await uncovered.innerText())
    assert.equal(missing, dash.figures[rate.list_key])
    await uncovered.click()
    await page.waitForURL(/key=health_record(:|%3A)no/)
    await page.locator('[data-test="list-title"]', { hasText: '未建档' }).waitFor()
    await page.locator('[data-test="list-total"]').waitFor()
    assert.equal(numberOf(await page.locator('[data-test="list-total"]').innerText()), missing)
    await page.goBack()
    await page.waitForURL('**/stats')

    // drill into the township: its villages, and the township's own figures
    await page.locator(`[data-test="sub-table"] .drill-link[data-region="${TOWNSHIP}"]`).click()
    await page.waitForURL(`**/stats?region=${TOWNSHIP}`)
    await page.locator('[data-test="stats-title"]', { hasText: '焦店镇' }).waitFor()
    const town = await apiGet(server.url, county, `/api/stats/dashboard?region=${TOWNSHIP}`)
    await page.locator('[data-test="sub-table"] .drill-link').first().waitFor()
    assert.equal((await page.locator('[data-test="sub-table"] .drill-link').first().getAttribute('data-region')).length, 12, 'the township lists its villages')
    await page.waitForFunction(
      (n) => document.querySelector('[data-indicator="count:children"] [data-test="ind-value"]')?.textContent.replace(/\D/g, '') === String(n),
      town.figures.children,
    )
    // a village's number in the table opens that village's list
    const villageMigrant = page.locator(`[data-test="sub-table"] .el-table__row`).first().locator('[data-col="count:class:migrant"]')
    const villageCode = await page.locator('[data-test="sub-table"] .drill-link').first().getAttribute('data-region')
    if ((await villageMigrant.evaluate((e) => e.tagName)) === 'A') {
      const n = numberOf(await villageMigrant.innerText())
      await villageMigrant.click()
      await page.waitForURL(new RegExp(`region=${villageCode}`))
      await page.locator('[data-test="list-total"]').waitFor()
      assert.equal(numberOf(await page.locator('[data-test="list-total"]').innerText()), n)
      await page.goBack()
      await page.waitForURL(`**/stats?region=${TOWNSHIP}`)
    }
    await shot(page, 'desktop-stats-township')
    // the region breadcrumb leads back to the county
    await page.locator('.region-crumb .region-crumb-link[data-region="410402"]').click()
    await page.waitForURL('**/stats?region=410402')
    await page.locator('[data-test="stats-title"]', { hasText: '新华区' }).waitFor()
  })

  test('导出统计表 downloads the .xlsx of the sub-regions', async () => {
    await page.goto(server.url + '/stats')
    await page.locator('[data-indicator="count:children"]').waitFor()
    const download = page.waitForEvent('download')
    await page.locator('[data-test="stats-export"]').click()
    const file = await download
    assert.match(file.suggestedFilename(), /统计表.*\.xlsx$/)
    const bytes = readFileSync(await file.path())
    assert.ok(bytes.length > 1000, `a real workbook (${bytes.length} bytes)`)
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an .xlsx is a zip file')
  })

  test('督导排名: ranked scores with their parts, weights and targets; drill-down', async () => {
    await page.locator('[data-test="menu-stats"]').getByText('督导排名', { exact: true }).click()
    await page.waitForURL('**/stats/supervision')
    const sup = await apiGet(server.url, county, '/api/stats/supervision')
    const rows = page.locator('[data-test="rank-table"] > .el-table__inner-wrapper > .el-table__body-wrapper .el-table__row:not(.el-table__row--level-1)')
    const names = page.locator('[data-test="rank-table"] .drill-link')
    await names.first().waitFor()
    assert.equal(await names.count(), sup.regions.length, 'one row per sub-region')
    const top = sup.regions[0]
    assert.equal(await names.first().getAttribute('data-region'), top.region_code, 'ranked by score')
    assert.equal(await page.locator('[data-test="rank-table"] .score-bar').first().getAttribute('data-score'), String(top.score))
    assert.match(await rows.first().innerText(), new RegExp(top.score.toFixed(1).replace('.', '\\.')))
    // the parts of the first region, expanded
    await page.locator('[data-test="rank-table"] .el-table__expand-icon').first().click()
    const parts = page.locator(`[data-parts="${top.region_code}"]`)
    await parts.waitFor()
    const partText = await parts.innerText()
    for (const p of top.parts) assert.ok(partText.includes(p.label), `part ${p.label}`)
    // the weights and targets of the configuration
    const config = page.locator('[data-test="supervision-config"]')
    for (const w of sup.config.weights) await config.getByText(pct(w.target), { exact: true }).first().waitFor()
    await shot(page, 'desktop-supervision')

    // drill into the township: its villages ranked
    await page.locator(`[data-test="rank-table"] .drill-link[data-region="${TOWNSHIP}"]`).click()
    await page.waitForURL(`**/stats/supervision?region=${TOWNSHIP}`)
    await page.locator('[data-test="supervision-title"]', { hasText: '焦店镇' }).waitFor()
    await page.waitForFunction(() => (document.querySelector('[data-test="rank-table"] .drill-link')?.getAttribute('data-region') || '').length === 12)
  })

  test('月调度: the print view with title, changes and ranking, on one A4 page without the menus', async () => {
    await page.goto(server.url + '/stats')
    await page.locator('[data-test="menu-stats"]').getByText('月调度', { exact: true }).click()
    await page.waitForURL('**/stats/dispatch')
    const month = chinaMonth()
    const [y, m] = month.split('-').map(Number)
    const title = page.locator('[data-test="dispatch-title"]')
    await title.waitFor()
    assert.equal((await title.innerText()).trim(), `新华区流动儿童和留守儿童关爱保护工作月调度（${y}年${m}月）`)
    const dispatch = await apiGet(server.url, county, '/api/stats/dispatch')
    const ranking = page.locator('[data-test="dispatch-ranking"] tbody tr')
    assert.equal(await ranking.count(), dispatch.ranking.length)
    assert.match(await ranking.first().innerText(), new RegExp(dispatch.ranking[0].name))
    // no saved previous month in a fresh database: every change is "—"
    const changes = await page.locator('[data-test="figure-change"]').allInnerTexts()
    assert.ok(changes.length >= 10)
    if (!dispatch.has_previous) assert.ok(changes.every((t) => t.trim() === '—'), changes.join(' '))
    await page.locator('[data-test="dispatch-concerns"] li').first().waitFor()
    await page.locator('[data-test="dispatch-score-chart"] svg').waitFor()
    await shot(page, 'desktop-dispatch')

    // 打印 calls window.print()
    await page.evaluate(() => {
      window.__printed = 0
      window.print = () => window.__printed++
    })
    await page.locator('[data-test="do-print"]').click()
    assert.equal(await page.evaluate(() => window.__printed), 1)

    // printed: no header, menu, breadcrumbs or buttons; the sheet fits one A4 page
    await page.emulateMedia({ media: 'print' })
    assert.equal(await page.locator('.app-aside').isVisible(), false, 'the menu is hidden when printing')
    assert.equal(await page.locator('.app-header').isVisible(), false)
    assert.equal(await page.locator('[data-test="do-print"]').isVisible(), false)
    assert.ok(await title.isVisible())
    await shot(page, 'desktop-dispatch-print')
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true })
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length
    assert.equal(pages, 1, 'the month report prints on one page')
    await page.emulateMedia({ media: 'screen' })

    // a month without saved figures says so
    await page.goto(server.url + '/stats/dispatch?month=2020-01')
    await page.locator('[data-test="dispatch-missing"]').waitFor()
  })

  test('监测摸排: the county opens a round, the child director confirms the village, the county closes it, a change count opens its list', async () => {
    await page.goto(server.url + '/stats')
    await page.locator('[data-test="menu-stats"]').getByText('监测摸排', { exact: true }).click()
    await page.waitForURL('**/rounds')
    // a fresh county never had a round: overdue
    await page.locator('[data-test="rounds-overdue"]', { hasText: '尚未开展' }).waitFor()
    await page.locator('[data-test="open-round"]').click()
    const dialog = page.locator('[data-test="open-dialog"]')
    await dialog.waitFor()
    await dialog.locator('[data-test="round-name"]').fill('测试：监测摸排第一轮')
    const opened = page.waitForResponse(isPost(/^\/api\/rounds$/))
    await dialog.locator('[data-test="round-open-save"]').click()
    const round = await (await opened).json()
    assert.equal(round.status, 'open')
    await page.waitForURL(`**/rounds/${round.id}`)
    await page.locator('[data-test="round-title"]', { hasText: '测试：监测摸排第一轮' }).waitFor()
    assert.match(await page.locator('[data-test="detail-progress"]').innerText(), new RegExp(`已确认 0 / ${round.progress.villages} 个村`))
    await shot(page, 'desktop-round-open')

    // the child director confirms the village's list
    await loginAs(page, server.url, 'zhuren1')
    await page.goto(server.url + '/rounds')
    await page.locator(`[data-round="${round.id}"]`).click()
    await page.waitForURL(`**/rounds/${round.id}`)
    await page.locator('[data-test="confirm-own"]').click()
    const cd = page.locator('[data-test="confirm-dialog"]')
    await cd.waitFor()
    await cd.locator('[data-test="confirm-note"]').fill('测试：已逐户核对')
    const confirmed = page.waitForResponse(isPost(/^\/api\/rounds\/\d+\/confirm$/))
    await cd.locator('[data-test="confirm-save"]').click()
    assert.equal((await confirmed).status(), 200)
    await page.locator('[data-test="village-status"]', { hasText: '已确认' }).first().waitFor()
    assert.equal(await page.locator('[data-test="confirm-own"]').count(), 0, 'confirmed once')
    await shot(page, 'desktop-round-director')

    // the township supervisor sees the township's villages
    await loginAs(page, server.url, 'dudao1')
    await page.goto(server.url + `/rounds/${round.id}`)
    await page.locator('[data-test="village-table"] .el-table__row').first().waitFor()
    const supervised = await apiGet(server.url, await apiLogin(server.url, 'dudao1'), `/api/rounds/${round.id}`)
    assert.equal(await page.locator('[data-test="village-table"] .el-table__row').count(), supervised.villages.length)
    assert.ok(supervised.villages.every((v) => v.code.startsWith(TOWNSHIP)))
    assert.equal(await page.locator('[data-test="close-round"]').count(), 0)

    // the county closes the round
    await loginAs(page, server.url, 'xian_minzheng')
    await page.goto(server.url + `/rounds/${round.id}`)
    assert.match(await page.locator('[data-test="detail-progress"]').innerText(), /已确认 1 \//)
    await page.locator('[data-test="close-round"]').click()
    const box = page.locator('.el-message-box:visible')
    await box.waitFor()
    assert.match(await box.innerText(), /未确认/)
    const closed = page.waitForResponse(isPost(/^\/api\/rounds\/\d+\/close$/))
    await box.locator('.el-message-box__btns .el-button--primary').click()
    assert.equal((await closed).status(), 200)
    await page.locator('[data-test="round-status"]', { hasText: '已结束' }).waitFor()
    const done = await apiGet(server.url, county, `/api/rounds/${round.id}`)
    const changes = page.locator('[data-test="round-changes"]')
    await changes.waitFor()
    for (const kind of ['new', 'moved_in', 'moved_away', 'aged_out', 'class_changed', 'unconfirmed']) await changes.locator(`[data-kind="${kind}"]`).waitFor()
    const unconfirmed = changes.locator('[data-test="change-unconfirmed"]')
    assert.equal(numberOf(await unconfirmed.innerText()), done.summary.unconfirmed_children)
    assert.ok(done.summary.unconfirmed_children > 0)
    await shot(page, 'desktop-round-closed')
    await unconfirmed.click()
    await page.waitForURL(`**/rounds/${round.id}/changes?kind=unconfirmed`)
    await page.locator('[data-test="changes-table"] .el-table__row').first().waitFor()
    assert.equal(numberOf(await page.locator('[data-test="changes-total"]').innerText()), done.summary.unconfirmed_children)
  })

  test('a second round counts a newly registered child as 新增, and its list names the child', async () => {
    const director = await apiLogin(server.url, 'zhuren1')
    const name = '测新增' + String(Date.now()).slice(-3)
    const created = await apiSend(server.url, director, 'POST', '/api/children', {
      name,
      sex: 'F',
      birth_date: '2019-05-06',
      region_code: VILLAGE,
      address: '李屯村测试路1号',
      hukou_region_code: '410402',
      living_with: 'both_parents',
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
    const opened = await apiSend(server.url, county, 'POST', '/api/rounds', { title: '测试：监测摸排第二轮', due_on: new Date(Date.now() + 8 * 3600 * 1000 + 20 * 86400000).toISOString().slice(0, 10) })
    assert.equal(opened.status, 201, JSON.stringify(opened.body))
    const id = opened.body.id
    assert.equal((await apiSend(server.url, director, 'POST', `/api/rounds/${id}/confirm`, { note: '' })).status, 200)
    await page.goto(server.url + `/rounds/${id}`)
    await page.locator('[data-test="close-round"]').click()
    const box = page.locator('.el-message-box:visible')
    await box.waitFor()
    await box.locator('.el-message-box__btns .el-button--primary').click()
    const added = page.locator('[data-test="change-new"]')
    await page.locator('[data-test="round-status"]', { hasText: '已结束' }).waitFor()
    assert.ok(numberOf(await added.innerText()) >= 1, 'at least the child registered since')
    await added.click()
    await page.waitForURL(`**/rounds/${id}/changes?kind=new`)
    await page.locator('[data-test="changes-table"] .name-link', { hasText: name }).waitFor()
    await shot(page, 'desktop-round-changes')

    // the rounds list: two closed rounds, no longer overdue
    await page.goto(server.url + '/rounds')
    await page.locator(`[data-round="${id}"]`).waitFor()
    assert.equal(await page.locator('[data-test="rounds-overdue"]').count(), 0)
    await shot(page, 'desktop-rounds')
  })

  test('phone width (390×844): the statistics, ranking, report and round pages fit the screen', async () => {
    const phone = await launchBrowser({ width: 390, height: 844 })
    try {
      const p = phone.page
      await login(p, server.url, 'xian_minzheng')
      const fits = async (what) => {
        const o = await horizontalOverflow(p)
        assert.ok(o.doc <= 0, `${what}: the page scrolls sideways by ${o.doc}px`)
        assert.ok(o.main <= 0, `${what}: the main content overflows by ${o.main}px`)
      }
      await p.goto(server.url + '/stats')
      await p.locator('[data-test="sub-cards"] .sub-card').first().waitFor()
      await p.locator('[data-test="chart-trend"] canvas').waitFor()
      await fits('统计分析')
      await shot(p, 'phone-stats')
      await shot(p, 'phone-stats-top', { fullPage: false })
      await p.locator('[data-indicator="count:class:migrant"] [data-test="ind-value"]').click()
      await p.locator('[data-test="list-cards"] .child-card').first().waitFor()
      await fits('名单')
      await shot(p, 'phone-stats-children')

      await p.goto(server.url + '/stats/supervision')
      await p.locator('[data-test="rank-cards"] .rank-card').first().waitFor()
      await p.locator('[data-test="rank-cards"] .rank-card-head').first().click()
      await p.locator('[data-test="rank-cards"] .part-row').first().waitFor()
      await fits('督导排名')
      await shot(p, 'phone-supervision')

      await p.goto(server.url + '/stats/dispatch')
      await p.locator('[data-test="dispatch-title"]').waitFor()
      await fits('月调度')
      await shot(p, 'phone-dispatch')

      const rounds = await apiGet(server.url, county, '/api/rounds')
      await p.goto(server.url + '/rounds')
      await p.locator('[data-test="round-list"] .round-card').first().waitFor()
      await fits('监测摸排')
      await shot(p, 'phone-rounds')
      await p.goto(server.url + `/rounds/${rounds.rounds[0].id}`)
      await p.locator('[data-test="village-cards"] .village-card').first().waitFor()
      await fits('摸排详情')
      await shot(p, 'phone-round')
    } finally {
      await phone.close()
    }
  })
})
