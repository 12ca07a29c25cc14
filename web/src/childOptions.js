// Suggested values for the free-text fields of a child's file (people may also type their own).
export const ETHNICITIES = [
  '汉族', '回族', '满族', '蒙古族', '壮族', '维吾尔族', '苗族', '彝族', '土家族', '藏族', '布依族', '侗族', '瑶族',
  '朝鲜族', '白族', '哈尼族', '哈萨克族', '黎族', '傣族', '畲族', '傈僳族', '仡佬族', '东乡族', '高山族', '拉祜族',
  '水族', '佤族', '纳西族', '羌族', '土族', '仫佬族', '锡伯族', '柯尔克孜族', '达斡尔族', '景颇族', '毛南族',
  '撒拉族', '布朗族', '塔吉克族', '阿昌族', '普米族', '鄂温克族', '怒族', '京族', '基诺族', '德昂族', '保安族',
  '俄罗斯族', '裕固族', '乌孜别克族', '门巴族', '鄂伦春族', '独龙族', '塔塔尔族', '赫哲族', '珞巴族',
]

export const SCHOOLING_STATUS = ['未到入学年龄', '在园', '在读', '休学', '辍学', '未入学', '送教上门', '已毕业']

export const GUARDIAN_RELATIONS = ['父亲', '母亲', '祖父', '祖母', '外祖父', '外祖母', '兄姐', '其他亲属', '机构', '其他']

export const BENEFITS = [
  '低保',
  '特困供养',
  '孤儿基本生活费',
  '事实无人抚养儿童基本生活补贴',
  '残疾儿童康复救助',
  '困难残疾人生活补贴',
  '重度残疾人护理补贴',
  '教育资助',
  '医疗救助',
  '临时救助',
]

export const NEEDS = [
  '学业辅导',
  '课后托管',
  '心理疏导',
  '亲情陪伴',
  '医疗康复',
  '生活照料',
  '安全教育',
  '法律援助',
  '入学协助',
  '户籍办理',
]

export function emptyChild(regionCode = '') {
  return {
    name: '',
    id_number: '',
    sex: '',
    birth_date: '',
    ethnicity: '汉族',
    region_code: regionCode,
    address: '',
    residence_since: '',
    hukou_region_code: '',
    hukou_address: '',
    living_with: 'both_parents',
    father: { name: '', id_number: '', phone: '', status: 'unknown' },
    mother: { name: '', id_number: '', phone: '', status: 'unknown' },
    guardian: { name: '', relation: '', id_number: '', phone: '', capable: true },
    family_economy: 'none',
    disability: 'none',
    serious_illness: false,
    vagrant: false,
    psych_abnormal: false,
    asked_for_help: false,
    schooling: { status: '', school: '', grade: '' },
    health: { has_health_record: false, vaccinated: false, notes: '' },
    benefits: [],
    needs: [],
    notes: '',
  }
}

// Exactly the ChildInput fields of docs/api.md (the server refuses unknown ones).
export function toChildInput(f) {
  const s = (v) => (v === null || v === undefined ? '' : String(v).trim())
  return {
    name: s(f.name),
    id_number: s(f.id_number).toUpperCase(),
    sex: f.sex,
    birth_date: s(f.birth_date),
    ethnicity: s(f.ethnicity),
    region_code: s(f.region_code),
    address: s(f.address),
    residence_since: s(f.residence_since) || null,
    hukou_region_code: s(f.hukou_region_code),
    hukou_address: s(f.hukou_address),
    living_with: f.living_with,
    father: { name: s(f.father.name), id_number: s(f.father.id_number).toUpperCase(), phone: s(f.father.phone), status: f.father.status },
    mother: { name: s(f.mother.name), id_number: s(f.mother.id_number).toUpperCase(), phone: s(f.mother.phone), status: f.mother.status },
    guardian: {
      name: s(f.guardian.name),
      relation: s(f.guardian.relation),
      id_number: s(f.guardian.id_number).toUpperCase(),
      phone: s(f.guardian.phone),
      capable: !!f.guardian.capable,
    },
    family_economy: f.family_economy,
    disability: f.disability,
    serious_illness: !!f.serious_illness,
    vagrant: !!f.vagrant,
    psych_abnormal: !!f.psych_abnormal,
    asked_for_help: !!f.asked_for_help,
    schooling: { status: s(f.schooling.status), school: s(f.schooling.school), grade: s(f.schooling.grade) },
    health: { has_health_record: !!f.health.has_health_record, vaccinated: !!f.health.vaccinated, notes: s(f.health.notes) },
    benefits: [...(f.benefits || [])],
    needs: [...(f.needs || [])],
    notes: s(f.notes),
  }
}

// A stored child (as GET returns it) as an editable form value.
export function fromChild(c) {
  const base = emptyChild()
  const input = toChildInput({
    ...base,
    ...c,
    father: { ...base.father, ...(c.father || {}) },
    mother: { ...base.mother, ...(c.mother || {}) },
    guardian: { ...base.guardian, ...(c.guardian || {}) },
    schooling: { ...base.schooling, ...(c.schooling || {}) },
    health: { ...base.health, ...(c.health || {}) },
  })
  input.residence_since = input.residence_since || ''
  return input
}

// Phone numbers as the server accepts them: 7-13 characters of digits and dashes.
export function phoneProblem(phone) {
  if (!phone) return ''
  if (!/^[0-9-]{7,13}$/.test(phone)) return '电话号码格式不正确（手机号11位，座机含区号）'
  if (/^1/.test(phone) && !/^1\d{10}$/.test(phone)) return '手机号应为11位数字'
  return ''
}

const PERSON = { father: '父亲', mother: '母亲', guardian: '监护人' }
const FIELD_LABELS = {
  name: '姓名',
  id_number: '身份证号',
  sex: '性别',
  birth_date: '出生日期',
  ethnicity: '民族',
  region_code: '居住村（社区）',
  address: '现住址',
  residence_since: '在本地居住起始',
  hukou_region_code: '户籍地代码',
  hukou_address: '户籍地址',
  living_with: '与谁共同生活',
  family_economy: '家庭经济状况',
  disability: '残疾等级',
  serious_illness: '患重病',
  vagrant: '流浪',
  psych_abnormal: '心理或行为异常',
  asked_for_help: '本人或家庭求助',
  'schooling.status': '就学状况',
  'schooling.school': '学校',
  'schooling.grade': '年级',
  'health.has_health_record': '已建健康档案',
  'health.vaccinated': '按时接种疫苗',
  'health.notes': '健康情况说明',
  benefits: '已享受保障',
  needs: '需求',
  notes: '备注',
  phone: '联系电话',
  status: '状况',
  relation: '与儿童关系',
  capable: '有监护能力',
}

// "father.phone" -> "父亲·联系电话"
export function fieldLabel(path) {
  if (path === '*') return '建立档案' // the server's history row for the record's creation
  if (FIELD_LABELS[path]) return FIELD_LABELS[path]
  const [head, ...rest] = path.split('.')
  if (PERSON[head] && rest.length) return PERSON[head] + '·' + (FIELD_LABELS[rest.join('.')] || rest.join('.'))
  return path
}

// A history value ("true", "working_away", "M") in words.
export function fieldValue(path, value, enumName) {
  if (path === '*') return value || '—'
  if (value === '' || value === null || value === undefined) return '（空）'
  if (value === 'true') return '是'
  if (value === 'false') return '否'
  const last = path.split('.').pop()
  if (last === 'sex') return value === 'M' ? '男' : value === 'F' ? '女' : value
  if (last === 'status' && path !== 'schooling.status') return enumName('parent_status', value)
  if (['living_with', 'family_economy', 'disability'].includes(last)) return enumName(last, value)
  return value
}
