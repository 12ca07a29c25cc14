// The hukou place can be anywhere in China, chosen level by level in a cascader (GET /api/places).
// A child whose hukou is in another province and who has lived here for a year is a migrant child.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiGet, apiLogin, launchBrowser, login, makeChildId, makeChildName, shot, startServer } from './helpers.mjs'

describe('hukou place picker (1366×768)', { timeout: 180000 }, () => {
  let server
  let browser
  let page
  const child = { name: makeChildName(), ...makeChildId({ years: 9, sex: 'F' }) }

  before(async () => {
    server = await startServer({ children: 300 })
    browser = await launchBrowser()
    page = browser.page
  })

  after(async () => {
    if (browser) await browser.close()
    if (server) await server.stop()
  })

  test('安徽省 › 合肥市 › 瑶海区 replaces the county from the ID; a year here makes a migrant child', async () => {
    await login(page, server.url, 'zhuren1')
    await page.goto(server.url + '/children/new')
    await page.locator('input[name="name"]').fill(child.name)
    await page.locator('input[name="id_number"]').fill(child.id)
    await page.locator('[data-test="id-valid"]').waitFor()
    // the ID's county comes first …
    await page.locator('[data-test="hukou-name"]', { hasText: '河南省平顶山市新华区' }).waitFor()

    // … and is replaced by the place chosen in the cascader
    await page.locator('.hukou-picker').click()
    const node = (name) => page.locator('.place-picker-popper .el-cascader-node:visible', { hasText: name }).first()
    await node('安徽省').locator('.el-cascader-node__label').click()
    await node('合肥市').locator('.el-cascader-node__label').click()
    await node('瑶海区').locator('.el-radio').click()
    await shot(page, 'desktop-hukou-cascader', { fullPage: false })
    await page.keyboard.press('Escape')
    await page.waitForFunction(() => document.querySelector('.hukou-picker input')?.value === '安徽省 / 合肥市 / 瑶海区')
    await page.locator('[data-test="hukou-name"]', { hasText: '安徽省合肥市瑶海区' }).waitFor()

    // lived in the village for a year (at least 6 months make a migrant child)
    const since = new Date(Date.now() - 365 * 86400000).toISOString().slice(0, 10)
    const sinceInput = page
      .locator('.el-form-item', { has: page.locator('.el-form-item__label', { hasText: '在本地居住起始' }) })
      .locator('input')
    await sinceInput.fill(since)
    await sinceInput.press('Enter')
    await page.locator('input[name="address"]').click()
    assert.equal(await sinceInput.inputValue(), since)
    await shot(page, 'desktop-hukou-filled', { fullPage: false })

    await page.locator('[data-test="save"]').click()
    const result = page.locator('[data-test="classification-result"]')
    await result.waitFor()
    await result.locator('.class-tag[data-class="migrant"]').waitFor()
    assert.match(await result.innerText(), /流动儿童/)
    await shot(page, 'desktop-hukou-saved', { fullPage: false })

    // stored as the county's code, named in full
    const token = await apiLogin(server.url, 'zhuren1')
    const found = await apiGet(server.url, token, '/api/children?q=' + encodeURIComponent(child.id))
    assert.equal(found.items.length, 1)
    assert.equal(found.items[0].hukou_region_code, '340102')
    assert.match(found.items[0].hukou_region_name, /安徽省合肥市瑶海区/)
    assert.equal(found.items[0].residence_since, since)
  })

  test('a province alone is not enough: the form asks for at least the county', async () => {
    await page.goto(server.url + '/children/new')
    await page.locator('input[name="name"]').fill(makeChildName())
    await page.locator('.hukou-picker').click()
    const node = (name) => page.locator('.place-picker-popper .el-cascader-node:visible', { hasText: name }).first()
    await node('江苏省').locator('.el-radio').click()
    await page.keyboard.press('Escape')
    await page.locator('[data-test="hukou-name"]', { hasText: '江苏省' }).waitFor()
    await page.waitForFunction(() => document.querySelector('.hukou-picker input')?.value === '江苏省')
    await shot(page, 'desktop-hukou-province-only', { fullPage: false })
    await page.locator('[data-test="save"]').click()
    const item = page.locator('.el-form-item', { has: page.locator('.hukou-picker') })
    await item.locator('.el-form-item__error', { hasText: '至少选到县' }).waitFor()
    await item.scrollIntoViewIfNeeded()
    await shot(page, 'desktop-hukou-too-coarse', { fullPage: false })
  })
})
