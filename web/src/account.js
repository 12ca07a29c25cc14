// Account security helpers shared by the password forms, the second-factor setup and the audit
// log: the password rule (the server's, checked here too for a quick answer) and Chinese labels.

export const PASSWORD_RULE = '10至128位，须包含大写字母、小写字母、数字、符号中的至少三类，且不能包含用户名'

// The server's message for a password that breaks the rule, or '' (the server decides in the end).
export function passwordProblem(password, username) {
  const chars = [...(password || '')]
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password || '')).length
  if (chars.length < 10 || chars.length > 128 || kinds < 3) return '密码须为10至128位，且包含大写字母、小写字母、数字、符号中的至少三类'
  if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) return '密码不能包含用户名'
  return ''
}

// The base32 secret in groups of four, easier to type into an authenticator by hand.
export function groupSecret(secret) {
  return (secret || '').replace(/(.{4})/g, '$1 ').trim()
}

// Audit log: the families (a prefix ending in ".") and the actions, with Chinese names.
export const AUDIT_FAMILIES = [
  { code: 'login', name: '登录', actions: [['login', '登录'], ['logout', '退出登录'], ['account.lock', '账号锁定']] },
  {
    code: 'account',
    name: '本人账号安全',
    actions: [
      ['password.change', '修改密码'],
      ['totp.begin', '开始设置动态验证码'],
      ['totp.enable', '启用动态验证码'],
      ['totp.disable', '停用动态验证码'],
    ],
  },
  {
    code: 'user.',
    name: '账号管理',
    actions: [
      ['user.create', '新增用户'],
      ['user.disable', '停用账号'],
      ['user.enable', '启用账号'],
      ['user.unlock', '解锁账号'],
      ['user.reset_password', '重置密码'],
      ['user.reset_totp', '重置动态验证码'],
    ],
  },
  {
    code: 'child.',
    name: '儿童档案',
    actions: [
      ['child.read', '查阅档案'],
      ['child.search', '查询名单'],
      ['child.export', '导出名单'],
      ['child.create', '登记儿童'],
      ['child.update', '修改档案'],
      ['child.history', '查看修改记录'],
      ['child.sources', '查看来源数据'],
      ['child.services', '查看服务记录'],
    ],
  },
  {
    code: 'care.',
    name: '关爱台账',
    actions: [['care.read', '查看关爱信息'], ['care.list', '查询台账']],
  },
  { code: 'visit.', name: '走访', actions: [['visit.create', '记录走访']] },
  {
    code: 'case.',
    name: '个案',
    actions: [['case.read', '查看个案'], ['case.create', '新建个案'], ['case.transition', '个案处理']],
  },
  {
    code: 'referral.',
    name: '转介',
    actions: [['referral.read', '查看转介'], ['referral.create', '发起转介']],
  },
  {
    code: 'transfer.',
    name: '迁移',
    actions: [['transfer.request', '申请迁出'], ['transfer.accept', '接收迁入'], ['transfer.reject', '拒收迁入']],
  },
  { code: 'push.', name: '户籍地推送', actions: [['push.create', '推送户籍地'], ['push.reply', '回复推送']] },
  {
    code: 'delivery.',
    name: '服务记录',
    actions: [['delivery.create', '记录服务'], ['delivery.void', '作废服务记录'], ['delivery.list', '查询服务记录']],
  },
  { code: 'services.', name: '服务查询', actions: [['services.open_items', '查询待办服务'], ['services.unmet', '查询未满足需求']] },
  { code: 'provider.', name: '服务资源', actions: [['provider.create', '新增服务资源'], ['provider.update', '修改服务资源']] },
  {
    code: 'activity.',
    name: '活动',
    actions: [
      ['activity.create', '新建活动'],
      ['activity.status', '变更活动状态'],
      ['activity.sign_up', '活动报名'],
      ['activity.withdraw', '取消报名'],
      ['activity.attendance', '记录出勤'],
    ],
  },
  { code: 'pairing.', name: '结对帮扶', actions: [['pairing.create', '建立结对'], ['pairing.end', '结束结对']] },
  {
    code: 'import',
    name: '数据导入与比对',
    actions: [
      ['import', '导入数据'],
      ['import.rows', '查看导入明细'],
      ['import.relink', '重新比对'],
      ['import.rejected_download', '下载未导入行'],
      ['link.list', '查询比对结果'],
      ['link.read', '查看比对详情'],
      ['findings.read', '查看比对发现名单'],
      ['findings.summary', '查看比对发现'],
    ],
  },
  {
    code: 'stats.',
    name: '统计',
    actions: [['stats.children', '查看统计名单'], ['stats.export', '导出统计'], ['stats.dispatch', '查看月调度']],
  },
  {
    code: 'round.',
    name: '监测摸排',
    actions: [['round.open', '开启摸排'], ['round.confirm', '确认摸排'], ['round.close', '结束摸排'], ['round.changes', '查看变化名单']],
  },
  { code: 'rules', name: '规则与清单', actions: [['rules.save', '保存预警规则'], ['catalogue.save', '保存服务清单']] },
  { code: 'audit.', name: '审计', actions: [['audit.search', '查询审计日志'], ['audit.verify', '校验审计日志']] },
]

const ACTION_NAMES = Object.fromEntries(AUDIT_FAMILIES.flatMap((f) => f.actions))
const FAMILY_PREFIX = Object.fromEntries(
  AUDIT_FAMILIES.filter((f) => f.code.endsWith('.')).map((f) => [f.code, f.name]),
)

// Options of the 操作 filter: a family prefix (only the real "x." ones) then its actions.
export function auditActionGroups() {
  return AUDIT_FAMILIES.map((f) => ({
    label: f.name,
    options: [
      ...(f.code.endsWith('.') ? [{ value: f.code, label: `全部${f.name}操作` }] : []),
      ...f.actions.map(([value, label]) => ({ value, label })),
    ],
  }))
}

// Chinese name of an action code; an unlisted action of a known family says its family.
export function auditActionName(code) {
  if (ACTION_NAMES[code]) return ACTION_NAMES[code]
  const dot = (code || '').indexOf('.')
  if (dot > 0 && FAMILY_PREFIX[code.slice(0, dot + 1)]) return FAMILY_PREFIX[code.slice(0, dot + 1)]
  return code
}

export const AUDIT_RESULTS = [
  { code: 'ok', name: '成功', tag: 'success' },
  { code: 'denied', name: '拒绝', tag: 'danger' },
  { code: 'locked', name: '账号锁定', tag: 'danger' },
  { code: 'otp_required', name: '需动态验证码', tag: 'warning' },
  { code: 'not_found', name: '未找到', tag: 'info' },
  { code: 'invalid', name: '无效请求', tag: 'warning' },
]

export function auditResult(code) {
  return AUDIT_RESULTS.find((r) => r.code === code) || { code, name: code, tag: 'info' }
}
