import { createRouter, createWebHistory } from 'vue-router'
import { ElMessage } from 'element-plus'
import { setPasswordChangeHandler, setUnauthenticatedHandler } from './api.js'
import { can, clearSession, homeRoute, mustChangePassword, restoreSession, session } from './session.js'
import MainLayout from './layouts/MainLayout.vue'
import LoginView from './views/LoginView.vue'

const routes = [
  { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: '登录' } },
  {
    path: '/change-password',
    name: 'change-password',
    component: () => import('./views/ChangePasswordView.vue'),
    meta: { title: '修改初始密码' },
  },
  {
    path: '/children/:id(\\d+)/print',
    name: 'child-print',
    component: () => import('./views/ChildPrintView.vue'),
    meta: { title: '打印档案', permission: 'read_children' },
  },
  {
    path: '/',
    component: MainLayout,
    children: [
      { path: '', name: 'dashboard', component: () => import('./views/DashboardView.vue'), meta: { title: '首页', permission: 'read_children' } },
      { path: 'children', name: 'children', component: () => import('./views/ChildListView.vue'), meta: { title: '儿童列表', permission: 'read_children' } },
      { path: 'children/new', name: 'child-new', component: () => import('./views/ChildRegisterView.vue'), meta: { title: '登记儿童', permission: 'create_children' } },
      { path: 'children/:id', name: 'child', component: () => import('./views/ChildFileView.vue'), meta: { title: '一人一档', permission: 'read_children' } },
      { path: 'children/:id/edit', name: 'child-edit', component: () => import('./views/ChildEditView.vue'), meta: { title: '编辑档案', permission: 'update_children' } },
      { path: 'children/:id(\\d+)/visit', name: 'care-visit', component: () => import('./views/VisitView.vue'), meta: { title: '记录走访', permission: 'record_visits' } },
      { path: 'care', name: 'care', component: () => import('./views/CareLedgerView.vue'), meta: { title: '关爱台账', permission: 'read_children' } },
      { path: 'care/rules', name: 'care-rules', component: () => import('./views/CareRulesView.vue'), meta: { title: '预警规则', permission: 'manage_rules' } },
      { path: 'cases', name: 'cases', component: () => import('./views/CaseListView.vue'), meta: { title: '个案管理', permission: 'read_children' } },
      { path: 'cases/:id(\\d+)', name: 'case', component: () => import('./views/CaseDetailView.vue'), meta: { title: '个案详情', permission: 'read_children' } },
      { path: 'referrals', name: 'referrals', component: () => import('./views/ReferralListView.vue'), meta: { title: '转介', permission: ['read_children', 'receive_referrals'] } },
      { path: 'referrals/:id(\\d+)', name: 'referral', component: () => import('./views/ReferralDetailView.vue'), meta: { title: '转介详情', permission: ['read_children', 'receive_referrals'] } },
      { path: 'services/catalogue', name: 'services-catalogue', component: () => import('./views/ServiceCatalogueView.vue'), meta: { title: '服务清单', permission: ['read_children', 'manage_rules'] } },
      { path: 'services/coverage', name: 'services-coverage', component: () => import('./views/ServiceCoverageView.vue'), meta: { title: '服务覆盖', permission: 'read_children' } },
      { path: 'services/open-items', name: 'services-open', component: () => import('./views/ServiceOpenItemsView.vue'), meta: { title: '待办服务', permission: ['read_children', 'record_deliveries'] } },
      { path: 'services/needs', name: 'services-needs', component: () => import('./views/ServiceNeedsView.vue'), meta: { title: '供需对接', permission: 'read_children' } },
      { path: 'services/providers', name: 'providers', component: () => import('./views/ProviderListView.vue'), meta: { title: '服务资源', permission: 'read_children' } },
      { path: 'services/providers/:id(\\d+)', name: 'provider', component: () => import('./views/ProviderDetailView.vue'), meta: { title: '服务资源详情', permission: 'read_children' } },
      { path: 'services/activities/:id(\\d+)', name: 'activity', component: () => import('./views/ActivityDetailView.vue'), meta: { title: '活动详情', permission: 'read_children' } },
      { path: 'stats', name: 'stats', component: () => import('./views/StatsView.vue'), meta: { title: '统计分析', permission: 'read_children' } },
      { path: 'stats/children', name: 'stats-children', component: () => import('./views/StatsChildrenView.vue'), meta: { title: '统计名单', permission: 'read_children' } },
      { path: 'stats/supervision', name: 'stats-supervision', component: () => import('./views/SupervisionView.vue'), meta: { title: '督导排名', permission: 'read_children' } },
      { path: 'stats/dispatch', name: 'stats-dispatch', component: () => import('./views/DispatchView.vue'), meta: { title: '月调度', permission: 'read_children' } },
      { path: 'rounds', name: 'rounds', component: () => import('./views/RoundListView.vue'), meta: { title: '监测摸排', permission: 'read_children' } },
      { path: 'rounds/:id(\\d+)', name: 'round', component: () => import('./views/RoundDetailView.vue'), meta: { title: '摸排详情', permission: 'read_children' } },
      { path: 'rounds/:id(\\d+)/changes', name: 'round-changes', component: () => import('./views/RoundChangesView.vue'), meta: { title: '摸排变化名单', permission: 'read_children' } },
      { path: 'moves', name: 'moves', component: () => import('./views/MovesView.vue'), meta: { title: '迁移与推送', permission: 'manage_cases' } },
      { path: 'imports/new', name: 'import-new', component: () => import('./views/ImportNewView.vue'), meta: { title: '数据导入', permission: 'import_data' } },
      { path: 'imports', name: 'imports', component: () => import('./views/ImportListView.vue'), meta: { title: '导入批次', permission: ['import_data', 'review_links'] } },
      { path: 'imports/:id(\\d+)', name: 'import-batch', component: () => import('./views/ImportBatchView.vue'), meta: { title: '导入批次详情', permission: ['import_data', 'review_links'] } },
      { path: 'links/review', name: 'links', component: () => import('./views/LinkReviewView.vue'), meta: { title: '待核对', permission: 'review_links' } },
      { path: 'links/:recordId(\\d+)', name: 'link', component: () => import('./views/LinkDetailView.vue'), meta: { title: '比对详情', permission: 'review_links' } },
      { path: 'findings', name: 'findings', component: () => import('./views/FindingsView.vue'), meta: { title: '比对发现', permission: 'read_children' } },
      { path: 'admin', name: 'admin', component: () => import('./views/AdminView.vue'), meta: { title: '用户管理', permission: ['manage_users', 'manage_security'] } },
      { path: 'audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { title: '审计日志', permission: 'read_audit' } },
      { path: 'account', name: 'account', component: () => import('./views/AccountView.vue'), meta: { title: '账号安全' } },
      { path: 'no-access', name: 'no-access', component: () => import('./views/NoAccessView.vue'), meta: { title: '无权限' } },
      { path: ':rest(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { title: '页面不存在' } },
    ],
  },
]

const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  if (to.name === 'login') return (await restoreSession()) ? homeRoute() : true
  if (to.meta.public) return true
  const ok = await restoreSession()
  if (!ok) return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  // an initial or reset password is changed before anything else, and only then
  if (mustChangePassword()) return to.name === 'change-password' ? true : { name: 'change-password' }
  if (to.name === 'change-password') return homeRoute()
  // meta.permission: one permission, or a list of which any one will do
  const needed = [].concat(to.meta.permission || [])
  if (needed.length && !needed.some((p) => can(p))) {
    const home = homeRoute()
    if (to.path === '/' && home !== '/') return home
    return { name: 'no-access' }
  }
  return true
})

router.afterEach((to) => {
  document.title = (to.meta.title ? to.meta.title + ' - ' : '') + '童安 · 流动和留守儿童关爱保护信息系统'
})

let redirecting = false
setUnauthenticatedHandler(() => {
  clearSession()
  if (redirecting || router.currentRoute.value.name === 'login') return
  redirecting = true
  ElMessage.warning('登录已过期，请重新登录')
  router
    .push({ name: 'login', query: { redirect: router.currentRoute.value.fullPath } })
    .finally(() => (redirecting = false))
})

// The server refused a request until the password is changed (e.g. reset by the security
// administrator while this session was open): go to the change page.
setPasswordChangeHandler(() => {
  if (session.user) session.user = { ...session.user, must_change_password: true }
  if (router.currentRoute.value.name !== 'change-password') router.replace({ name: 'change-password' })
})

export default router
