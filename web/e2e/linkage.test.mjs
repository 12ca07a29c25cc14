// Department data through the browser: the county civil-affairs bureau uploads an education
// department list made from registry children (exact IDs, IDs missing with a homophone in the
// name), children not in the registry and two bad rows; sees the counts, the rejected rows and
// their download; a second upload of the same file is recognised. Then it decides a pair on the
// side-by-side comparison, undoes it, and finds the unregistered children. A department liaison
// may import but not review. The pages also work at phone width.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import {
  apiGet,
  apiLogin,
  horizontalOverflow,
  launchBrowser,
  login,
  makeChildId,
  makeChildName,
  pickOption,
  shot,
  startServer,
} from './helpers.mjs'

const HEADER = ['学生姓名', '身份证件号', '性别', '出生日期', '监护人姓名', '联系电话', '学校名称', '年级']
const PROFILE = '教育 随迁子女学籍'

// Same pinyin, another character: how names get mistyped in department systems.
const HOMOPHONES = {
  欣: '心', 涵: '含', 轩: '宣', 怡: '宜', 浩: '皓', 宇: '雨', 梓: '紫', 子: '紫', 萱: '宣', 然: '冉',
  雨: '宇', 婷: '亭', 杰: '洁', 明: '铭', 晨: '辰', 辰: '晨', 博: '波', 文: '雯', 佳: '嘉', 嘉: '佳',
  思: '丝', 睿: '瑞', 瑞: '睿', 泽: '择', 豪: '浩', 俊: '骏', 涛: '滔', 鑫: '新', 阳: '扬', 琪: '棋',
  悦: '月', 彤: '同', 昊: '浩', 航: '杭', 宁: '凝', 诗: '师', 妍: '研', 伟: '玮', 军: '君', 丽: '莉',
  华: '化', 静: '敬', 敏: '民', 强: '墙', 磊: '蕾', 洋: '阳', 艳: '燕', 勇: '永', 杨: '阳', 露: '路',
  瑶: '遥', 璐: '露', 颖: '莹', 倩: '茜', 鹏: '朋', 飞: '菲', 凯: '恺', 旭: '煦', 林: '琳', 琳: '林',
  一: '依', 依: '一', 奕: '亦', 亦: '奕', 可: '珂', 馨: '欣', 雪: '雪', 乐: '乐',
}

function homophoneName(name) {
  // leave the surname (first character) alone; change the last character that has a homophone
  for (let i = name.length - 1; i >= 1; i--) {
    const h = HOMOPHONES[name[i]]
    if (h && h !== name[i]) return name.slice(0, i) + h + name.slice(i + 1)
  }
  return null
}

const csvCell = (v) => (/[",\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v)
const sexZh = (s) => (s === 'M' ? '男' : s === 'F' ? '女' : '')

function rowOf(c, { name = c.name, id = c.id_number } = {}) {
  return [
    name,
    id || '',
    sexZh(c.sex),
    c.birth_date,
    c.guardian?.name || c.mother?.name || c.father?.name || '',
    c.guardian?.phone || c.mother?.phone || c.father?.phone || '',
    c.schooling?.school || '',
    c.schooling?.grade || '',
  ]
}

describe('department data: import, review, findings (xian_minzheng, 1366×768)', { timeout: 420000 }, () => {
  let server
  let browser
  let page
  let token
  let csv = ''
  let batchId = 0
  const exact = []
  const fuzzy = []
  const newKids = []

  before(async () => {
    server = await startServer({ children: 3000 })
    browser = await launchBrowser({ width: 1366, height: 768 })
    page = browser.page
    token = await apiLogin(server.url, 'xian_minzheng')
    const list = await apiGet(server.url, token, '/api/children?page_size=60')
    const kids = list.items.filter((c) => c.birth_date && c.sex && c.name)
    for (const c of kids) {
      if (exact.length < 3 && /^\d{17}[\dX]$/.test(c.id_number || '')) exact.push(c)
    }
    for (const c of kids) {
      if (fuzzy.length >= 2 || exact.includes(c)) continue
      const changed = homophoneName(c.name)
      if (changed) fuzzy.push({ child: c, name: changed })
    }
    for (const c of kids) {
      if (fuzzy.length >= 2) break
      if (!exact.includes(c) && !fuzzy.some((f) => f.child === c)) fuzzy.push({ child: c, name: c.name })
    }
    assert.equal(exact.length, 3, 'three registry children with a full ID')
    assert.equal(fuzzy.length, 2, 'two more registry children')

    const withId = makeChildId({ years: 9, sex: 'M' })
    newKids.push({ name: makeChildName() + '甲', id: withId.id, sex: 'M', birth_date: withId.birthDate })
    newKids.push({ name: makeChildName() + '乙', id: '', sex: 'F', birth_date: '2016-04-12' })

    const rows = [
      ...exact.map((c) => rowOf(c)),
      ...fuzzy.map((f) => rowOf(f.child, { name: f.name, id: '' })),
      ...newKids.map((k) => [k.name, k.id, sexZh(k.sex), k.birth_date, '测家长', '13912345678', '新华区实验小学', '三年级']),
      ['', '', '男', '2015-01-01', '测无名家长', '13800001111', '新华区实验小学', '四年级'], // line 9: no name
      ['测成年人', '', '女', '1990-06-15', '', '', '', ''], // line 10: an adult
    ]
    csv = [HEADER, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
  })

  after(async () => {
    if (browser) await browser.close()
    if (server) await server.stop()
  })

  async function chooseFileAndImport({ name = '随迁子女名单_测试.csv', text = csv } = {}) {
    await page.locator('input.el-upload__input').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') })
    await page.locator('.el-upload-list', { hasText: name }).waitFor()
    const answer = page.waitForResponse((r) => r.url().includes('/api/imports?') && r.request().method() === 'POST', { timeout: 90000 })
    await page.locator('[data-test="start-import"]').click()
    return answer
  }

  async function countOf(key) {
    return Number((await page.locator(`[data-test="count-${key}"] .count-value`).innerText()).replace(/,/g, ''))
  }

  test('imports the education list: counts, rejected rows with reasons, CSV download, duplicate file', async () => {
    await login(page, server.url, 'xian_minzheng')
    const menu = page.locator('.side-menu')
    await menu.getByText('数据比对').waitFor()
    for (const item of ['数据导入', '导入批次', '待核对', '比对发现']) await menu.getByText(item, { exact: true }).waitFor()
    await menu.getByText('数据导入', { exact: true }).click()
    await page.waitForURL('**/imports/new')

    await pickOption(page, page.locator('[data-test="profile-select"]'), PROFILE)
    const info = page.locator('[data-test="profile-info"]')
    await info.getByText('教育', { exact: true }).waitFor()
    for (const h of ['学生姓名', '身份证件号', '学校名称']) await info.locator('.col-tag', { hasText: h }).first().waitFor()

    // a file without the profile's columns: the server's reason, in Chinese, in an alert
    const wrong = await chooseFileAndImport({ name: '错误的文件.csv', text: '编号,备注\r\n1,无\r\n' })
    assert.equal(wrong.status(), 400)
    const wrongError = (await wrong.json()).error
    const alert = page.locator('[data-test="import-error"]')
    await alert.waitFor()
    assert.ok(wrongError.message && /[\u4e00-\u9fff]/.test(wrongError.message), `a Chinese message: ${wrongError.message}`)
    assert.ok((await alert.innerText()).includes(wrongError.message), 'the alert shows the server\'s message')
    await shot(page, 'desktop-import-error')

    const answer = await chooseFileAndImport()
    assert.equal(answer.status(), 201, 'the first upload creates a batch')
    await alert.waitFor({ state: 'detached' })
    const body = await answer.json()
    batchId = body.batch.id
    const result = page.locator('[data-test="import-result"]')
    await result.waitFor()

    assert.equal(await countOf('rows_total'), 9)
    assert.equal(await countOf('rows_loaded'), 7)
    assert.equal(await countOf('rows_rejected'), 2)
    assert.equal(await countOf('rows_duplicate'), 0)
    const linked = await countOf('linked')
    const review = await countOf('review')
    const unmatched = await countOf('unmatched')
    assert.equal(linked + review + unmatched, 7, `linked ${linked} + review ${review} + new ${unmatched} = the 7 loaded rows`)
    assert.ok(linked >= 3, `the 3 rows with the registry's IDs link (linked ${linked})`)
    assert.ok(unmatched >= 2, `the 2 children not in the registry are 未纳入 (new ${unmatched})`)

    // the rejected rows: line number and reason, next to the file's own columns
    const rejected = result.locator('[data-test="rows-rejected"] .el-table__body-wrapper tr.el-table__row')
    await rejected.first().waitFor()
    assert.equal(await rejected.count(), 2)
    const noName = rejected.filter({ hasText: '姓名为空' })
    assert.equal((await noName.locator('td').first().innerText()).trim(), '9')
    const adult = rejected.filter({ hasText: '已满18周岁' })
    assert.equal((await adult.locator('td').first().innerText()).trim(), '10')
    assert.match(await adult.innerText(), /测成年人/)
    await shot(page, 'desktop-import-result')

    // the rejected rows as CSV, fetched with the token and saved under a Chinese name
    const [download] = await Promise.all([page.waitForEvent('download'), result.locator('[data-test="download-rejected-csv"]').click()])
    assert.equal(download.suggestedFilename(), `被拒绝行_批次${batchId}.csv`)
    const text = readFileSync(await download.path(), 'utf8')
    assert.match(text, /行号/)
    assert.match(text, /原因/)
    assert.match(text, /姓名为空/)
    assert.match(text, /已满18周岁/)
    assert.match(text, /测成年人/)
    const [xlsx] = await Promise.all([page.waitForEvent('download'), result.locator('[data-test="download-rejected-xlsx"]').click()])
    assert.equal(xlsx.suggestedFilename(), `被拒绝行_批次${batchId}.xlsx`)
    assert.equal(readFileSync(await xlsx.path()).subarray(0, 2).toString('latin1'), 'PK', 'an .xlsx (zip) file')

    // the same file again: nothing new, and the earlier batch is named
    await result.locator('[data-test="import-again"]').click()
    await result.waitFor({ state: 'detached' })
    const again = await chooseFileAndImport()
    assert.equal(again.status(), 200)
    const notice = page.locator('[data-test="duplicate-notice"]')
    await notice.waitFor()
    assert.match(await notice.innerText(), /该文件此前已导入，未新增任何记录/)
    await notice.locator('[data-test="duplicate-batch-link"]').click()
    await page.waitForURL(`**/imports/${batchId}`)
    await page.locator('.page-title', { hasText: `批次 ${batchId}` }).waitFor()
    await page.locator('[data-test="rows-rejected"] .el-table__row', { hasText: '姓名为空' }).waitFor()
    // the loaded rows, and linking the batch again (rows decided by a person stay as they are)
    await page.locator('.el-tabs__item', { hasText: '已导入' }).click()
    await page.locator('[data-test="rows-loaded"] .el-table__row', { hasText: newKids[0].name }).waitFor()
    const relinked = page.waitForResponse((r) => r.url().endsWith(`/api/imports/${batchId}/relink`))
    await page.locator('[data-test="relink"]').click()
    assert.equal((await relinked).status(), 200)
    await page.locator('.el-message--success', { hasText: '重新比对完成' }).waitFor()
  })

  test('decides a pair on the side-by-side comparison, then undoes it', async () => {
    const links = (state) => apiGet(server.url, token, `/api/links?state=${state}&batch=${batchId}&page_size=100`)
    let reviewItems = (await links('review')).items
    if (!reviewItems.length) {
      // nothing uncertain this time: send one of the fuzzy rows (or any linked row) back to review
      // through the UI first
      const linkedItems = (await links('linked')).items
      const pick = linkedItems.find((it) => !it.record.id_number) || linkedItems[0]
      assert.ok(pick, 'the batch has linked rows')
      await page.goto(server.url + `/links/review?tab=linked&batch=${batchId}`)
      await page.locator(`[data-test="open-${pick.record.id}"]`).click()
      await decide('undo', '撤销关联')
      await page.locator('[data-test="link-state"]', { hasText: '待核对' }).waitFor()
      reviewItems = (await links('review')).items
    }
    const rid = reviewItems[0].record.id

    await page.locator('.side-menu').getByText('待核对', { exact: true }).click()
    await page.waitForURL('**/links/review')
    await page.locator('[data-test="list-review"] .el-table__row').first().waitFor()
    // this batch's pairs (the demo county's own files have some too)
    await page.goto(server.url + `/links/review?batch=${batchId}`)
    await page.locator('[data-test="batch-filter"]', { hasText: `批次 ${batchId}` }).waitFor()
    const row = page.locator(`[data-test="open-${rid}"]`)
    await row.click()
    await page.waitForURL(`**/links/${rid}**`)
    await page.locator('[data-test="link-state"]', { hasText: '待核对' }).waitFor()

    // 部门数据 | 儿童档案, field by field, with the agreement level as a coloured tag
    const cmp = page.locator('[data-test="comparison"]')
    await cmp.locator('th', { hasText: '部门数据' }).waitFor()
    await cmp.locator('th', { hasText: '儿童档案' }).waitFor()
    const nameRow = cmp.locator('tbody tr', { hasText: '姓名' }).first()
    await nameRow.waitFor()
    const tag = nameRow.locator('.level-tag')
    assert.ok((await tag.innerText()).trim().length > 0, 'the name row has a level')
    assert.match(await tag.getAttribute('class'), /el-tag--(success|warning|danger|info)/)
    assert.match(await nameRow.locator('.c-bits').innerText(), /^([+−]\d+\.\d|0)$/)
    assert.match(await page.locator('[data-test="probability"]').innerText(), /\d+(\.\d)?%/)
    await page.locator('[data-test="record-raw"]', { hasText: '学生姓名' }).waitFor()
    await shot(page, 'desktop-link-comparison')

    await decide('accept', '确认为同一人', '已电话核实')
    // after the decision the next pair (or the list) opens; the pair is now among the linked ones
    await page.waitForURL((u) => u.pathname !== `/links/${rid}`)
    await page.goto(server.url + `/links/review?tab=linked&batch=${batchId}`)
    await page.locator(`[data-test="open-${rid}"]`).click()
    await page.locator('[data-test="link-state"]', { hasText: '已关联' }).waitFor()
    await page.locator('[data-test="events"]', { hasText: '已电话核实' }).waitFor()

    await decide('undo', '撤销关联', '误关联，重新核对')
    await page.locator('[data-test="link-state"]', { hasText: '待核对' }).waitFor()
    await page.goto(server.url + `/links/review?batch=${batchId}`)
    await page.locator(`[data-test="open-${rid}"]`).waitFor()
  })

  test('a decision someone else made first is reported and the page reloads', async () => {
    const item = (await apiGet(server.url, token, `/api/links?state=review&batch=${batchId}&page_size=1`)).items[0]
    assert.ok(item, 'a pair waits for review')
    const rid = item.record.id
    await page.goto(server.url + `/links/${rid}`)
    await page.locator('[data-test="link-state"]', { hasText: '待核对' }).waitFor()
    // another reviewer accepts it meanwhile
    const res = await fetch(server.url + `/api/links/${rid}/accept`, {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ note: '另一位核对人' }),
    })
    assert.equal(res.status, 200)
    const answer = await decide('reject', '不是同一人')
    assert.equal(answer.status(), 409)
    assert.equal((await answer.json()).error.code, 'link_state_changed')
    await page.locator('.el-message--warning').first().waitFor()
    await page.locator('[data-test="link-state"]', { hasText: '已关联' }).waitFor()
  })

  test('a 未纳入 row can be linked to its closest child by hand, and put back', async () => {
    // a row of the demo county's own files (this test's new children stay unregistered)
    const rows = (await apiGet(server.url, token, '/api/links?state=new&page_size=100')).items
    const item = rows.find((it) => it.child && it.record.batch_id !== batchId)
    assert.ok(item, 'a 未纳入 row with a closest child')
    const rid = item.record.id
    await page.goto(server.url + '/links/review?tab=new')
    await page.locator('[data-test="list-new"] .el-table__row').first().waitFor()
    await page.goto(server.url + `/links/${rid}?queue=new`)
    await page.locator('[data-test="link-state"]', { hasText: '未纳入' }).waitFor()
    await page.locator('.head-sub', { hasText: '最接近的档案' }).waitFor()
    assert.equal(await page.locator('[data-test="accept"]').count(), 0)
    const linked = await decide('link-to-child', '关联到该儿童', '监护人电话核实为同一人')
    assert.equal(linked.status(), 200)
    assert.equal(JSON.parse(linked.request().postData()).child_id, item.child.id)
    await page.locator('[data-test="link-state"]', { hasText: '已关联' }).waitFor()
    await page.locator('[data-test="child-link"]', { hasText: item.child.name }).waitFor()
    // back as it was: undo (→ 待核对), then 不是同一人 (→ 未纳入)
    await decide('undo', '撤销关联')
    await page.locator('[data-test="link-state"]', { hasText: '待核对' }).waitFor()
    await decide('reject', '不是同一人')
    await page.waitForURL((u) => u.pathname !== `/links/${rid}`)
    const after = await apiGet(server.url, token, `/api/links/${rid}`)
    assert.equal(after.link.state, 'new')
    assert.deepEqual(
      after.events.slice(0, 3).map((e) => e.event),
      ['reject', 'undo', 'accept'],
    )
  })

  test('findings: the children not in the registry are listed as 未纳入', async () => {
    const summary = await apiGet(server.url, token, '/api/findings')
    await page.locator('.side-menu').getByText('比对发现', { exact: true }).click()
    await page.waitForURL('**/findings')
    const count = page.locator('[data-test="count-unregistered"]')
    // the count shows 0 until the summary has loaded: wait for the server's figure
    const expected = String(summary.unregistered.total)
    await page.waitForFunction(
      (want) => (document.querySelector('[data-test="count-unregistered"]')?.innerText || '').replace(/[^\d]/g, '') === want,
      expected,
    )
    const shown = Number((await count.innerText()).replace(/[^\d]/g, ''))
    assert.ok(shown >= 2, `未纳入 ${shown}`)
    assert.equal(shown, summary.unregistered.total)
    await page.locator('[data-test="finding-unregistered"]', { hasText: '教育' }).waitFor()
    // the education rule is computed now that enrolment data exists; a rule without data says so
    await page.locator('[data-test="need-school_age_no_enrolment"] .need-count').waitFor()
    const missing = summary.needs.find((n) => !n.available)
    if (missing) await page.locator(`[data-test="need-${missing.id}"]`, { hasText: '尚未导入相关部门数据' }).waitFor()
    await shot(page, 'desktop-findings')

    // the list (20 a page): find on which pages the new children are, and look there
    await count.click()
    const list = page.locator('[data-test="finding-list"]')
    await list.locator('.el-table__row').first().waitFor()
    for (const k of newKids) {
      let where = 0
      for (let p = 1; !where && (p - 1) * 20 < summary.unregistered.total; p++) {
        const res = await apiGet(server.url, token, `/api/findings/unregistered?page=${p}&page_size=20`)
        if (res.items.some((it) => it.record.name === k.name)) where = p
      }
      assert.ok(where, `${k.name} is among the 未纳入 rows`)
      if (where > 1) await page.goto(server.url + `/findings?list=unregistered&page=${where}`)
      await list.locator('.el-table__row', { hasText: k.name }).first().waitFor()
    }
    await shot(page, 'desktop-findings-list')
    const [xlsx] = await Promise.all([page.waitForEvent('download'), list.locator('[data-test="export"]').click()])
    assert.match(xlsx.suggestedFilename(), /^比对发现_未纳入_\d{4}-\d{2}-\d{2}\.xlsx$/)
  })

  test('the child file shows the department row linked to it', async () => {
    await page.goto(server.url + `/children/${exact[0].id}?tab=sources`)
    const sources = page.locator('[data-test="sources"]')
    await sources.locator('.source', { hasText: '教育 随迁子女学籍' }).first().waitFor()
    assert.match(await sources.innerText(), /身份证号一致/)
    assert.match(await sources.innerText(), new RegExp(exact[0].name))
  })

  test('phone width: review list, comparison, findings and import page fit the screen', async () => {
    const phone = await launchBrowser({ width: 390, height: 844 })
    try {
      const p = phone.page
      await login(p, server.url, 'xian_minzheng')
      // The linker decides the demo's files without doubt; put one linked pair back under review.
      const token = await apiLogin(server.url, 'xian_minzheng')
      const queued = await apiGet(server.url, token, '/api/links?state=review&page_size=1')
      if (queued.total === 0) {
        const linked = await apiGet(server.url, token, '/api/links?state=linked&page_size=1')
        const res = await fetch(`${server.url}/api/links/${linked.items[0].record.id}/undo`, {
          method: 'POST',
          headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
          body: JSON.stringify({ note: '手机端核对测试' }),
        })
        assert.equal(res.status, 200)
      }
      const fits = async (what) => {
        const o = await horizontalOverflow(p)
        assert.ok(o.doc <= 0, `${what}: the page scrolls sideways by ${o.doc}px`)
        assert.ok(o.main <= 0, `${what}: the main content overflows by ${o.main}px`)
      }
      await p.goto(server.url + '/links/review')
      const card = p.locator('[data-test="pair-list"] .pair-card').first()
      await card.waitFor()
      await fits('review list')
      await shot(p, 'phone-link-review')
      await card.click()
      await p.waitForURL(/\/links\/\d+/)
      await p.locator('[data-test="comparison"] .field-card', { hasText: '姓名' }).first().waitFor()
      await p.locator('[data-test="accept"]').waitFor()
      await fits('comparison')
      await shot(p, 'phone-link-comparison')
      await shot(p, 'phone-link-comparison-top', { fullPage: false })

      await p.goto(server.url + '/findings?list=unregistered')
      await p.locator('[data-test="finding-list"] .rec-card').first().waitFor()
      await fits('findings')
      await shot(p, 'phone-findings')
      await shot(p, 'phone-findings-top', { fullPage: false })

      await p.goto(server.url + `/imports/${batchId}`)
      await p.locator('[data-test="rows-rejected"] .row-card').first().waitFor()
      await fits('batch')
      await shot(p, 'phone-import-batch')

      await p.goto(server.url + '/imports/new')
      await p.locator('[data-test="profile-select"]').waitFor()
      await fits('import')
      await shot(p, 'phone-import-new', { fullPage: false })
    } finally {
      await phone.close()
    }
  })

  test('a department liaison may import but not review', async () => {
    await page.evaluate(() => sessionStorage.clear())
    await login(page, server.url, 'bumen_jiaoyu')
    // no child files for a liaison: the first page is their department's open services
    await page.waitForURL('**/services/open-items')
    const menu = page.locator('.side-menu')
    await menu.getByText('数据导入', { exact: true }).waitFor()
    assert.equal(await menu.getByText('待核对', { exact: true }).count(), 0)
    assert.equal(await menu.getByText('比对发现', { exact: true }).count(), 0)
    assert.equal(await menu.getByText('儿童列表', { exact: true }).count(), 0)
    await menu.getByText('数据导入', { exact: true }).click()
    await page.waitForURL('**/imports/new')
    await page.locator('[data-test="profile-select"]').waitFor()
    await page.goto(server.url + '/links/review')
    await page.locator('[data-test="no-access"]').waitFor()
    await page.goto(server.url + '/findings')
    await page.locator('[data-test="no-access"]').waitFor()
  })

  // Confirms a decision in the note dialog (el-message-box prompt).
  async function decide(action, title, note = '') {
    await page.locator(`[data-test="${action}"]`).click()
    const box = page.locator('.el-message-box', { hasText: title })
    await box.waitFor()
    if (note) await box.locator('textarea').fill(note)
    const route = action === 'link-to-child' ? 'accept' : action
    const answer = page.waitForResponse((r) => r.url().includes(`/${route}`) && r.request().method() === 'POST')
    await box.locator('.el-message-box__btns .el-button--primary').click()
    return answer
  }
})
