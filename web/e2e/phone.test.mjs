// Child directors use phones on home visits: at 390×844 the login, list, file and register pages
// must be usable, with no sideways scrolling of the main content.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { horizontalOverflow, launchBrowser, login, shot, startServer } from './helpers.mjs'

describe('phone-width screen (390×844)', { timeout: 180000 }, () => {
  let server
  let browser
  let page

  before(async () => {
    server = await startServer({ children: 3000 })
    browser = await launchBrowser({ width: 390, height: 844 })
    page = browser.page
  })

  after(async () => {
    if (browser) await browser.close()
    if (server) await server.stop()
  })

  test('login page fits the screen', async () => {
    await page.goto(server.url + '/login')
    await page.locator('input[name="username"]').waitFor()
    const o = await horizontalOverflow(page)
    assert.ok(o.doc <= 0, `login page scrolls sideways by ${o.doc}px`)
    const box = await page.locator('.login-card').boundingBox()
    assert.ok(box.x >= 0 && box.x + box.width <= 390, 'the login card is inside the screen')
    await shot(page, 'phone-login')
  })

  test('dashboard, list, file and register form fit the screen', async () => {
    await login(page, server.url, 'zhuren1')
    await page.locator('[data-test="stat-total"] .stat-value').waitFor()
    await page.locator('.echart canvas').first().waitFor()
    await checkFits('dashboard')
    await shot(page, 'phone-dashboard')

    // the menu is a drawer behind a button
    assert.equal(await page.locator('.app-aside').count(), 0)
    await page.getByRole('button', { name: '打开菜单' }).click()
    await page.locator('.el-drawer .side-menu').getByText('儿童列表').click()
    await page.waitForURL('**/children')
    await page.locator('[data-test="child-cards"] .child-card').first().waitFor()
    await checkFits('list')
    await shot(page, 'phone-list')
    await shot(page, 'phone-list-top', { fullPage: false })

    await page.locator('[data-test="child-cards"] .child-card').first().click()
    await page.waitForURL(/\/children\/\d+$/)
    await page.locator('[data-test="child-name"]').waitFor()
    await checkFits('file')
    await shot(page, 'phone-file')
    await page.getByRole('button', { name: '打开菜单' }).click()
    await page.locator('.el-drawer .side-menu').waitFor()
    await shot(page, 'phone-menu-drawer', { fullPage: false })
    await page.keyboard.press('Escape')
    await page.locator('.el-drawer .side-menu').waitFor({ state: 'hidden' })

    await page.goto(server.url + '/children/new')
    await page.locator('input[name="id_number"]').waitFor()
    await checkFits('register')
    await shot(page, 'phone-register')
    await shot(page, 'phone-register-top', { fullPage: false })

    // the hukou place cascader's columns scroll inside the screen instead of widening the page
    await page.locator('.hukou-picker').scrollIntoViewIfNeeded()
    await page.locator('.hukou-picker').click()
    const node = (name) => page.locator('.place-picker-popper .el-cascader-node:visible', { hasText: name }).first()
    await node('河南省').locator('.el-cascader-node__label').click()
    await node('平顶山市').locator('.el-cascader-node__label').click()
    await node('新华区').waitFor()
    const panel = await page.locator('.place-picker-popper:visible').boundingBox()
    assert.ok(panel.x >= 0 && panel.x + panel.width <= 390, `the cascader is inside the screen (${JSON.stringify(panel)})`)
    await checkFits('register with the hukou cascader open')
    await shot(page, 'phone-register-hukou', { fullPage: false })
    await page.keyboard.press('Escape')
  })

  async function checkFits(what) {
    const o = await horizontalOverflow(page)
    assert.ok(o.doc <= 0, `${what}: the page scrolls sideways by ${o.doc}px`)
    assert.ok(o.main <= 0, `${what}: the main content overflows by ${o.main}px`)
  }
})
