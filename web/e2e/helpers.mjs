// Shared pieces of the end-to-end tests: the real server (demo county in a fresh database),
// headless Debian Chromium through playwright-core (no browser download), and test data.
import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const PASSWORD = 'Tongan@2026'

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

// Starts `tongan demo` on a free port with a fresh database and resolves once it prints
// "listening on URL". The caller stops it with server.stop().
export function startServer({ children = 3000 } = {}) {
  const bin = process.env.TONGAN_BIN ? path.resolve(process.env.TONGAN_BIN) : path.resolve(WEB_DIR, '../build/tongan')
  if (!existsSync(bin)) throw new Error(`tongan binary not found at ${bin} (set TONGAN_BIN)`)
  if (!existsSync(path.join(WEB_DIR, 'dist/index.html'))) throw new Error('web/dist is missing: run `npm run build` first')
  const dir = mkdtempSync(path.join(tmpdir(), 'tongan-e2e-'))
  const db = path.join(dir, 'e2e.db')
  // --data: the region tables and classification settings of the repository (the default is
  // ./data, and the test runs from web/)
  const data = process.env.TONGAN_DATA ? path.resolve(process.env.TONGAN_DATA) : path.resolve(WEB_DIR, '../data')
  const args = ['demo', '--db', db, '--data', data, '--listen', '127.0.0.1:0', '--web', 'dist', '--children', String(children)]
  const proc = spawn(bin, args, {
    cwd: WEB_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  const stop = () =>
    new Promise((resolve) => {
      const done = () => {
        rmSync(dir, { recursive: true, force: true })
        resolve()
      }
      if (proc.exitCode !== null || proc.signalCode !== null) return done()
      proc.once('exit', done)
      proc.kill('SIGTERM')
    })
  return new Promise((resolve, reject) => {
    proc.stdout.setEncoding('utf8')
    proc.stderr.setEncoding('utf8')
    proc.stderr.on('data', (d) => (err += d))
    proc.stdout.on('data', (d) => {
      out += d
      const m = out.match(/listening on (http:\/\/\S+)/)
      if (m) resolve({ url: m[1].replace(/\/$/, ''), stop, output: () => out + err, pid: proc.pid })
    })
    proc.once('exit', (code, signal) => {
      rmSync(dir, { recursive: true, force: true })
      reject(new Error(`tongan exited (${code ?? signal}) before listening:\n${out}\n${err}`))
    })
    proc.once('error', reject)
  })
}

// A persistent Chromium context in a fresh profile directory; close() removes it.
export async function launchBrowser(viewport = { width: 1366, height: 768 }) {
  const profile = mkdtempSync(path.join(tmpdir(), 'tongan-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  })
  const page = context.pages()[0] || (await context.newPage())
  page.setDefaultTimeout(20000)
  const close = async () => {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
  return { context, page, close }
}

// Screenshots go outside the repository, only when asked for.
export async function shot(page, name, { fullPage = true } = {}) {
  const dir = process.env.TONGAN_SCREENSHOTS
  if (!dir) return
  mkdirSync(dir, { recursive: true })
  await page.screenshot({ path: path.join(dir, name + '.png'), fullPage, animations: 'disabled' })
}

export async function apiLogin(base, username) {
  const res = await fetch(base + '/api/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  })
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`)
  return (await res.json()).token
}

export async function apiGet(base, token, route) {
  const res = await fetch(base + route, { headers: { Authorization: 'Bearer ' + token } })
  if (!res.ok) throw new Error(`GET ${route}: ${res.status} ${await res.text()}`)
  return res.json()
}

// ISO 7064 MOD 11-2 check character of the first 17 digits of a resident ID.
export function idCheckChar(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]
  return '10X98765432'[sum % 11]
}

// A valid, practically unique 18-digit ID of a child born about `years` ago in 新华区 (410402).
// The sequence's last digit is odd for a boy, even for a girl.
export function makeChildId({ years = 8, sex = 'M' } = {}) {
  const now = new Date()
  const birth = new Date(Date.UTC(now.getUTCFullYear() - years, 0, 1) + Math.floor(Math.random() * 300) * 86400000)
  const ymd = birth.toISOString().slice(0, 10).replace(/-/g, '')
  let seq = 100 + Math.floor(Math.random() * 900)
  if ((seq % 2 === 1) !== (sex === 'M')) seq = seq === 999 ? 998 : seq + 1
  const first17 = '410402' + ymd + String(seq)
  return { id: first17 + idCheckChar(first17), birthDate: birth.toISOString().slice(0, 10) }
}

const NAME_CHARS = '安宁思远嘉怡子涵梓萱浩然雨桐宇轩欣妍俊杰诗琪明哲晨曦若溪一诺'
export function makeChildName() {
  const pick = () => NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)]
  return '测' + pick() + pick()
}

export async function login(page, base, username) {
  await page.goto(base + '/login')
  await page.locator('input[name="username"]').fill(username)
  await page.locator('input[name="password"]').fill(PASSWORD)
  await page.getByRole('button', { name: /登\s*录/ }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await page.locator('[data-test="user-menu"]').waitFor()
}

// Picks an option of an Element Plus select: opens it by its form-item label, clicks the option.
export async function pickOption(page, scope, optionText) {
  await scope.click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: optionText }).first().click()
  // wait until the dropdown has closed, so the next select's options are the only visible ones
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.el-select__popper')].every((e) => getComputedStyle(e).display === 'none'),
  )
}

// Main content wider than the viewport means the page scrolls sideways on a phone.
export async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const doc = document.documentElement
    const main = document.querySelector('.app-main') || document.body
    return {
      doc: doc.scrollWidth - doc.clientWidth,
      main: main.scrollWidth - main.clientWidth,
    }
  })
}
