// Care work through the browser: the county bureau works an assessment case through every stage
// (each step refused until what it needs is recorded, closing refused until the monitoring
// period has run), a mandatory report whose reporter the township supervisor may not see, a
// child director's home visit on a phone turning a child red, a referral to the education
// department answered by its liaison who sees only the shared fields, and the administrator's
// warning rules refusing an unknown fact.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiGet, apiLogin, horizontalOverflow, launchBrowser, login, pickOption, shot, startServer } from './helpers.mjs'

const VILLAGE = '410402100001' // 李屯村, zhuren1's village in 焦店镇 (dudao1's township)

// Sign in as another user in the same browser: the session lives in sessionStorage.
async function loginAs(page, base, username) {
  await page.goto(base + '/login')
  await page.evaluate(() => sessionStorage.clear())
  await login(page, base, username)
}

async function apiPost(base, token, route, body) {
  const res = await fetch(base + route, {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: await res.json() }
}

const isAction = (r) => r.request().method() === 'POST' && /\/api\/(cases|referrals)\/\d+\/actions$/.test(new URL(r.url()).pathname)

// Confirms the open message box (filling its input when given) and returns the action's answer.
async function confirmBox(page, text) {
  const box = page.locator('.el-message-box:visible')
  await box.waitFor()
  if (text !== undefined) await box.locator('input, textarea').first().fill(text)
  const answer = page.waitForResponse(isAction)
  await box.locator('.el-message-box__btns .el-button--primary').click()
  return answer
}

describe('care work: ledger, cases, visits, referrals, rules', { timeout: 600000 }, () => {
  let server
  let browser
  let page
  let county

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

  async function move(to, stageName) {
    const button = page.locator(`[data-test="move-${to}"]`)
    assert.equal(await button.isDisabled(), false, `the move to ${to} is allowed`)
    await button.click()
    const answer = await confirmBox(page)
    assert.equal(answer.status(), 200, `moved to ${to}`)
    await page.locator('[data-test="case-stage"]', { hasText: stageName }).waitFor()
  }

  async function openPanel(name) {
    const item = page.locator(`[data-panel="${name}"]`)
    await item.waitFor()
    if (!/is-active/.test((await item.getAttribute('class')) || '')) await item.locator('.el-collapse-item__header').click()
    await item.locator('.el-collapse-item__content').waitFor()
    return item
  }

  async function saveIn(item, button, message) {
    const answer = page.waitForResponse(isAction)
    await item.locator(`[data-test="${button}"]`).click()
    assert.equal((await answer).status(), 200, `${button} saved`)
    await page.locator('.el-message--success', { hasText: message }).first().waitFor()
  }

  test('a full case loop as the county bureau: 排查 → 预警 → 会商 → 介入 → 反馈 → 监测, closing refused', async () => {
    await login(page, server.url, 'xian_minzheng')
    const menu = page.locator('.side-menu')
    await menu.getByText('关爱服务').waitFor()
    await menu.getByText('关爱台账', { exact: true }).click()
    await page.waitForURL('**/care')
    await page.locator('[data-test="care-summary"] [data-test="sum-red"]').waitFor()
    const firstRow = page.locator('[data-test="care-table"] .el-table__row').first()
    await firstRow.waitFor()
    await shot(page, 'desktop-care-ledger')

    // open the first child of the ledger: the file opens on its 关爱服务 tab
    const link = firstRow.locator('.name-link')
    const childName = (await link.innerText()).trim()
    await link.click()
    await page.waitForURL(/\/children\/\d+\?tab=care$/)
    const childId = Number(new URL(page.url()).pathname.split('/').pop())
    const tab = page.locator('[data-test="child-care"]')
    await tab.locator('[data-test="care-colour-badge"]').waitFor()
    assert.equal((await page.locator('[data-test="child-name"]').innerText()).trim(), childName)

    // a new 评估帮扶 case from the child's file
    await tab.locator('[data-test="new-case"]').click()
    const dialog = page.locator('[data-test="case-dialog"]')
    await dialog.waitFor()
    assert.match(await dialog.locator('[data-test="case-child"]').innerText(), new RegExp(childName))
    await pickOption(page, dialog.locator('[data-test="case-source"]'), '评估帮扶')
    await dialog.locator('[data-test="case-title"]').fill('测试：父母外出务工，监护不足')
    await dialog.locator('[data-test="case-note"]').fill('走访发现祖母年迈，照料困难。')
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/cases')
    await dialog.locator('[data-test="case-save"]').click()
    assert.equal((await created).status(), 201)
    await page.waitForURL(/\/cases\/\d+$/)
    const caseId = Number(new URL(page.url()).pathname.split('/').pop())
    await page.locator('[data-test="case-stage"]', { hasText: '排查' }).waitFor()
    assert.match(await page.locator('[data-test="case-child"]').innerText(), new RegExp(childName))
    // the steps show 排查 as the current one
    const steps = page.locator('[data-test="case-steps"] .el-step')
    assert.equal(await steps.count(), 7)
    assert.match(await steps.nth(0).locator('.el-step__title').getAttribute('class'), /is-process/)

    await move('warning', '预警')
    await move('consultation', '会商')

    // 介入 needs the consultation first: the button is disabled and says why
    assert.equal(await page.locator('[data-test="move-intervention"]').isDisabled(), true)
    assert.match(await page.locator('[data-test="move-reason-intervention"]').innerText(), /请先记录会商意见/)

    const consultation = await openPanel('consultation')
    await consultation.locator('[data-test="consultation-opinion"]').fill('民政、学校、村委会会商：落实临时照料人，学校安排课后托管。')
    await consultation.locator('[data-test="consultation-participants"]').fill('区民政局、镇中心小学、李屯村村委会')
    await saveIn(consultation, 'consultation-save', '已记录会商意见')
    // an assessment case needs the scored assessment next
    assert.match(await page.locator('[data-test="move-reason-intervention"]').innerText(), /风险评估/)

    const assessment = await openPanel('assessment')
    const items = assessment.locator('.assessment-item')
    const n = await items.count()
    assert.ok(n >= 5, `the assessment form has its items (${n})`)
    for (let i = 0; i < n; i++) await items.nth(i).locator('[data-option="1"]').click()
    await assessment.getByText(`已选 ${n} / ${n} 项`).waitFor()
    await saveIn(assessment, 'assessment-save', '风险评估已保存')
    const result = page.locator('[data-test="assessment-result"]')
    await result.waitFor()
    assert.match(await result.innerText(), new RegExp(`总分 ${n}，`))
    assert.match(await result.innerText(), /风险/)
    assert.match(await page.locator('[data-test="move-reason-intervention"]').innerText(), /帮扶计划/)

    const plan = await openPanel('help_plan')
    await plan.locator('[data-test="help-plan-text"]').fill('一、联系父亲返乡或委托亲属照料；二、学校课后托管；三、每周走访一次。')
    await saveIn(plan, 'help-plan-save', '已保存帮扶计划')

    await move('intervention', '介入')
    // 反馈 needs a measure first
    assert.equal(await page.locator('[data-test="move-feedback"]').isDisabled(), true)
    assert.match(await page.locator('[data-test="move-reason-feedback"]').innerText(), /介入措施/)
    const measure = await openPanel('measure')
    await pickOption(page, measure.locator('[data-test="measure-select"]'), '心理疏导')
    await measure.locator('[data-test="measure-detail"]').fill('社工每周一次心理陪伴')
    await saveIn(measure, 'measure-save', '已记录干预措施')

    await move('feedback', '反馈')
    assert.match(await page.locator('[data-test="move-reason-monitoring"]').innerText(), /反馈/)
    const feedback = await openPanel('feedback')
    await feedback.locator('[data-test="feedback-text"]').fill('临时照料人已落实，儿童按时上学。')
    await saveIn(feedback, 'feedback-save', '已记录反馈')

    await move('monitoring', '监测')

    // 结案 before the minimum monitoring period: refused, and the page says why
    const close = page.locator('[data-test="move-closed"]')
    await close.waitFor()
    assert.equal(await close.isDisabled(), true)
    const reason = await page.locator('[data-test="move-reason-closed"]').innerText()
    assert.match(reason, /监测期至少 \d+ 天/)
    // the server refuses it too, with the same words
    const detail = await apiGet(server.url, county, `/api/cases/${caseId}`)
    const refused = await apiPost(server.url, county, `/api/cases/${caseId}/actions`, { version: detail.version, action: 'transition', to: 'closed' })
    assert.equal(refused.status, 409)
    assert.equal(refused.body.error.code, 'monitoring_too_short')
    assert.ok(reason.includes(refused.body.error.message), `the page shows the server's reason: ${refused.body.error.message}`)

    const history = page.locator('[data-test="case-history"]')
    const text = await history.innerText()
    for (const step of ['建立个案', '排查 → 预警', '预警 → 会商', '会商意见', '风险评估', '帮扶计划', '会商 → 介入', '干预措施', '心理疏导', '介入 → 反馈', '反馈情况', '反馈 → 监测'])
      assert.ok(text.includes(step), `the history lists ${step}`)
    assert.ok(text.includes('xian_minzheng'), 'the history says who acted')
    assert.equal(await history.locator('.history-item').count(), 11)
    await shot(page, 'desktop-care-case')

    // the list of cases has it, in 监测, with a deadline
    await page.locator('.side-menu').getByText('个案管理', { exact: true }).click()
    await page.waitForURL('**/cases')
    const row = page.locator('[data-test="case-table"] .el-table__row', { has: page.locator(`[data-case="${caseId}"]`) })
    await row.waitFor()
    assert.match(await row.innerText(), /监测/)
    assert.match(await row.innerText(), /评估帮扶/)
  })

  test('a refused action shows the server\'s reason and reloads the case', async () => {
    // a case in 排查 whose version moves on behind the page's back
    const kids = await apiGet(server.url, county, `/api/children?region=${VILLAGE}&page_size=3`)
    const opened = await apiPost(server.url, county, '/api/cases', { child_id: kids.items[0].id, source: 'screening', title: '测试：并发办理' })
    assert.equal(opened.status, 201)
    await page.goto(server.url + '/cases/' + opened.body.id)
    await page.locator('[data-test="case-stage"]', { hasText: '排查' }).waitFor()
    const bumped = await apiPost(server.url, county, `/api/cases/${opened.body.id}/actions`, { version: opened.body.version, action: 'note', text: '他人先办理' })
    assert.equal(bumped.status, 200)
    await page.locator('[data-test="move-warning"]').click()
    const answer = await confirmBox(page)
    assert.equal(answer.status(), 409)
    const alert = page.locator('[data-test="case-refusal"]')
    await alert.waitFor()
    assert.match(await alert.innerText(), /已被他人更新/)
    // reloaded: the other user's note is in the history, and the move now works
    await page.locator('[data-test="case-history"] [data-kind="note"]').waitFor()
    await move('warning', '预警')
  })

  test('a mandatory report: the county sees the reporter, the township supervisor does not', async () => {
    const kids = await apiGet(server.url, county, `/api/children?region=${VILLAGE}&page_size=20`)
    const child = kids.items.find((c) => c.name.length >= 2) || kids.items[0]
    await page.goto(server.url + '/cases')
    await page.locator('[data-test="new-case"]').click()
    const dialog = page.locator('[data-test="case-dialog"]')
    await dialog.waitFor()
    await dialog.locator('[data-test="case-child-select"]').click()
    await dialog.locator('[data-test="case-child-select"] input').fill(child.name)
    await page.locator('.el-select-dropdown__item:visible', { hasText: '李屯村' }).filter({ hasText: child.name }).first().click()
    await pickOption(page, dialog.locator('[data-test="case-source"]'), '强制报告')
    await dialog.getByText('报告人信息依法保密').waitFor()
    await dialog.locator('[data-test="case-title"]').fill('测试：学校报告儿童身上多处淤青')
    await dialog.locator('[data-test="reporter-type"]').getByText('学校', { exact: true }).click()
    await dialog.locator('[data-test="reporter-org"]').fill('焦店镇中心小学')
    await dialog.locator('[data-test="reporter-name"]').fill('李报告')
    await dialog.locator('[data-test="reporter-phone"]').fill('13903751234')
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/cases')
    await dialog.locator('[data-test="case-save"]').click()
    const answer = await created
    assert.equal(answer.status(), 201)
    const caseId = (await answer.json()).id
    await page.waitForURL(/\/cases\/\d+$/)
    const details = page.locator('[data-test="reporter-details"]')
    await details.waitFor()
    assert.match(await details.innerText(), /李报告/)
    assert.match(await details.innerText(), /焦店镇中心小学/)
    assert.match(await details.innerText(), /13903751234/)

    await loginAs(page, server.url, 'dudao1')
    await page.goto(server.url + '/cases/' + caseId)
    await page.locator('[data-test="case-stage"]', { hasText: '排查' }).waitFor()
    await page.locator('[data-test="reporter-confidential"]').waitFor()
    assert.match(await page.locator('[data-test="reporter"]').innerText(), /报告人信息保密/)
    const body = await page.locator('.app-main').innerText()
    assert.ok(!body.includes('李报告'), 'the reporter\'s name is not shown to the supervisor')
    assert.ok(!body.includes('13903751234'), 'nor the phone')
    // a supervisor reads the case but does not work it
    assert.equal(await page.locator('[data-test="case-moves"]').count(), 0)
    assert.equal(await page.locator('[data-test="case-actions"]').count(), 0)
  })

  test('a referral to 教育: only the shared fields reach the liaison, who accepts and completes it', async () => {
    await loginAs(page, server.url, 'xian_minzheng')
    const kids = await apiGet(server.url, county, `/api/children?page_size=50`)
    const child = kids.items.find((c) => /^\d{17}[\dX]$/.test(c.id_number || '') && (c.address || '').length >= 4)
    assert.ok(child, 'a child with an ID number and an address')
    await page.goto(server.url + `/children/${child.id}?tab=care`)
    const tab = page.locator('[data-test="child-care"]')
    await tab.locator('[data-test="new-referral"]').click()
    const dialog = page.locator('[data-test="referral-dialog"]')
    await dialog.waitFor()
    await pickOption(page, dialog.locator('[data-test="referral-department"]'), '教育')
    await dialog.locator('[data-test="referral-request"]').fill('请学校安排课后托管并每月反馈学习情况')
    // only 姓名 and 年龄
    const boxes = dialog.locator('[data-test="referral-fields"] .el-checkbox')
    for (let i = 0; i < (await boxes.count()); i++) {
      const box = boxes.nth(i)
      const want = ['name', 'age'].includes(await box.getAttribute('data-field'))
      const checked = /is-checked/.test((await box.getAttribute('class')) || '')
      if (want !== checked) await box.click()
    }
    assert.equal(await dialog.locator('[data-test="referral-fields"] .el-checkbox.is-checked').count(), 2)
    const sent = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/referrals')
    await dialog.locator('[data-test="referral-save"]').click()
    const answer = await sent
    assert.equal(answer.status(), 201)
    const referral = await answer.json()
    assert.deepEqual(referral.shared_fields, ['name', 'age'])
    await tab.locator(`[data-referral="${referral.id}"]`).waitFor()
    assert.match(await tab.locator(`[data-referral="${referral.id}"]`).innerText(), /待接收/)

    // the liaison: 转介 in the menu, the list has it
    await loginAs(page, server.url, 'bumen_jiaoyu')
    await page.locator('.side-menu').getByText('转介', { exact: true }).click()
    await page.waitForURL('**/referrals')
    const row = page.locator(`[data-test="referral-table"] [data-referral="${referral.id}"]`)
    await row.waitFor()
    await row.click()
    await page.waitForURL(`**/referrals/${referral.id}`)
    const info = page.locator('[data-test="referral-child"]')
    await info.locator('[data-field="name"]').waitFor()
    assert.equal((await info.locator('[data-field="name"]').innerText()).trim(), child.name)
    assert.match(await info.locator('[data-field="age"]').innerText(), /\d+岁/)
    assert.equal(await info.locator('[data-field="id_number"]').count(), 0)
    assert.equal(await info.locator('[data-field="address"]').count(), 0)
    const text = await page.locator('.app-main').innerText()
    assert.ok(!text.includes(child.id_number), 'the ID number is not shown')
    assert.ok(!text.includes(child.address), 'the address is not shown')
    assert.ok(!text.includes('身份证号'), 'no ID number row at all')
    assert.ok(!text.includes('现住址'), 'no address row at all')

    // 办结 before 接收: the button is not offered, and the server refuses with its reason
    assert.equal(await page.locator('[data-test="referral-done"]').count(), 0)
    const liaison = await apiLogin(server.url, 'bumen_jiaoyu')
    const early = await apiPost(server.url, liaison, `/api/referrals/${referral.id}/actions`, { action: 'done', reply: '已办理' })
    assert.equal(early.status, 409)
    assert.equal(early.body.error.code, 'invalid_referral_transition')
    assert.match(early.body.error.message, /须先接收/)

    await page.locator('[data-test="referral-accept"]').click()
    assert.equal((await confirmBox(page)).status(), 200)
    await page.locator('[data-test="referral-status"]', { hasText: '办理中' }).waitFor()
    await page.locator('[data-test="referral-done"]').click()
    // the reply is required
    const box = page.locator('.el-message-box:visible')
    await box.waitFor()
    await box.locator('.el-message-box__btns .el-button--primary').click()
    await box.locator('.el-message-box__errormsg', { hasText: '请填写办理结果' }).waitFor()
    assert.equal((await confirmBox(page, '学校已安排课后托管，每月由班主任反馈。')).status(), 200)
    await page.locator('[data-test="referral-status"]', { hasText: '已办结' }).waitFor()
    assert.match(await page.locator('[data-test="referral-reply"]').innerText(), /学校已安排课后托管/)
    await shot(page, 'desktop-care-referral-liaison')

    // the sender sees the reply
    const back = await apiGet(server.url, county, `/api/referrals/${referral.id}`)
    assert.equal(back.status, 'done')
  })

  test('the administrator\'s rules: an unknown fact is refused with the reason, nothing changes', async () => {
    await loginAs(page, server.url, 'admin')
    await page.locator('.side-menu').getByText('预警规则', { exact: true }).click()
    await page.waitForURL('**/care/rules')
    await page.locator('[data-test="rules-table"] .el-table__row').first().waitFor()
    await page.locator('[data-test="facts-table"] .el-table__row').first().waitFor()
    assert.match(await page.locator('[data-test="facts-table"]').innerText(), /last_visit_guardianship/)

    const admin = await apiLogin(server.url, 'admin')
    const before = await apiGet(server.url, admin, '/api/care/rules')
    const textarea = page.locator('[data-test="rules-text"]')
    const original = await textarea.inputValue()
    assert.ok(original.includes('"fact": "vagrant"'))
    const edited = original.replace('"fact": "vagrant"', '"fact": "no_such_fact"')
    await textarea.fill(edited)
    const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === '/api/care/rules')
    await page.locator('[data-test="rules-save"]').click()
    const answer = await saved
    assert.equal(answer.status(), 400)
    const err = (await answer.json()).error
    assert.equal(err.code, 'rules_invalid')
    const alert = page.locator('[data-test="rules-error"]')
    await alert.waitFor()
    assert.ok((await alert.innerText()).includes(err.message), `the page shows the server's message: ${err.message}`)
    assert.match(err.message, /no_such_fact/)
    // the user's text stays for correcting
    assert.equal(await textarea.inputValue(), edited)
    await alert.scrollIntoViewIfNeeded()
    await shot(page, 'desktop-care-rules-invalid', { fullPage: false })
    const afterRules = await apiGet(server.url, admin, '/api/care/rules')
    assert.deepEqual(afterRules.rules, before.rules, 'the rules are unchanged')
  })
})

describe('care work on a phone (390×844): a home visit', { timeout: 300000 }, () => {
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

  async function checkFits(what) {
    const o = await horizontalOverflow(page)
    assert.ok(o.doc <= 0 && o.main <= 0, `${what} scrolls sideways (${JSON.stringify(o)})`)
  }

  test('the child director records a visit with no guardian: the child turns red with the reason', async () => {
    const token = await apiLogin(server.url, 'zhuren1')
    const due = await apiGet(server.url, token, '/api/care?view=due&page_size=20')
    let target = null
    for (const it of due.items) {
      if (it.colour === 'red') continue
      const c = await apiGet(server.url, token, `/api/children/${it.child_id}`)
      if (c.living_with !== 'institution') {
        target = it
        break
      }
    }
    assert.ok(target, 'a child due for a visit who is not yet red')

    await login(page, server.url, 'zhuren1')
    await page.getByRole('button', { name: '打开菜单' }).click()
    await page.locator('.el-drawer .side-menu').getByText('关爱台账', { exact: true }).click()
    await page.waitForURL('**/care')
    await page.locator('[data-test="sum-overdue"]').waitFor()
    await page.locator('[data-test="care-cards"] .care-card').first().waitFor()
    await checkFits('the care ledger')
    await shot(page, 'phone-care-ledger', { fullPage: false })
    await page.locator('[data-test="tab-due"]').click()
    await page.waitForURL('**/care?view=due')
    const card = page.locator(`[data-test="care-cards"] .care-card[data-child="${target.child_id}"]`)
    await card.waitFor()
    await shot(page, 'phone-care-due')
    await card.click()
    await page.waitForURL(`**/children/${target.child_id}?tab=care`)
    const tab = page.locator('[data-test="child-care"]')
    await tab.locator('[data-test="care-colour-badge"]').waitFor()
    await checkFits('the child\'s care tab')
    await tab.locator('[data-test="record-visit"]').click()
    await page.waitForURL(`**/children/${target.child_id}/visit`)

    const form = page.locator('.visit-form')
    await form.waitFor()
    assert.equal(await form.locator('.el-date-editor input').inputValue(), await page.evaluate(() => {
      const d = new Date(Date.now() + 8 * 3600 * 1000)
      return d.toISOString().slice(0, 10)
    }), 'the visit date is today')
    await checkFits('the visit form')
    await shot(page, 'phone-care-visit-form')
    await shot(page, 'phone-care-visit-form-top', { fullPage: false })

    // without the people seen and the guardianship the form says what is missing
    await page.locator('[data-test="visit-save"]').click()
    await page.locator('[data-test="visit-error"]').waitFor()
    await form.getByText('请选择监护状况').waitFor()

    await form.locator('[data-test="visit-seen"]').getByText('儿童本人', { exact: true }).click()
    await page.locator('[data-test="visit-seen-other"]').fill('邻居')
    await form.locator('[data-test="visit-guardianship"] [data-value="none"]').click()
    await page.locator('[data-test="visit-schooling"]').fill('按时上学')
    await page.locator('[data-test="visit-health"]').fill('良好')
    await form.locator('[data-need="生活照料"]').click()
    await page.locator('[data-test="visit-notes"]').fill('父母均外出务工，儿童独自在家，无人照料。')
    const saved = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/children\/\d+\/visits$/.test(new URL(r.url()).pathname))
    await page.locator('[data-test="visit-save"]').click()
    const answer = await saved
    assert.equal(answer.status(), 201)
    const status = await answer.json()
    assert.equal(status.colour, 'red')

    await page.waitForURL(`**/children/${target.child_id}?tab=care`)
    const badge = page.locator('[data-test="care-colour-badge"]')
    await badge.waitFor()
    assert.equal(await badge.getAttribute('data-colour'), 'red')
    assert.match(await badge.innerText(), /红色/)
    const warning = page.locator('[data-test="care-warnings"] [data-rule="no_guardian"]')
    await warning.waitFor()
    assert.match(await warning.innerText(), /无人监护/)
    assert.match(await warning.innerText(), /最近一次走访监护状况/)
    const visit = page.locator('[data-test="visit-row"]').first()
    assert.match(await visit.innerText(), /儿童本人、邻居/)
    assert.match(await visit.innerText(), /生活照料/)
    assert.doesNotMatch((await page.locator('[data-test="visit-due"]').getAttribute('class')) || '', /overdue/, 'the visit is no longer overdue')
    await checkFits('the child\'s care tab after the visit')
    await shot(page, 'phone-care-after-visit')

    // the director puts the child in the key-care ledger (or takes it out), giving a reason
    const entering = (await page.locator('[data-test="ledger-enter"]').count()) > 0
    await page.locator(entering ? '[data-test="ledger-enter"]' : '[data-test="ledger-leave"]').click()
    const box = page.locator('.el-message-box:visible')
    await box.waitFor()
    await box.locator('.el-message-box__btns .el-button--primary').click()
    await box.locator('.el-message-box__errormsg', { hasText: '请填写原因' }).waitFor()
    const reason = entering ? '走访发现无人监护，纳入台账重点关注' : '已落实照料人，移出台账'
    await box.locator('textarea').fill(reason)
    const changed = page.waitForResponse((r) => /\/api\/children\/\d+\/ledger\/(enter|leave)$/.test(new URL(r.url()).pathname))
    await box.locator('.el-message-box__btns .el-button--primary').click()
    assert.equal((await changed).status(), 200)
    await page.locator('[data-test="ledger-state"]', { hasText: entering ? '已纳入台账' : '未纳入台账' }).waitFor()
    assert.ok((await page.locator('[data-test="care-ledger"]').innerText()).includes(reason), 'the reason is shown')
  })

  test('a case page fits the phone', async () => {
    const token = await apiLogin(server.url, 'zhuren1')
    const kids = await apiGet(server.url, token, '/api/care?view=all&page_size=1')
    const res = await fetch(server.url + '/api/cases', {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ child_id: kids.items[0].child_id, source: 'screening', title: '测试：走访发现需排查' }),
    })
    assert.equal(res.status, 201)
    const c = await res.json()
    await page.goto(server.url + '/cases/' + c.id)
    await page.locator('[data-test="case-stage"]', { hasText: '排查' }).waitFor()
    await page.locator('[data-test="move-close-without-risk"]').waitFor()
    await checkFits('the case page')
    await shot(page, 'phone-care-case')
    await page.goto(server.url + '/cases')
    await page.locator(`[data-test="case-cards"] [data-case="${c.id}"]`).waitFor()
    await checkFits('the case list')
    await shot(page, 'phone-care-cases', { fullPage: false })
  })
})
