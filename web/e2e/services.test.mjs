// Services through the browser (关爱服务清单, 供需对接): the county bureau reads the coverage of the
// catalogue's items and drills into a township; a child director records a delivery on a child's
// 服务保障 tab (the item turns 已享受) and voids it; the county bureau reads the supply/demand
// matrix and its mismatches; a volunteer, an activity with sign-up and attendance, and a pairing
// from the child's file; a department liaison lands on its department's open items; the
// administrator's invalid catalogue is refused with the server's Chinese message.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
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
    body: JSON.stringify(body),
  })
  return { status: res.status, body: await res.json() }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const today = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)
const isPost = (path) => (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path

// Picks an option of a multiple el-select (it stays open after a pick), then closes it.
async function pickMany(page, select, texts) {
  await select.click()
  for (const t of texts) await page.locator('.el-select-dropdown__item:visible', { hasText: t }).first().click()
  await page.keyboard.press('Escape')
}

describe('services: coverage, deliveries, supply and needs, catalogue', { timeout: 600000 }, () => {
  let server
  let browser
  let page
  let county
  let admin

  before(async () => {
    server = await startServer({ children: 3000 })
    browser = await launchBrowser({ width: 1366, height: 768 })
    page = browser.page
    county = await apiLogin(server.url, 'xian_minzheng')
    admin = await apiLogin(server.url, 'admin')
    // Entitlements are derived per child. Should the demo loader not have computed them yet,
    // saving the catalogue unchanged recomputes every child of the county in the background.
    const entitled = async () => (await apiGet(server.url, county, '/api/services/coverage')).items.reduce((n, it) => n + it.entitled, 0)
    if (!(await entitled())) {
      const { catalogue } = await apiGet(server.url, admin, '/api/services/catalogue')
      const saved = await apiSend(server.url, admin, 'PUT', '/api/services/catalogue', catalogue)
      assert.equal(saved.status, 200, JSON.stringify(saved.body))
      for (let i = 0; i < 120 && !(await entitled()); i++) await sleep(500)
      // let the recomputation run through the county
      let last = -1
      for (let i = 0; i < 60; i++) {
        const n = await entitled()
        if (n === last) break
        last = n
        await sleep(1000)
      }
    }
    assert.ok((await entitled()) > 0, 'children are entitled to catalogue items')
  })

  after(async () => {
    if (browser) await browser.close()
    if (server) await server.stop()
  })

  test('服务覆盖: item rows with numbers, drill into a township and back, a number opens the open items', async () => {
    await login(page, server.url, 'xian_minzheng')
    const menu = page.locator('[data-test="menu-services"]')
    await menu.getByText('服务覆盖', { exact: true }).click()
    await page.waitForURL('**/services/coverage')
    const rows = page.locator('[data-test="item-table"] .el-table__body-wrapper .el-table__row')
    await rows.first().waitFor()
    const coverage = await apiGet(server.url, county, '/api/services/coverage')
    assert.equal(await rows.count(), coverage.items.filter((it) => it.entitled > 0).length, 'one row per item some child is entitled to')
    // the row of the item with most children entitled shows the server's numbers
    const top = [...coverage.items].sort((a, b) => b.entitled - a.entitled)[0]
    const row = rows.filter({ has: page.locator(`[data-item="${top.item_id}"]`) })
    const text = await row.innerText()
    assert.ok(text.includes(top.name_zh))
    assert.ok(text.includes(top.entitled.toLocaleString('zh-CN')), `entitled ${top.entitled} in: ${text}`)
    assert.match(text, /\d+\.\d%/)
    assert.match(await page.locator('[data-test="total-entitled"]').innerText(), /^[\d,]+$/)
    await page.locator('[data-test="coverage-chart"] canvas').waitFor()
    await shot(page, 'desktop-services-coverage')

    // drill into a township (焦店镇, the child directors' township)
    const township = page.locator('[data-test="region-table"] .drill-link[data-region="410402100"]')
    await township.click()
    await page.waitForURL('**/services/coverage?region=410402100')
    await page.locator('[data-test="coverage-title"]', { hasText: '焦店镇' }).waitFor()
    const villages = page.locator('[data-test="region-table"] .drill-link')
    await villages.first().waitFor()
    assert.equal((await villages.first().getAttribute('data-region')).length, 12, 'the township lists its villages')
    await shot(page, 'desktop-services-coverage-township')

    // the region breadcrumb leads back to the county
    await page.locator('.region-crumb .region-crumb-link[data-region="410402"]').click()
    await page.waitForURL('**/services/coverage?region=410402')
    await page.locator('[data-test="coverage-title"]', { hasText: '新华区' }).waitFor()

    // a number of children not yet served opens the open-items list of that item
    await rows.first().waitFor()
    const link = rows.first().locator('[data-test="open-link"]')
    if (await link.count()) {
      await link.click()
      await page.waitForURL(/\/services\/open-items\?.*item=/)
      await page.locator('[data-test="open-table"] .el-table__row').first().waitFor()
    }
  })

  test('a child director records a delivery on the child\'s 服务保障 tab: the item turns 已享受, voiding undoes it', async () => {
    const director = await apiLogin(server.url, 'zhuren1')
    const open = await apiGet(server.url, director, '/api/services/open-items?page_size=50')
    assert.ok(open.items.length > 0, 'the village has open items')
    const target = open.items[0]
    await loginAs(page, server.url, 'zhuren1')
    await page.goto(server.url + `/children/${target.child_id}?tab=services`)
    const tab = page.locator('[data-test="child-services"]')
    const ent = tab.locator(`[data-test="entitlement"][data-item="${target.item_id}"]`)
    await ent.waitFor()
    assert.equal((await ent.locator('[data-test="ent-status"]').innerText()).trim(), '未享受')
    await shot(page, 'desktop-services-child-tab')

    await ent.locator(`[data-test="record-${target.item_id}"]`).click()
    const dialog = page.locator('[data-test="delivery-dialog"]')
    await dialog.waitFor()
    assert.match(await dialog.locator('[data-test="delivery-child"]').innerText(), new RegExp(target.child_name))
    assert.match(await dialog.locator('[data-test="delivery-item"]').innerText(), new RegExp(target.item_name.replace(/[()（）]/g, '.')))
    // the provider is typed: no provider of the list, a person's or unit's name will do
    await dialog.locator('[data-test="delivery-provider"]').click()
    await page.keyboard.type('李屯村儿童之家')
    await page.keyboard.press('Enter')
    await dialog.locator('[data-test="delivery-content"]').fill('测试：入户落实服务')
    await shot(page, 'desktop-services-delivery-dialog', { fullPage: false })
    const recorded = page.waitForResponse(isPost(`/api/children/${target.child_id}/deliveries`))
    await dialog.locator('[data-test="delivery-save"]').click()
    assert.equal((await recorded).status(), 201)
    await dialog.waitFor({ state: 'hidden' })
    await ent.locator('[data-test="ent-status"]', { hasText: '已享受' }).waitFor()
    assert.match(await ent.innerText(), /服务记录/)
    const row = tab.locator('[data-test="delivery-row"]', { hasText: target.item_name }).first()
    await row.waitFor()
    assert.match(await row.innerText(), /李屯村儿童之家/)
    assert.match(await row.innerText(), new RegExp(today()))

    // the open items no longer list it
    const after = await apiGet(server.url, director, `/api/services/open-items?item=${target.item_id}&page_size=100`)
    assert.ok(!after.items.some((it) => it.child_id === target.child_id), 'the item is no longer open')

    // 作废 with a reason: kept, marked, and the item is open again
    await row.locator('[data-test="void-delivery"]').click()
    const box = page.locator('.el-message-box:visible')
    await box.waitFor()
    await box.locator('textarea').fill('测试：登记有误')
    const voided = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/deliveries\/\d+\/void$/.test(new URL(r.url()).pathname))
    await box.locator('.el-message-box__btns .el-button--primary').click()
    assert.equal((await voided).status(), 200)
    await tab.locator('[data-test="delivery-row"]', { hasText: '测试：登记有误' }).waitFor()
    await ent.locator('[data-test="ent-status"]', { hasText: '未享受' }).waitFor()
  })

  test('供需对接: the matrix, at least one mismatch in words, the unmet needs, drill-down', async () => {
    await loginAs(page, server.url, 'xian_minzheng')
    await page.locator('[data-test="menu-services"]').getByText('供需对接', { exact: true }).click()
    await page.waitForURL('**/services/needs')
    const mismatch = page.locator('[data-test="mismatch"]')
    await mismatch.first().waitFor()
    assert.ok((await mismatch.count()) >= 1)
    assert.match(await mismatch.first().innerText(), /.+：.+(\d+ 名儿童有需求，无供给|有 \d+ 个供给，无需求)/)
    const needs = await apiGet(server.url, county, '/api/services/needs')
    const m = needs.mismatches[0]
    const cls = m.kind === 'demand_without_supply' ? 'demand' : 'supply'
    await page.locator(`[data-test="needs-matrix"] [data-cell="${m.region_code}-${m.need_code}"].${cls}`).first().waitFor()
    await page.locator('[data-test="unmet-table"] .el-table__row').first().waitFor()
    await shot(page, 'desktop-services-needs')

    // the need filter narrows the unmet list
    const need = needs.need_types.find((n) => (needs.totals[n.code] || {}).unmet > 0)
    if (need) {
      await page.locator('[data-test="filter-need"]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: need.name_zh }).first().click()
      await page.waitForURL(new RegExp(`need=${need.code}`))
      await page.locator('[data-test="unmet-table"] .el-table__row', { hasText: need.name_zh }).first().waitFor()
    }

    // drill into a township
    await page.locator('[data-test="needs-matrix"] .drill-link[data-region="410402100"]').first().click()
    await page.waitForURL(/region=410402100(&|$)/)
    await page.locator('[data-test="needs-title"]', { hasText: '焦店镇' }).waitFor()
    await page.locator('[data-test="needs-matrix"] .drill-link').first().waitFor()
  })

  test('a volunteer, an activity with sign-up and attendance, a pairing from the child\'s file', async () => {
    await loginAs(page, server.url, 'xian_minzheng')
    await page.locator('[data-test="menu-services"]').getByText('服务资源', { exact: true }).click()
    await page.waitForURL('**/services/providers')
    await page.locator('[data-test="new-provider"]').click()
    const pd = page.locator('[data-test="provider-dialog"]')
    await pd.waitFor()
    await pd.locator('[data-test="provider-kind"]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: '志愿者' }).first().click()
    await pd.locator('[data-test="provider-volunteer-type"]').getByText('五老').click()
    const name = '测试五老' + String(Date.now()).slice(-4)
    await pd.locator('[data-test="provider-name"]').fill(name)
    await pickMany(page, pd.locator('[data-test="provider-services"]'), ['课业辅导', '亲情陪伴'])
    await pd.locator('[data-test="provider-phone"]').fill('13700003333')
    await shot(page, 'desktop-services-provider-dialog', { fullPage: false })
    const created = page.waitForResponse(isPost('/api/providers'))
    await pd.locator('[data-test="provider-save"]').click()
    const provider = await (await created).json()
    assert.equal(provider.kind, 'volunteer')
    assert.equal(provider.volunteer_type, '五老')
    assert.deepEqual(provider.services, ['homework', 'companionship'])
    await page.waitForURL(`**/services/providers/${provider.id}`)
    await page.locator('[data-test="provider-name"]', { hasText: name }).waitFor()

    // an activity of the volunteer, from its page
    await page.locator('[data-test="new-activity"]').click()
    const ad = page.locator('[data-test="activity-dialog"]')
    await ad.waitFor()
    await ad.locator('[data-test="activity-title"]').fill('测试：周末作业辅导')
    await ad.locator('[data-test="activity-capacity"] input').fill('10')
    const made = page.waitForResponse(isPost('/api/activities'))
    await ad.locator('[data-test="activity-save"]').click()
    const activity = await (await made).json()
    assert.equal((await made).status(), 201)
    await page.waitForURL(`**/services/activities/${activity.id}`)
    await page.locator('[data-test="activity-title"]', { hasText: '测试：周末作业辅导' }).waitFor()

    // 报名: a child found by name
    const list = await apiGet(server.url, county, '/api/children?page_size=1&page=7')
    const child = list.items[0]
    await page.locator('[data-test="signup-child"]').click()
    await page.keyboard.type(child.name)
    await page.locator('.el-select-dropdown__item:visible', { hasText: child.name }).first().click()
    const signed = page.waitForResponse(isPost(`/api/activities/${activity.id}/participants`))
    await page.locator('[data-test="signup-save"]').click()
    assert.equal((await signed).status(), 200)
    const participant = page.locator('[data-test="participant"]', { hasText: child.name }).first()
    await participant.waitFor()
    await page.locator('[data-test="activity-count"]', { hasText: /^1 \/ 10$/ }).waitFor()
    const childId = Number(await participant.getAttribute('data-child'))

    // attendance today: tick the child, save
    const box = page.locator(`[data-test="attendance-checks"] [data-child="${childId}"]`)
    await box.click()
    const attended = page.waitForResponse(isPost(`/api/activities/${activity.id}/attendance`))
    await page.locator('[data-test="attendance-save"]').click()
    const answer = await (await attended).json()
    assert.equal(answer.recorded, 1)
    await participant.locator('[data-test="attended"]', { hasText: `出勤 1 次：${today()}` }).waitFor()
    await shot(page, 'desktop-services-activity')

    // 退出: withdrawn, attendance kept
    await participant.locator('[data-test="withdraw"]').click()
    const confirm = page.locator('.el-message-box:visible')
    await confirm.waitFor()
    const withdrawn = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/participants/${childId}/withdraw`))
    await confirm.locator('.el-message-box__btns .el-button--primary').click()
    assert.equal((await withdrawn).status(), 200)
    await participant.getByText('已退出').waitFor()
    await page.locator('[data-test="activity-count"]', { hasText: /^0 \/ 10$/ }).waitFor()

    // 结对 from a child's file: a child with an unmet 课业辅导 need is offered the new volunteer
    const unmet = await apiGet(server.url, county, '/api/services/unmet?need=homework&page_size=20')
    assert.ok(unmet.items.length > 0, 'some child needs 课业辅导')
    const needy = unmet.items[0]
    await page.goto(server.url + `/children/${needy.child_id}?tab=services`)
    const needBlock = page.locator(`[data-test="need"][data-need="homework"]`)
    await needBlock.waitFor()
    const offer = needBlock.locator(`[data-offer="provider-${provider.id}"]`)
    if (!(await offer.count())) await needBlock.getByText(/查看全部/).click()
    await offer.waitFor()
    assert.match(await offer.innerText(), /县内|本乡镇|本村/)
    await offer.locator('[data-test="pair"]').click()
    const prompt = page.locator('.el-message-box:visible')
    await prompt.waitFor()
    await prompt.locator('input').fill('每周六上午辅导作业')
    const paired = page.waitForResponse(isPost('/api/pairings'))
    await prompt.locator('.el-message-box__btns .el-button--primary').click()
    assert.equal((await paired).status(), 201)
    const pairing = page.locator('[data-test="pairing-row"]', { hasText: name })
    await pairing.waitFor()
    assert.match(await pairing.innerText(), /进行中/)
    await needBlock.locator('[data-test="need-status"]', { hasText: '已对接' }).waitFor()
    await shot(page, 'desktop-services-child-paired')

    // 结束 the pairing with a reason
    await pairing.locator('[data-test="end-pairing"]').click()
    const endBox = page.locator('.el-message-box:visible')
    await endBox.waitFor()
    await endBox.locator('input').fill('测试：儿童随父母外出')
    const ended = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/pairings\/\d+\/end$/.test(new URL(r.url()).pathname))
    await endBox.locator('.el-message-box__btns .el-button--primary').click()
    assert.equal((await ended).status(), 200)
    await pairing.getByText('已结束').waitFor()
  })

  test('a department liaison lands on its open items with the department fixed and records one', async () => {
    await loginAs(page, server.url, 'bumen_jiaoyu')
    await page.waitForURL('**/services/open-items')
    assert.match(await page.locator('[data-test="fixed-department"]').innerText(), /教育/)
    const rows = page.locator('[data-test="open-table"] .el-table__body-wrapper .el-table__row')
    await rows.first().waitFor()
    for (const t of await rows.allInnerTexts()) assert.match(t, /教育/)
    const first = rows.first()
    const childName = (await first.locator('[data-child]').innerText()).trim()
    await first.locator('[data-test="record"]').click()
    const dialog = page.locator('[data-test="delivery-dialog"]')
    await dialog.waitFor()
    assert.match(await dialog.locator('[data-test="delivery-child"]').innerText(), new RegExp(childName))
    await dialog.locator('[data-test="delivery-content"]').fill('测试：学校已落实')
    const recorded = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/children\/\d+\/deliveries$/.test(new URL(r.url()).pathname))
    await dialog.locator('[data-test="delivery-save"]').click()
    assert.equal((await recorded).status(), 201)
    await dialog.waitFor({ state: 'hidden' })
    // the second tab lists it
    await page.locator('[data-test="tab-deliveries"]').click()
    await page.waitForURL('**/services/open-items?tab=deliveries')
    await page.locator('[data-test="delivery-table"] .el-table__row', { hasText: '测试：学校已落实' }).waitFor()
    await shot(page, 'desktop-services-liaison-deliveries')
  })

  test('the administrator saves an invalid catalogue and sees the Chinese error; the old catalogue stays', async () => {
    await loginAs(page, server.url, 'admin')
    await page.locator('[data-test="menu-services"]').getByText('服务清单', { exact: true }).click()
    await page.waitForURL('**/services/catalogue')
    const text = page.locator('[data-test="catalogue-text"]')
    await text.waitFor()
    const before = await apiGet(server.url, admin, '/api/services/catalogue')
    const edited = JSON.parse(await text.inputValue())
    const item = edited.items[0]
    item.when = { fact: 'no_such_fact', op: 'is_true' }
    await text.fill(JSON.stringify(edited, null, 2))
    const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === '/api/services/catalogue')
    await page.locator('[data-test="catalogue-save"]').click()
    const answer = await saved
    assert.equal(answer.status(), 400)
    const body = await answer.json()
    assert.equal(body.error.code, 'catalogue_invalid')
    const error = page.locator('[data-test="catalogue-error"]')
    await error.waitFor()
    const shown = await error.innerText()
    assert.ok(shown.includes(body.error.message), `the page shows the server's message: ${body.error.message}`)
    assert.match(body.error.message, /[\u4e00-\u9fa5]/, 'the message is Chinese')
    assert.match(shown, /清单未保存/)
    await shot(page, 'desktop-services-catalogue-error')
    const afterSave = await apiGet(server.url, admin, '/api/services/catalogue')
    assert.deepEqual(afterSave.catalogue.items[0].when, before.catalogue.items[0].when, 'the old catalogue stays')
    await page.locator('[data-test="catalogue-reset"]').click()
    assert.equal(await error.count(), 0)
  })

  test('on a phone: the pages fit the width and lists are cards', async () => {
    const phone = await launchBrowser({ width: 390, height: 844 })
    try {
      const p = phone.page
      await login(p, server.url, 'xian_minzheng')
      const pages = [
        ['/services/coverage', '[data-test="item-cards"]', 'phone-services-coverage'],
        ['/services/needs', '[data-test="unmet-cards"]', 'phone-services-needs'],
        ['/services/open-items', '[data-test="open-cards"]', 'phone-services-open-items'],
        ['/services/providers', '[data-test="provider-cards"]', 'phone-services-providers'],
        ['/services/catalogue', '.item-card', 'phone-services-catalogue'],
      ]
      for (const [path, cards, name] of pages) {
        await p.goto(server.url + path)
        await p.locator(cards).first().waitFor()
        await shot(p, name, { fullPage: false })
        const o = await horizontalOverflow(p)
        assert.ok(o.doc <= 1 && o.main <= 1, `${path} fits a phone (overflow ${JSON.stringify(o)})`)
      }
      const director = await apiLogin(server.url, 'zhuren1')
      const open = await apiGet(server.url, director, '/api/services/open-items?page_size=1')
      await p.goto(server.url + `/children/${open.items[0].child_id}?tab=services`)
      await p.locator('[data-test="entitlement"]').first().waitFor()
      await shot(p, 'phone-services-child-tab', { fullPage: false })
      const o = await horizontalOverflow(p)
      assert.ok(o.doc <= 1 && o.main <= 1, `the child's services tab fits a phone (${JSON.stringify(o)})`)
    } finally {
      await phone.close()
    }
  })
})
