// Accounts under 等保 2.0 and the 三员 separation: the audit administrator searches and verifies
// the audit log, the security administrator unlocks a locked account and resets a password, a
// user sets up a second factor (TOTP) and logs in with it, and a new account must change its
// initial password before anything else. Desktop (1366×768) and phone (390×844).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { PASSWORD, horizontalOverflow, launchBrowser, login, pickOption, shot, startServer } from './helpers.mjs'

// RFC 4648 base32 (the authenticator secret) to bytes.
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const clean = text.replace(/[\s=]/g, '').toUpperCase()
  let bits = 0
  let value = 0
  const out = []
  for (const ch of clean) {
    const idx = alphabet.indexOf(ch)
    if (idx < 0) throw new Error(`not base32: ${ch}`)
    value = (value << 5) | idx
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

// RFC 6238 TOTP: HMAC-SHA1, 30-second steps, 6 digits (RFC 4226 dynamic truncation).
function totp(secret, at = Date.now(), stepOffset = 0) {
  const step = Math.floor(at / 1000 / 30) + stepOffset
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(step))
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest()
  const offset = mac[mac.length - 1] & 0x0f
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000
  return String(code).padStart(6, '0')
}

async function post(base, route, body, token) {
  const headers = { 'Content-Type': 'application/json' }
  if (token) headers.Authorization = 'Bearer ' + token
  const res = await fetch(base + route, { method: 'POST', headers, body: JSON.stringify(body || {}) })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

const apiLogin = (base, username, password = PASSWORD, otp) =>
  post(base, '/api/login', otp ? { username, password, otp } : { username, password })

// Ends whatever session the page has and shows the login page.
async function freshLogin(page, base) {
  await page.goto(base + '/login')
  await page.evaluate(() => sessionStorage.clear())
  await page.goto(base + '/login')
  await page.locator('input[name="username"]').waitFor()
}

async function logoutThroughMenu(page) {
  await page.locator('[data-test="user-menu"]').click()
  await page.locator('.el-dropdown-menu__item:visible', { hasText: '退出登录' }).click()
  await page.locator('.el-message-box').getByRole('button', { name: '退出' }).click()
  await page.waitForURL('**/login')
}

describe('accounts: audit log, unlock, second factor, initial password (1366×768 and 390×844)', { timeout: 300000 }, () => {
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

  test('shenji (审计管理员) finds zhuren1’s login and file reads in the audit log and verifies it is intact', async () => {
    // events to find: zhuren1 logs in and lists the children (child.search)
    const res = await apiLogin(server.url, 'zhuren1')
    assert.equal(res.status, 200)
    const list = await fetch(server.url + '/api/children', { headers: { Authorization: 'Bearer ' + res.body.token } })
    assert.equal(list.status, 200)
    // and a failed login of zhuren1
    assert.equal((await apiLogin(server.url, 'zhuren1', 'Wrong-password-1')).status, 401)

    await freshLogin(page, server.url)
    await login(page, server.url, 'shenji')
    // the audit administrator's first page is the audit log, the only entry of the menu
    await page.waitForURL('**/audit')
    const menu = page.locator('.app-aside .side-menu')
    await menu.getByText('审计日志').waitFor()
    assert.equal(await menu.getByText('儿童列表').count(), 0)
    assert.equal(await menu.getByText('系统管理').count(), 0)
    await page.locator('[data-test="audit-table"] .el-table__row').first().waitFor()

    await page.locator('input[data-test="audit-user"]').fill('zhuren1')
    await page.locator('[data-test="audit-search"]').click()
    const rows = page.locator('[data-test="audit-table"] .el-table__row')
    await page.waitForFunction(() => {
      const trs = [...document.querySelectorAll('[data-test="audit-table"] .el-table__body tr')]
      return trs.length > 0 && trs.every((tr) => tr.cells[1]?.innerText.trim() === 'zhuren1')
    })
    const texts = await rows.allInnerTexts()
    assert.ok(texts.every((t) => t.includes('zhuren1')), 'every row is zhuren1’s')
    // the login in Chinese and code, a success and a refusal, and the list query
    assert.ok(texts.some((t) => /登录\s+login[\s\S]*成功/.test(t)), `a successful login row: ${texts.join(' | ')}`)
    assert.ok(texts.some((t) => /登录\s+login[\s\S]*拒绝/.test(t)), 'a refused login row')
    assert.ok(texts.some((t) => /查询名单\s+child\.search/.test(t)), 'a child.search row')
    // time in China time, to the second
    assert.match(texts[0], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/)
    await shot(page, 'desktop-audit-zhuren1')

    // the family filter: only the children's file actions of zhuren1
    await pickOption(page, page.locator('[data-test="audit-action"]'), '全部儿童档案操作')
    await page.locator('[data-test="audit-search"]').click()
    await page.waitForFunction(() => {
      const trs = [...document.querySelectorAll('[data-test="audit-table"] .el-table__body tr')]
      return trs.length > 0 && trs.every((tr) => /child\./.test(tr.cells[2]?.innerText || ''))
    })

    await page.locator('[data-test="audit-verify"]').click()
    const result = page.locator('[data-test="verify-result"]')
    await result.waitFor()
    assert.match(await result.innerText(), /审计日志完整/)
    const hash = (await page.locator('[data-test="verify-hash"]').innerText()).trim()
    assert.match(hash, /^[0-9a-f]{16,}$/i, `head hash ${hash}`)
    await shot(page, 'desktop-audit-verify', { fullPage: false })

    // the same page on a phone: cards, no sideways scrolling
    await page.setViewportSize({ width: 390, height: 844 })
    await page.locator('[data-test="audit-cards"] .audit-card').first().waitFor()
    const o = await horizontalOverflow(page)
    assert.ok(o.doc <= 0 && o.main <= 0, `the audit page scrolls sideways (${JSON.stringify(o)})`)
    await shot(page, 'phone-audit')
    await page.setViewportSize({ width: 1366, height: 768 })
  })

  test('anquan (安全管理员) unlocks wangge1 after five wrong passwords and resets its password', async () => {
    for (let i = 0; i < 5; i++) await apiLogin(server.url, 'wangge1', 'Wrong-password-' + i)
    const locked = await apiLogin(server.url, 'wangge1')
    assert.equal(locked.status, 403)
    assert.equal(locked.body.error.code, 'account_locked')

    // the login page says so, with the minutes
    await freshLogin(page, server.url)
    await page.locator('input[name="username"]').fill('wangge1')
    await page.locator('input[name="password"]').fill(PASSWORD)
    await page.getByRole('button', { name: /登\s*录/ }).click()
    await page.locator('.login-error').waitFor()
    assert.match(await page.locator('.login-error').innerText(), /锁定[\s\S]*分钟/)
    await shot(page, 'desktop-login-locked', { fullPage: false })

    await login(page, server.url, 'anquan')
    await page.waitForURL('**/admin')
    await page.locator('.page-crumb', { hasText: '用户管理' }).waitFor()
    // the security administrator creates no accounts
    assert.equal(await page.locator('[data-test="add-user"]').count(), 0)
    const row = page.locator('.users-card .el-table__row', { hasText: 'wangge1' })
    await row.locator('[data-test="tag-locked"]').waitFor()
    await shot(page, 'desktop-security-users', { fullPage: false })
    await row.scrollIntoViewIfNeeded()
    await shot(page, 'desktop-security-users-locked', { fullPage: false })

    await row.locator('[data-test="unlock-wangge1"]').click()
    const box = page.locator('.el-message-box', { hasText: '解锁' })
    await box.waitFor()
    await box.getByRole('button', { name: '解锁' }).click()
    await row.locator('[data-test="tag-locked"]').waitFor({ state: 'detached' })
    assert.equal(await row.locator('[data-test="unlock-wangge1"]').count(), 0)
    assert.equal((await apiLogin(server.url, 'wangge1')).status, 200)

    // reset the password: a weak one is refused next to the field, then wangge1 must change it
    await row.locator('[data-test="reset-password-wangge1"]').click()
    const dialog = page.locator('.el-dialog', { hasText: '重置密码' })
    await dialog.waitFor()
    await dialog.locator('input[data-test="reset-password"]').fill('abc12345')
    await dialog.locator('[data-test="reset-confirm"]').click()
    await dialog.locator('.el-form-item__error', { hasText: '10至128位' }).waitFor()
    await dialog.locator('input[data-test="reset-password"]').fill('Chongzhi#2026')
    await dialog.locator('[data-test="reset-confirm"]').click()
    await dialog.waitFor({ state: 'hidden' })
    await row.locator('[data-test="tag-must-change"]').waitFor()
    const after = await apiLogin(server.url, 'wangge1', 'Chongzhi#2026')
    assert.equal(after.status, 200)
    assert.equal(after.body.user.must_change_password, true)

    // on a phone: cards with the tags and the actions, inside the screen
    await page.setViewportSize({ width: 390, height: 844 })
    const card = page.locator('[data-test="user-cards"] [data-test="user-wangge1"]')
    await card.locator('[data-test="tag-must-change"]').waitFor()
    const o = await horizontalOverflow(page)
    assert.ok(o.doc <= 0 && o.main <= 0, `the user page scrolls sideways (${JSON.stringify(o)})`)
    const cardBox = await card.boundingBox()
    assert.ok(cardBox.x >= 0 && cardBox.x + cardBox.width <= 390, 'the user card is inside the screen')
    await card.scrollIntoViewIfNeeded()
    await shot(page, 'phone-security-users', { fullPage: false })
    await page.setViewportSize({ width: 1366, height: 768 })
  })

  test('zhuren2 sets up the second factor on 账号安全 and then logs in with a 动态验证码', async () => {
    await freshLogin(page, server.url)
    await login(page, server.url, 'zhuren2')
    await page.locator('[data-test="user-menu"]').click()
    await page.locator('.el-dropdown-menu__item:visible', { hasText: '账号安全' }).click()
    await page.waitForURL('**/account')
    assert.match(await page.locator('[data-test="totp-status"]').innerText(), /未启用/)
    await page.locator('[data-test="totp-begin"]').click()
    await page.locator('[data-test="totp-qr"]').waitFor()
    const secret = (await page.locator('[data-test="totp-secret"]').innerText()).replace(/\s/g, '')
    assert.match(secret, /^[A-Z2-7]{16,}$/)
    await shot(page, 'desktop-account-totp-setup')

    // a wrong code is refused next to the field
    const good = totp(secret)
    const wrong = String((Number(good) + 500000) % 1000000).padStart(6, '0')
    await page.locator('input[data-test="totp-code"]').fill(wrong)
    await page.locator('[data-test="totp-enable"]').click()
    await page.locator('[data-test="totp-setup"] .el-form-item__error').waitFor()
    await page.locator('input[data-test="totp-code"]').fill(totp(secret))
    await page.locator('[data-test="totp-enable"]').click()
    await page.locator('[data-test="totp-disable"]').waitFor()
    assert.match(await page.locator('[data-test="totp-status"]').innerText(), /已启用/)
    await shot(page, 'desktop-account-totp-on')

    // the phone layout of the page
    await page.setViewportSize({ width: 390, height: 844 })
    await page.locator('[data-test="totp-disable"]').waitFor()
    const o = await horizontalOverflow(page)
    assert.ok(o.doc <= 0 && o.main <= 0, `the account page scrolls sideways (${JSON.stringify(o)})`)
    await shot(page, 'phone-account')
    await page.setViewportSize({ width: 1366, height: 768 })

    await logoutThroughMenu(page)
    await page.locator('input[name="username"]').fill('zhuren2')
    await page.locator('input[name="password"]').fill(PASSWORD)
    await page.getByRole('button', { name: /登\s*录/ }).click()
    // the password was right: the code is asked for
    const otp = page.locator('input[name="otp"]')
    await otp.waitFor()
    assert.equal(await otp.getAttribute('autocomplete'), 'one-time-code')
    assert.equal(await otp.getAttribute('inputmode'), 'numeric')
    assert.ok(new URL(page.url()).pathname.startsWith('/login'))
    await shot(page, 'desktop-login-otp', { fullPage: false })
    // a wrong code: said next to the code input
    await otp.fill(wrong)
    await page.getByRole('button', { name: /登\s*录/ }).click()
    await page.locator('.el-form-item', { has: otp }).locator('.el-form-item__error', { hasText: '动态验证码错误' }).waitFor()
    // the code that enabled the factor is used up: the next step's code (within the drift allowed)
    await otp.fill(totp(secret, Date.now(), 1))
    await page.getByRole('button', { name: /登\s*录/ }).click()
    await page.waitForURL((u) => !u.pathname.startsWith('/login'))
    await page.locator('[data-test="user-menu"]').waitFor()

    // 停用 asks for the password; a wrong one is refused next to the field
    await page.goto(server.url + '/account')
    await page.locator('[data-test="totp-disable"]').click()
    const dialog = page.locator('.el-dialog', { hasText: '停用动态验证码' })
    await dialog.waitFor()
    await dialog.locator('input[data-test="totp-disable-password"]').fill('Not-the-password-1')
    await dialog.locator('[data-test="totp-disable-confirm"]').click()
    await dialog.locator('.el-form-item__error', { hasText: '密码不正确' }).waitFor()
    await dialog.locator('input[data-test="totp-disable-password"]').fill(PASSWORD)
    await dialog.locator('[data-test="totp-disable-confirm"]').click()
    await dialog.waitFor({ state: 'hidden' })
    await page.locator('[data-test="totp-begin"]').waitFor()
    assert.equal((await apiLogin(server.url, 'zhuren2')).status, 200)
  })

  test('admin creates an account; its first login goes to 修改初始密码 and only then home', async () => {
    const admin = await apiLogin(server.url, 'admin')
    const created = await post(
      server.url,
      '/api/users',
      { username: 'chu_shi', display_name: '初始主任', role: 'child_director', region_code: '410402100001', password: 'Chushi@2026' },
      admin.body.token,
    )
    assert.equal(created.status, 201, JSON.stringify(created.body))

    // the system administrator sees the 需改密 tag but no unlock or reset buttons
    await freshLogin(page, server.url)
    await login(page, server.url, 'admin')
    await page.waitForURL('**/admin')
    const row = page.locator('.users-card .el-table__row', { hasText: 'chu_shi' })
    await row.locator('[data-test="tag-must-change"]').waitFor()
    assert.equal(await page.locator('[data-test^="reset-password-"], [data-test^="unlock-"], [data-test^="reset-totp-"]').count(), 0)
    await row.locator('[data-test="toggle-chu_shi"]').waitFor()
    await logoutThroughMenu(page)

    await page.locator('input[name="username"]').fill('chu_shi')
    await page.locator('input[name="password"]').fill('Chushi@2026')
    await page.getByRole('button', { name: /登\s*录/ }).click()
    await page.waitForURL('**/change-password')
    await page.locator('[data-test="change-password-card"]').waitFor()
    // nowhere else until the password is changed
    await page.goto(server.url + '/children')
    await page.waitForURL('**/change-password')
    await page.locator('[data-test="change-password-card"]').waitFor()
    await shot(page, 'desktop-change-password')

    const card = page.locator('[data-test="change-password-card"]')
    await card.locator('input[data-test="pw-old"]').fill('Chushi@2026')
    await card.locator('input[data-test="pw-new"]').fill('Chu_shi-2027x')
    await card.locator('input[data-test="pw-confirm"]').fill('Chu_shi-2027x')
    await card.locator('[data-test="pw-save"]').click()
    await card.locator('.el-form-item__error', { hasText: '不能包含用户名' }).waitFor()
    // a wrong initial password: the server's answer next to that field
    await card.locator('input[data-test="pw-old"]').fill('Chushi@2025')
    await card.locator('input[data-test="pw-new"]').fill('Xinmima#2027')
    await card.locator('input[data-test="pw-confirm"]').fill('Xinmima#2027')
    await card.locator('[data-test="pw-save"]').click()
    await card.locator('.el-form-item', { has: page.locator('input[data-test="pw-old"]') }).locator('.el-form-item__error', { hasText: '原密码不正确' }).waitFor()

    // on a phone the page fits
    await page.setViewportSize({ width: 390, height: 844 })
    const o = await horizontalOverflow(page)
    assert.ok(o.doc <= 0, `the change page scrolls sideways (${JSON.stringify(o)})`)
    await shot(page, 'phone-change-password')
    await page.setViewportSize({ width: 1366, height: 768 })

    await card.locator('input[data-test="pw-old"]').fill('Chushi@2026')
    await card.locator('[data-test="pw-save"]').click()
    // the child director's home page: the dashboard
    await page.waitForURL((u) => u.pathname === '/')
    await page.locator('[data-test="stat-total"]').waitFor()
    assert.equal((await apiLogin(server.url, 'chu_shi', 'Xinmima#2027')).body.user.must_change_password, false)
  })
})
