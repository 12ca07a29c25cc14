// The hukou place can be anywhere in China: chosen level by level, and its full name is shown.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { launchBrowser, login, shot, startServer } from './helpers.mjs'

describe('hukou place picker (1366×768)', { timeout: 180000 }, () => {
  let server
  let browser
  let page

  before(async () => {
    server = await startServer({ children: 300 })
    browser = await launchBrowser()
    page = browser.page
  })

  after(async () => {
    if (browser) await browser.close()
    if (server) await server.stop()
  })

  test('a county of another province is picked through the cascader', async () => {
    await login(page, server.url, 'zhuren1')
    await page.goto(server.url + '/children/new')
    await page.locator('.hukou-picker').first().click()
    const node = (name) => page.locator('.el-cascader-node:visible', { hasText: name }).first()
    await node('安徽省').locator('.el-cascader-node__label').click()
    await node('合肥市').locator('.el-cascader-node__label').click()
    await node('瑶海区').locator('.el-radio').click()
    await page.keyboard.press('Escape')
    const input = page.locator('input[name="hukou_region_code"]')
    await page.waitForFunction(() => document.querySelector('input[name="hukou_region_code"]').value === '340102')
    assert.equal(await input.inputValue(), '340102')
    await page.getByText('安徽省合肥市瑶海区').first().waitFor()
    await shot(page, 'desktop-hukou-picker', { fullPage: false })

    // A typed code that is no region is flagged next to the field.
    await input.fill('419999')
    await page.getByText('区划代码不在现行区划中').waitFor()
  })
})
