// Moves between counties and pushes to the registration place through the browser: the county
// bureau of 新华区 pushes a 最低生活保障申请 for a migrant child to the child's registration county
// and requests the child's move to 卫东区 (410403), both from the child's 关爱服务 tab; the
// 迁移与推送 page lists them on a phone; the demo's 卫东区 bureau receives the child into one of its
// communities, after which the file is 卫东区's and 新华区 no longer reads it.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiGet, apiLogin, horizontalOverflow, launchBrowser, login, pickOption, shot, startServer } from './helpers.mjs'

const HOME = '410402' // 新华区, xian_minzheng's county
const TO = '410403' // 卫东区
const RECEIVER = 'weidong_minzheng'

async function apiPost(base, token, route, body) {
  const res = await fetch(base + route, {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: await res.json().catch(() => null) }
}

async function loginAs(page, base, username, password) {
  await page.goto(base + '/login')
  await page.evaluate(() => sessionStorage.clear())
  if (!password) return login(page, base, username)
  await page.goto(base + '/login')
  await page.locator('input[name="username"]').fill(username)
  await page.locator('input[name="password"]').fill(password)
  await page.getByRole('button', { name: /登\s*录/ }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await page.locator('[data-test="user-menu"]').waitFor()
}

const posted = (route) => (r) => r.request().method() === 'POST' && new RegExp(route).test(new URL(r.url()).pathname)

describe('moves and pushes to the registration place', { timeout: 300000 }, () => {
  let server
  let browser
  let page
  let county
  let child

  before(async () => {
    server = await startServer({ children: 3000 })
    county = await apiLogin(server.url, 'xian_minzheng')
    // a migrant child whose registration county is not 新华区
    const lists = [
      await apiGet(server.url, county, '/api/children?class=migrant&page_size=50'),
      await apiGet(server.url, county, '/api/children?page_size=100'),
    ]
    for (const list of lists) {
      child = list.items.find((c) => (c.hukou_region_code || '').length >= 6 && c.hukou_region_code.slice(0, 6) !== HOME)
      if (child) break
    }
    assert.ok(child, 'a child registered outside 新华区')
    browser = await launchBrowser({ width: 1366, height: 768 })
    page = browser.page
  })

  after(async () => {
    if (browser) await browser.close()
    if (server) await server.stop()
  })

  test('push to the registration place and request a move from the child’s care tab', async () => {
    await login(page, server.url, 'xian_minzheng')
    await page.goto(server.url + `/children/${child.id}?tab=care`)
    const section = page.locator('[data-test="care-moves"]')
    await section.locator('[data-test="new-push"]').waitFor()
    assert.match(await section.innerText(), /暂无迁移或推送记录/)

    // 推送户籍地: 最低生活保障申请
    await section.locator('[data-test="new-push"]').click()
    const pushDialog = page.locator('[data-test="push-dialog"]')
    await pushDialog.waitFor()
    await pickOption(page, pushDialog.locator('[data-test="push-kind"]'), '最低生活保障申请')
    await pushDialog.locator('textarea[data-test="push-note"]').fill('父亲务工收入低，请户籍地协助办理低保。')
    const pushed = page.waitForResponse(posted(`/api/children/${child.id}/pushes$`))
    await pushDialog.locator('[data-test="push-save"]').click()
    assert.equal((await pushed).status(), 201)
    const pushRow = section.locator('[data-test="push-row"]', { hasText: '最低生活保障申请' })
    await pushRow.waitFor()
    assert.equal((await pushRow.locator('[data-test="push-status"]').innerText()).trim(), '已推送')

    // the same kind again: the server's 409 is shown in the dialog
    await section.locator('[data-test="new-push"]').click()
    await pushDialog.waitFor({ state: 'visible' })
    await pickOption(page, pushDialog.locator('[data-test="push-kind"]'), '最低生活保障申请')
    await pushDialog.locator('[data-test="push-save"]').click()
    await pushDialog.locator('.el-alert', { hasText: '同一事项已推送' }).waitFor()
    await pushDialog.getByRole('button', { name: '取消' }).click()
    await pushDialog.waitFor({ state: 'hidden' })

    // 办理迁出 to 卫东区: a township is not accepted, the county is
    await section.locator('[data-test="new-transfer"]').click()
    const dialog = page.locator('[data-test="transfer-dialog"]')
    await dialog.waitFor()
    await dialog.locator('[data-test="transfer-save"]').click()
    await dialog.locator('.el-form-item__error', { hasText: '请选择迁入县' }).waitFor()
    await dialog.locator('.place-picker').click()
    const node = (name) => page.locator('.place-picker-popper .el-cascader-node:visible', { hasText: name }).first()
    await node('河南省').locator('.el-cascader-node__label').click()
    await node('平顶山市').locator('.el-cascader-node__label').click()
    await node('卫东区').locator('.el-radio').click()
    await page.keyboard.press('Escape')
    await page.waitForFunction(() => document.querySelector('[data-test="transfer-dialog"] .place-picker input')?.value === '河南省 / 平顶山市 / 卫东区')
    await dialog.locator('textarea[data-test="transfer-reason"]').fill('随父母迁往卫东区居住')
    await shot(page, 'desktop-moves-transfer-dialog', { fullPage: false })
    const requested = page.waitForResponse(posted(`/api/children/${child.id}/transfers$`))
    await dialog.locator('[data-test="transfer-save"]').click()
    const answer = await requested
    assert.equal(answer.status(), 201)
    assert.equal((await answer.json()).to_county, TO)
    const transferRow = section.locator('[data-test="transfer-row"]')
    await transferRow.waitFor()
    assert.match(await transferRow.innerText(), /卫东区/)
    assert.equal((await transferRow.locator('[data-test="transfer-status"]').innerText()).trim(), '待接收')
    await shot(page, 'desktop-moves-care-tab')

    // a second request while one is pending: 409 transfer_pending, shown in the dialog
    await section.locator('[data-test="new-transfer"]').click()
    await dialog.waitFor({ state: 'visible' })
    await dialog.locator('.place-picker').click()
    await node('河南省').locator('.el-cascader-node__label').click()
    await node('平顶山市').locator('.el-cascader-node__label').click()
    await node('石龙区').locator('.el-radio').click()
    await page.keyboard.press('Escape')
    await dialog.locator('textarea[data-test="transfer-reason"]').fill('再次迁出')
    await dialog.locator('[data-test="transfer-save"]').click()
    await dialog.locator('.el-alert', { hasText: '已有待对方接收的转移' }).waitFor()
    await dialog.getByRole('button', { name: '取消' }).click()

    // the page is in the 关爱服务 menu group
    await page.locator('[data-test="menu-care"]').getByText('迁移与推送', { exact: true }).click()
    await page.waitForURL('**/moves')
    await page.locator('[data-test="list-in"]').waitFor()
  })

  test('the 迁移与推送 page on a phone, and the receiving county', async () => {
    const phone = await launchBrowser({ width: 390, height: 844 })
    try {
      const p = phone.page
      await login(p, server.url, 'xian_minzheng')
      await p.goto(server.url + '/moves')
      await p.locator('[data-test="list-in"]').waitFor()
      await p.locator('[data-test="list-in"] .el-empty').waitFor()
      assert.equal(await p.locator('[data-test="list-in"] [data-test="transfer-card"]').count(), 0, 'nothing moves into 新华区')

      await p.locator('[data-test="tab-out"]').click()
      const out = p.locator('[data-test="list-out"] [data-test="transfer-card"]').first()
      await out.waitFor()
      assert.match(await out.innerText(), /迁出至.*卫东区/)
      assert.equal((await out.locator('[data-test="transfer-status"]').innerText()).trim(), '待接收')
      await p.locator('[data-test="list-out"] .el-loading-mask').waitFor({ state: 'detached' })
      const overflow = await horizontalOverflow(p)
      assert.ok(overflow.doc <= 1 && overflow.main <= 1, `no sideways scrolling (${JSON.stringify(overflow)})`)
      await shot(p, 'phone-moves-outgoing')

      await p.locator('[data-test="tab-push-out"]').click()
      const push = p.locator('[data-test="list-push-out"] [data-test="push-card"]').first()
      await push.waitFor()
      assert.match(await push.innerText(), /最低生活保障申请/)
      assert.equal((await push.locator('[data-test="push-status"]').innerText()).trim(), '已推送')
      await p.locator('[data-test="list-push-out"] .el-loading-mask').waitFor({ state: 'detached' })
      await shot(p, 'phone-moves-pushes')

      // the receiving side: the demo's 卫东区 bureau takes the child into one of its communities
      const receiver = await apiLogin(server.url, RECEIVER)
      const region = await apiGet(server.url, receiver, '/api/regions/' + TO)
      const township = (region.children || region.sub_regions || [])[0]
      assert.ok(township, '卫东区 has townships')
      await loginAs(p, server.url, RECEIVER)
      await p.goto(server.url + '/moves')
      const card = p.locator('[data-test="list-in"] [data-test="transfer-card"]').first()
      await card.waitFor()
      assert.equal((await card.locator('[data-test="brief-name"]').innerText()).trim(), child.name)
      assert.match(await card.innerText(), /\*{4}/, 'the ID number is masked')
      await p.locator('[data-test="list-in"] .el-loading-mask').waitFor({ state: 'detached' })
      await shot(p, 'phone-moves-incoming')
      await card.locator('[data-test="transfer-accept"]').click()
      const accept = p.locator('[data-test="accept-dialog"]')
      await accept.waitFor()
      await accept.locator('[data-test="accept-save"]').click()
      await accept.locator('.el-form-item__error', { hasText: '请选择到村' }).waitFor()
      await accept.locator('.accept-region').click()
      const node = (name) => p.locator('.el-cascader-node:visible', { hasText: name }).first()
      if (await node('卫东区').count()) await node('卫东区').locator('.el-cascader-node__label').click()
      await node(township.name).locator('.el-cascader-node__label').click()
      await node('东环路社区').locator('.el-cascader-node__label').click()
      // picking a leaf closes the cascader (Escape would close the dialog too)
      await p.waitForFunction(() => /东环路社区/.test(document.querySelector('.accept-region input')?.value || ''))
      await accept.locator('input[data-test="accept-address"]').fill('卫东区东环路18号')
      const accepted = p.waitForResponse(posted('/api/transfers/\\d+/accept$'))
      await accept.locator('[data-test="accept-save"]').click()
      assert.equal((await accepted).status(), 200)
      await p.locator('[data-test="list-in"] [data-test="transfer-status"]', { hasText: '已接收' }).first().waitFor()

      // the file now belongs to 卫东区, and 新华区 no longer reads it
      const moved = await apiGet(server.url, receiver, '/api/children/' + child.id)
      assert.ok(moved.region_code.startsWith(TO))
      const gone = await fetch(server.url + '/api/children/' + child.id, { headers: { Authorization: 'Bearer ' + county } })
      assert.equal(gone.status, 404)
    } finally {
      await phone.close()
    }
  })
})
