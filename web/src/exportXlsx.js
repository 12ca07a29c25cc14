// Export of the filtered child list to .xlsx. Values are written exactly as the API returned
// them, so masked ID numbers stay masked. The writer is loaded only when someone exports.
import { api } from './api.js'
import { enumName } from './session.js'
import { fmtDate, fmtDateTime, sexName, todayIso } from './format.js'

// The server's limit for one export (GET /api/children/export); above it the user narrows the filters.
export const EXPORT_LIMIT = 20000
// Above this many children the server asks the export's purpose (reason), kept in the audit log.
export const EXPORT_REASON_ABOVE = 200

// One request for the whole filtered list (GET /api/children/export): the server audits it as one
// export (child.export), not as a series of searches. Above EXPORT_LIMIT rows it answers 400
// export_too_large, whose Chinese message the caller shows.
export async function fetchAllChildren(params) {
  const res = await api.exportChildren(params)
  return res.items || []
}

export async function writeChildrenXlsx(rows, { title, filename }) {
  const { default: writeExcelFile } = await import('write-excel-file/browser')
  const head = (value) => ({ value, fontWeight: 'bold', backgroundColor: '#DCE6F2', align: 'center' })
  const columns = [
    { header: '序号', width: 7 },
    { header: '姓名', width: 10 },
    { header: '性别', width: 6 },
    { header: '出生日期', width: 12 },
    { header: '年龄', width: 6 },
    { header: '身份证号', width: 21 },
    { header: '居住地', width: 36 },
    { header: '详细地址', width: 28 },
    { header: '户籍地', width: 30 },
    { header: '类别', width: 24 },
    { header: '年龄段', width: 14 },
    { header: '登记日期', width: 12 },
  ]
  const data = [
    [{ value: title, fontWeight: 'bold', fontSize: 14, columnSpan: columns.length }, ...Array(columns.length - 1).fill(null)],
    [{ value: `导出时间：${fmtDateTime(new Date().toISOString())}　共 ${rows.length} 人　（未成年人个人信息，注意保密）`, columnSpan: columns.length }, ...Array(columns.length - 1).fill(null)],
    columns.map((c) => head(c.header)),
    ...rows.map((c, i) => [
      i + 1,
      c.name,
      sexName(c.sex),
      fmtDate(c.birth_date),
      c.age,
      { value: c.id_number || '', type: String },
      c.region_name || c.region_code,
      c.address || '',
      c.hukou_region_name || c.hukou_region_code || '',
      (c.classes || []).map((x) => enumName('classes', x)).join('、'),
      (c.age_groups || []).map((x) => enumName('age_groups', x)).join('、'),
      fmtDate(c.created_at),
    ]),
  ]
  await writeExcelFile(data, { columns: columns.map((c) => ({ width: c.width })), stickyRowsCount: 3 }).toFile(
    filename || `儿童名单_${todayIso()}.xlsx`,
  )
}

// Any list as .xlsx: columns [{header, width, value: (row) => cell}], a title row and a line with
// the export time and count on top. Used for the department-data findings.
export async function writeSheetXlsx(rows, { title, columns, filename, unit = '条' }) {
  const { default: writeExcelFile } = await import('write-excel-file/browser')
  const head = (value) => ({ value, fontWeight: 'bold', backgroundColor: '#DCE6F2', align: 'center' })
  const n = columns.length + 1
  const data = [
    [{ value: title, fontWeight: 'bold', fontSize: 14, columnSpan: n }, ...Array(n - 1).fill(null)],
    [{ value: `导出时间：${fmtDateTime(new Date().toISOString())}　共 ${rows.length} ${unit}　（未成年人个人信息，注意保密）`, columnSpan: n }, ...Array(n - 1).fill(null)],
    [head('序号'), ...columns.map((c) => head(c.header))],
    ...rows.map((r, i) => [i + 1, ...columns.map((c) => ({ value: String(c.value(r) ?? ''), type: String }))]),
  ]
  await writeExcelFile(data, { columns: [{ width: 7 }, ...columns.map((c) => ({ width: c.width || 14 }))], stickyRowsCount: 3 }).toFile(filename)
}
