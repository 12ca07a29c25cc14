// The administrator creates an account, sees it, disables it, and the account can no longer log in.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { launchBrowser, login, pickOption, shot, startServer } from './helpers.mjs'

describe('user administration (1366×768)', { timeout: 180000 }, () => {
  let server
  let browser
  let page

  before(async () => {
    server = await startServer({ children: 500 })
    browser = await launchBrowser()
    page = browser.page
  })

  after(async () => {
    if (browser) await browser.close()
    if (server) await server.stop()
  })

  test('admin creates and disables a user, who then cannot log in', async () => {
    await login(page, server.url, 'admin')
    await page.goto(server.url + '/admin')
    await page.locator('.users-card .el-table__row').first().waitFor()

    await page.locator('[data-test="add-user"]').click()
    const dialog = page.locator('.el-dialog')
    await dialog.locator('input[data-test="new-username"]').fill('xin_zhuren')
    await dialog.locator('input[data-test="new-name"]').fill('新主任')
    await dialog.locator('input[data-test="new-password"]').fill('short')
    await pickOption(page, dialog.locator('[data-test="new-role"]'), '儿童主任')
    await dialog.locator('[data-test="save-user"]').click()
    // The server's reason appears next to the password field.
    await dialog.locator('.el-form-item__error', { hasText: '至少8位' }).waitFor()
    await shot(page, 'desktop-admin-weak-password')

    await dialog.locator('input[data-test="new-password"]').fill('Xinzhuren2026')
    await dialog.locator('[data-test="save-user"]').click()
    const row = page.locator('.users-card .el-table__row', { hasText: 'xin_zhuren' })
    await row.waitFor()
    assert.match(await row.innerText(), /新主任[\s\S]*儿童主任[\s\S]*正常/)
    await shot(page, 'desktop-admin-users')

    await row.locator('[data-test="toggle-xin_zhuren"]').click()
    await page.locator('.el-message-box').getByRole('button', { name: '停用' }).click()
    await row.getByText('已停用').waitFor()

    await page.locator('[data-test="user-menu"]').click()
    await page.locator('.el-dropdown-menu__item:visible', { hasText: '退出登录' }).click()
    await page.locator('.el-message-box').getByRole('button', { name: '退出' }).click()
    await page.waitForURL('**/login')
    await page.locator('input[name="username"]').fill('xin_zhuren')
    await page.locator('input[name="password"]').fill('Xinzhuren2026')
    await page.getByRole('button', { name: /登\s*录/ }).click()
    await page.locator('.login-error').waitFor()
    assert.match(await page.locator('.login-error').innerText(), /停用|错误/)
  })
})
