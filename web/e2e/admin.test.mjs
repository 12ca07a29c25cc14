// The administrator creates an account for a village through the page, sees it in the table,
// disables it, and the account can no longer log in. The page also works at phone width.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { horizontalOverflow, launchBrowser, login, pickOption, shot, startServer } from './helpers.mjs'

describe('user administration (admin, 1366×768 and 390×844)', { timeout: 180000 }, () => {
  let server
  let browser
  let page
  const NEW_PASSWORD = 'Xinzhuren2026'

  before(async () => {
    server = await startServer({ children: 500 })
    browser = await launchBrowser()
    page = browser.page
  })

  after(async () => {
    if (browser) await browser.close()
    if (server) await server.stop()
  })

  test('admin creates 新主任 for village 410402100002; the table lists it', async () => {
    await login(page, server.url, 'admin')
    // the administrator's first page is the user administration
    await page.waitForURL('**/admin')
    await page.locator('.page-crumb', { hasText: '用户管理' }).waitFor()
    await page.locator('.users-card .el-table__row', { hasText: 'zhuren1' }).waitFor()
    await shot(page, 'desktop-admin-users-before')

    await page.locator('[data-test="add-user"]').click()
    const dialog = page.locator('.el-dialog', { hasText: '新增用户' })
    await dialog.waitFor()
    // nothing filled: every required field says so next to it
    await dialog.locator('[data-test="save-user"]').click()
    await dialog.locator('.el-form-item__error', { hasText: '请输入用户名' }).waitFor()
    await dialog.locator('.el-form-item__error', { hasText: '请选择所属区域' }).waitFor()

    await dialog.locator('input[data-test="new-username"]').fill('xin_zhuren')
    await dialog.locator('input[data-test="new-name"]').fill('新主任')
    await pickOption(page, dialog.locator('[data-test="new-role"]'), '儿童主任')
    // the region, through the cascader of the administrator's own scope: 新华区 › 焦店镇 › 张洼村
    await dialog.locator('.new-region').click()
    const node = (name) => page.locator('.region-cascader-popper .el-cascader-node:visible', { hasText: name }).first()
    await node('新华区').locator('.el-cascader-node__label').click()
    await node('焦店镇').locator('.el-cascader-node__label').click()
    await node('张洼村').locator('.el-radio').click()
    await page.keyboard.press('Escape')
    await page.waitForFunction(() => document.querySelector('.new-region input')?.value === '新华区 / 焦店镇 / 张洼村')

    // a weak password (等保: 10 characters and three of upper, lower, digit, symbol): the server's
    // reason appears next to the password field
    await dialog.locator('input[data-test="new-password"]').fill('xinzhuren2026')
    await dialog.locator('[data-test="save-user"]').click()
    const pwItem = dialog.locator('.el-form-item', { has: page.locator('input[data-test="new-password"]') })
    await pwItem.locator('.el-form-item__error', { hasText: '10至128位' }).waitFor()
    await shot(page, 'desktop-admin-weak-password', { fullPage: false })

    // a username that exists: said next to the username
    await dialog.locator('input[data-test="new-username"]').fill('zhuren1')
    await dialog.locator('input[data-test="new-password"]').fill(NEW_PASSWORD)
    await dialog.locator('[data-test="save-user"]').click()
    const userItem = dialog.locator('.el-form-item', { has: page.locator('input[data-test="new-username"]') })
    await userItem.locator('.el-form-item__error', { hasText: '已存在' }).waitFor()

    await dialog.locator('input[data-test="new-username"]').fill('xin_zhuren')
    await dialog.locator('[data-test="save-user"]').click()
    await dialog.waitFor({ state: 'hidden' })
    const row = page.locator('.users-card .el-table__row', { hasText: 'xin_zhuren' })
    await row.waitFor()
    assert.match(await row.innerText(), /新主任[\s\S]*儿童主任[\s\S]*河南省平顶山市新华区焦店镇张洼村[\s\S]*正常[\s\S]*需改密/)
    await shot(page, 'desktop-admin-users')

    // the new account works (before it is disabled), with its initial password to change first
    const res = await fetch(server.url + '/api/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'xin_zhuren', password: NEW_PASSWORD }),
    })
    assert.equal(res.status, 200)
    const me = (await res.json()).user
    assert.equal(me.region_code, '410402100002')
    assert.equal(me.must_change_password, true)
  })

  test('the page fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.locator('[data-test="user-cards"] [data-test="user-xin_zhuren"]').waitFor()
    const o = await horizontalOverflow(page)
    assert.ok(o.doc <= 0 && o.main <= 0, `the page scrolls sideways (${JSON.stringify(o)})`)
    await shot(page, 'phone-admin-users')
    await page.locator('[data-test="add-user"]').click()
    const dialog = page.locator('.el-dialog', { hasText: '新增用户' })
    await dialog.waitFor()
    const box = await dialog.boundingBox()
    assert.ok(box.x >= 0 && box.x + box.width <= 390, 'the dialog is inside the screen')
    await shot(page, 'phone-admin-dialog', { fullPage: false })
    await dialog.getByRole('button', { name: '取消' }).click()
    await dialog.waitFor({ state: 'hidden' })
    await page.setViewportSize({ width: 1366, height: 768 })
    await page.locator('.users-card .el-table__row').first().waitFor()
  })

  test('admin disables the account after confirming; it then cannot log in', async () => {
    const row = page.locator('.users-card .el-table__row', { hasText: 'xin_zhuren' })
    await row.locator('[data-test="toggle-xin_zhuren"]').click()
    const box = page.locator('.el-message-box', { hasText: '停用' })
    await box.waitFor()
    assert.match(await box.innerText(), /新主任/)
    await box.getByRole('button', { name: '停用' }).click()
    await row.getByText('已停用').waitFor()
    // the administrator's own account has no button
    assert.equal(await page.locator('[data-test="toggle-admin"]').count(), 0)

    await page.locator('[data-test="user-menu"]').click()
    await page.locator('.el-dropdown-menu__item:visible', { hasText: '退出登录' }).click()
    await page.locator('.el-message-box').getByRole('button', { name: '退出' }).click()
    await page.waitForURL('**/login')
    await page.locator('input[name="username"]').fill('xin_zhuren')
    await page.locator('input[name="password"]').fill(NEW_PASSWORD)
    await page.getByRole('button', { name: /登\s*录/ }).click()
    await page.locator('.login-error').waitFor()
    assert.match(await page.locator('.login-error').innerText(), /停用/)
    assert.ok(new URL(page.url()).pathname.startsWith('/login'))
    await shot(page, 'desktop-login-disabled', { fullPage: false })
  })
})
