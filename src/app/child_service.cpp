#include "app/child_service.h"

#include <algorithm>

#include "app/api_error.h"
#include "app/scope.h"
#include "core/child_json.h"
#include "core/resident_id.h"

namespace tongan {
namespace {

using nlohmann::json;

constexpr int64_t kMaxPageSize = 100;

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Phone numbers as families give them: mobile (11 digits) or landline with area code and dash.
bool PlausiblePhone(std::string_view phone) {
  if (phone.size() < 7 || phone.size() > 13) return false;
  return std::all_of(phone.begin(), phone.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
}

json ProblemsToJson(const std::vector<IdProblem>& problems) {
  json out = json::array();
  for (const auto& p : problems) out.push_back({{"code", p.code}, {"message", p.message_zh}});
  return out;
}

std::string ChildTarget(int64_t id) { return "child:" + std::to_string(id); }

}  // namespace

json ChildService::View(const Child& child, bool see_identifiers) const {
  const Date today = today_();
  json view = ChildToJson(child);
  view["id"] = child.id;
  view["version"] = child.version;
  view["created_at"] = child.created_at;
  view["updated_at"] = child.updated_at;
  view["age"] = AgeInYears(child.birth_date, today);
  view["age_groups"] = json::array();
  for (auto code : AgeGroupsOf(child.birth_date, today)) view["age_groups"].push_back(code);
  const Classification cls = Classify(child, today, config_, &regions_);
  view["classes"] = json::array();
  for (ChildClass c : AllChildClasses())
    if (cls.Has(c)) view["classes"].push_back(ChildClassCode(c));
  view["class_reasons"] = cls.reasons;
  view["region_name"] = regions_.FullName(child.region_code);
  view["hukou_region_name"] = regions_.FullName(child.hukou_region_code);
  view["id_warnings"] = json::array();
  if (!child.id_number.empty())
    view["id_warnings"] = ProblemsToJson(CheckResidentId(child.id_number, &regions_, today).warnings);
  view["masked"] = !see_identifiers;
  if (!see_identifiers) {
    view["id_number"] = MaskIdNumber(child.id_number);
    for (const char* person : {"father", "mother", "guardian"}) {
      view[person]["id_number"] = MaskIdNumber(view[person]["id_number"].get<std::string>());
      view[person]["phone"] = MaskPhone(view[person]["phone"].get<std::string>());
    }
  }
  return view;
}

void ChildService::Validate(Child& child, const User& user) const {
  const Date today = today_();
  if (!child.id_number.empty()) {
    const ResidentIdCheck check = CheckResidentId(child.id_number, &regions_, today);
    if (!check.valid) throw ApiError(400, "invalid_id_number", check.errors.front().message_zh, "id_number");
    child.id_number = check.normalized;
    if (check.birth_date && *check.birth_date != child.birth_date)
      throw ApiError(400, "invalid_field",
                     "出生日期与身份证号不一致（身份证号中为 " + FormatIsoDate(*check.birth_date) + "）",
                     "birth_date");
    if (check.sex && *check.sex != child.sex)
      throw ApiError(400, "invalid_field",
                     std::string("性别与身份证号不一致（身份证号中为") +
                         std::string(SexNameZh(*check.sex)) + "）",
                     "sex");
  }
  if (child.birth_date > today) throw ApiError(400, "invalid_field", "出生日期晚于今天", "birth_date");
  if (AgeInYears(child.birth_date, today) >= 18)
    throw ApiError(400, "invalid_field", "已满18周岁，不属于本系统登记对象", "birth_date");
  if (child.residence_since && *child.residence_since > today)
    throw ApiError(400, "invalid_field", "居住起始日期晚于今天", "residence_since");

  const auto level = RegionLevelOfCode(child.region_code);
  if (level != RegionLevel::kVillage || !regions_.Contains(child.region_code))
    throw ApiError(400, "invalid_field", "居住地应为本系统已有的村（社区），代码12位", "region_code");
  if (!RegionWithin(child.region_code, ScopeOf(user).root_code))
    throw ApiError(403, "forbidden", "居住地不在您的管辖范围内", "region_code");
  if (child.hukou_region_code.size() < 6 || !AllDigits(child.hukou_region_code) ||
      !regions_.HasProvince(child.hukou_region_code.substr(0, 2)))
    throw ApiError(400, "invalid_field", "户籍地应为至少6位的行政区划代码（县级）", "hukou_region_code");

  struct Person {
    const char* path;
    std::string* id_number;
    std::string* phone;
  };
  for (const Person& p : {Person{"father", &child.father.id_number, &child.father.phone},
                          Person{"mother", &child.mother.id_number, &child.mother.phone},
                          Person{"guardian", &child.guardian.id_number, &child.guardian.phone}}) {
    if (!p.id_number->empty()) {
      const ResidentIdCheck check = CheckResidentId(*p.id_number, &regions_, today);
      if (!check.valid)
        throw ApiError(400, "invalid_id_number", check.errors.front().message_zh,
                       std::string(p.path) + ".id_number");
      *p.id_number = check.normalized;
    }
    if (!p.phone->empty() && !PlausiblePhone(*p.phone))
      throw ApiError(400, "invalid_field", "电话号码格式不正确（手机号11位，座机含区号）",
                     std::string(p.path) + ".phone");
  }
}

std::string ChildService::RegionOrScope(const User& user, const std::string& region) const {
  const std::string root = ScopeOf(user).root_code;
  if (region.empty()) return root;
  if (!RegionLevelOfCode(region))
    throw ApiError(400, "invalid_field", "区划代码格式不正确", "region");
  if (!RegionWithin(region, root)) throw ApiError(403, "forbidden", "该区域不在您的管辖范围内", "region");
  return region;
}

json ChildService::Get(const RequestContext& ctx, int64_t id) {
  const RolePermissions perms = PermissionsOf(ctx.user.role);
  Require(perms.read_children, "查看儿童档案");
  const std::optional<Child> child = store_.GetChild(ScopeOf(ctx.user), id);
  audit_.Record({"", ctx.user.id, ctx.user.username, "child.read", ChildTarget(id), "",
                 child ? "ok" : "not_found", ctx.remote});
  if (!child) throw ApiError(404, "not_found", "未找到该儿童，或不在您的管辖范围内");
  return View(*child, perms.see_identifiers);
}

json ChildService::Search(const RequestContext& ctx, const ChildSearchParams& params) {
  return SearchAudited(ctx, params, kMaxPageSize, "child.search");
}

json ChildService::Export(const RequestContext& ctx, ChildSearchParams params) {
  // How many the filters match, before any record leaves: the size decides what is asked.
  params.page = 1;
  params.page_size = 1;
  const int64_t total = store_.SearchChildren(ScopeOf(ctx.user), QueryFor(ctx, params, 1)).total;
  const auto refuse = [&](const std::string& code, const std::string& message, const std::string& field) {
    audit_.Record({"", ctx.user.id, ctx.user.username, "child.export", "region:" + params.region,
                   json{{"matching", total}, {"reason", params.reason}}.dump(), "denied", ctx.remote});
    throw ApiError(400, code, message, field);
  };
  if (total > kMaxExportRows)
    refuse("export_too_large",
           "符合条件的儿童超过 " + std::to_string(kMaxExportRows) + " 人，请缩小筛选范围后分批导出", "");
  size_t reason_characters = 0;
  for (unsigned char c : params.reason) reason_characters += (c & 0xC0) != 0x80;
  if (params.reason.size() > 500) refuse("invalid_field", "导出事由过长（不超过500字节）", "reason");
  if (total > kExportReasonAbove && reason_characters < 4)
    refuse("export_reason_required",
           "一次导出超过 " + std::to_string(kExportReasonAbove) + " 名儿童（本次 " + std::to_string(total) +
               " 名）须填写导出事由（不少于4个字），事由将记入审计日志",
           "reason");
  params.page_size = kMaxExportRows;
  return SearchAudited(ctx, params, kMaxExportRows, "child.export");
}

ChildQuery ChildService::QueryFor(const RequestContext& ctx, const ChildSearchParams& params,
                                 int64_t max_page_size) const {
  const RolePermissions perms = PermissionsOf(ctx.user.role);
  Require(perms.read_children, "查看儿童名单");
  ChildQuery query;
  query.region_code = RegionOrScope(ctx.user, params.region);
  const Date today = today_();
  query.cutoffs = CutoffsFor(today);
  if (!params.q.empty()) {
    // Digits (with an optional trailing X) search by ID number; anything else by name.
    std::string q = params.q;
    if (!q.empty() && (q.back() == 'x')) q.back() = 'X';
    const bool id_like = q.size() >= 4 && AllDigits(std::string_view(q).substr(0, q.size() - 1)) &&
                         (AllDigits(q.substr(q.size() - 1)) || q.back() == 'X');
    if (id_like)
      query.id_number = q;
    else
      query.name = q;
  }
  if (!params.child_class.empty()) {
    ChildClass c;
    if (!ParseChildClass(params.child_class, &c))
      throw ApiError(400, "invalid_field", "儿童类别取值无效", "class");
    query.child_class = c;
  }
  if (!params.age_group.empty()) {
    const AgeGroup* group = FindAgeGroup(params.age_group);
    if (!group) throw ApiError(400, "invalid_field", "年龄段取值无效", "age_group");
    // age in [from, to)  <=>  birth in (LatestBirthForAge(to), LatestBirthForAge(from)]
    const Date earliest = LatestBirthForAge(group->to_years, today);
    query.birth_range = {std::chrono::sys_days(earliest) + std::chrono::days(1),
                         LatestBirthForAge(group->from_years, today)};
  }
  if (params.page < 1 || params.page_size < 1 || params.page_size > max_page_size)
    throw ApiError(400, "invalid_field", "分页参数无效（每页1至" + std::to_string(max_page_size) + "条）", "page");
  query.limit = params.page_size;
  query.offset = (params.page - 1) * params.page_size;
  return query;
}

json ChildService::SearchAudited(const RequestContext& ctx, const ChildSearchParams& params,
                                 int64_t max_page_size, const char* action) {
  const RolePermissions perms = PermissionsOf(ctx.user.role);
  const ChildQuery query = QueryFor(ctx, params, max_page_size);

  const ChildPage page = store_.SearchChildren(ScopeOf(ctx.user), query);
  // An ID number searched for is kept masked: the audit log is append-only and not sealed.
  const std::string audited_q = query.id_number.empty() ? params.q : MaskIdNumber(query.id_number);
  json detail = {{"region", query.region_code}, {"q", audited_q}, {"class", params.child_class},
                 {"age_group", params.age_group}, {"page", params.page}, {"returned", page.items.size()}};
  if (!params.reason.empty()) detail["reason"] = params.reason;
  audit_.Record({"", ctx.user.id, ctx.user.username, action, "region:" + query.region_code,
                 detail.dump(), "ok", ctx.remote});
  json items = json::array();
  for (const Child& c : page.items) items.push_back(View(c, perms.see_identifiers));
  return {{"items", items}, {"total", page.total}, {"page", params.page}, {"page_size", params.page_size}};
}

json ChildService::Create(const RequestContext& ctx, const json& body) {
  const RolePermissions perms = PermissionsOf(ctx.user.role);
  Require(perms.create_children, "登记儿童");
  Child child;
  InputError error;
  if (!ChildFromJson(body, &child, &error)) throw ApiError(400, error.code, error.message_zh, error.field);
  Validate(child, ctx.user);
  try {
    store_.InsertChild(child, BasisOf(child), {ctx.user.id, ctx.user.username});
  } catch (const StoreConflict& e) {
    if (e.kind() == StoreConflict::Kind::kDuplicateIdNumber)
      throw ApiError(409, "duplicate_id_number", "该身份证号已登记，请勿重复登记；如儿童已迁入本地，请联系原登记地办理转移", "id_number");
    throw;
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "child.create", ChildTarget(child.id), "",
                 "ok", ctx.remote});
  if (on_change_) on_change_(child.id);
  return View(child, perms.see_identifiers);
}

json ChildService::Update(const RequestContext& ctx, int64_t id, const json& body) {
  const RolePermissions perms = PermissionsOf(ctx.user.role);
  Require(perms.update_children, "修改儿童档案");
  if (!body.is_object() || !body.contains("version") || !body["version"].is_number_integer())
    throw ApiError(400, "missing_field", "缺少档案版本号 version（用于防止覆盖他人的修改）", "version");
  Child child;
  InputError error;
  if (!ChildFromJson(body, &child, &error, {"version"}))
    throw ApiError(400, error.code, error.message_zh, error.field);
  // Masked values coming back unchanged from a masked view must not overwrite the real ones.
  if (!perms.see_identifiers)
    throw ApiError(403, "forbidden", "当前角色无权修改含身份证号的档案");
  Validate(child, ctx.user);
  child.id = id;
  std::optional<std::vector<FieldChange>> changes;
  try {
    changes = store_.UpdateChild(ScopeOf(ctx.user), child, body["version"].get<int64_t>(),
                                 BasisOf(child), {ctx.user.id, ctx.user.username});
  } catch (const StoreConflict& e) {
    if (e.kind() == StoreConflict::Kind::kVersionMismatch)
      throw ApiError(409, "version_conflict", "档案已被他人修改，请刷新后重新编辑");
    if (e.kind() == StoreConflict::Kind::kDuplicateIdNumber)
      throw ApiError(409, "duplicate_id_number", "该身份证号已被其他儿童档案使用", "id_number");
    throw;
  }
  if (!changes) throw ApiError(404, "not_found", "未找到该儿童，或不在您的管辖范围内");
  json fields = json::array();
  for (const auto& c : *changes) fields.push_back(c.field);
  audit_.Record({"", ctx.user.id, ctx.user.username, "child.update", ChildTarget(id),
                 fields.dump(), "ok", ctx.remote});
  if (on_change_ && !changes->empty()) on_change_(id);
  return View(child, perms.see_identifiers);
}

json ChildService::History(const RequestContext& ctx, int64_t id) {
  const RolePermissions perms = PermissionsOf(ctx.user.role);
  Require(perms.read_children, "查看档案变更记录");
  const RegionScope scope = ScopeOf(ctx.user);
  if (!store_.GetChild(scope, id)) throw ApiError(404, "not_found", "未找到该儿童，或不在您的管辖范围内");
  audit_.Record({"", ctx.user.id, ctx.user.username, "child.history", ChildTarget(id), "", "ok",
                 ctx.remote});
  const bool mask = !perms.see_identifiers;
  json out = json::array();
  for (const HistoryEntry& h : store_.ChildHistory(scope, id)) {
    const bool sensitive = h.field.ends_with("id_number") || h.field.ends_with("phone");
    const auto shown = [&](const std::string& v) {
      if (!mask || !sensitive) return v;
      return h.field.ends_with("phone") ? MaskPhone(v) : MaskIdNumber(v);
    };
    out.push_back({{"at", h.at}, {"username", h.username}, {"field", h.field},
                   {"old_value", shown(h.old_value)}, {"new_value", shown(h.new_value)}});
  }
  return out;
}

json ChildService::CheckId(const std::string& raw) const {
  const ResidentIdCheck check = CheckResidentId(raw, &regions_, today_());
  json out = {{"valid", check.valid},
              {"normalized", check.normalized},
              {"converted_from_15", check.converted_from_15},
              {"county_code", check.county_code},
              {"county_name", check.county_code.empty() ? "" : regions_.FullName(check.county_code)},
              {"birth_date", check.birth_date ? json(FormatIsoDate(*check.birth_date)) : json()},
              {"sex", check.sex ? json(SexCode(*check.sex)) : json()},
              {"errors", ProblemsToJson(check.errors)},
              {"warnings", ProblemsToJson(check.warnings)}};
  if (!regions_.Contains(check.county_code)) out["county_name"] = "";
  return out;
}

json ChildService::Summary(const RequestContext& ctx, const std::string& region) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看统计");
  const std::string root = RegionOrScope(ctx.user, region);
  const auto level = RegionLevelOfCode(root);
  if (!level) throw ApiError(400, "invalid_field", "区划代码格式不正确", "region");
  const bool leaf = *level == RegionLevel::kVillage;
  const int sub_length = leaf ? 12 : RegionCodeLength(static_cast<RegionLevel>(static_cast<int>(*level) + 1));
  const auto rows = store_.CountBySubRegion(ScopeOf(ctx.user), root, sub_length, today_());

  const auto& classes = AllChildClasses();
  const auto& groups = AgeGroups();
  RegionCount total;
  total.by_class.assign(classes.size(), 0);
  total.by_age_group.assign(groups.size(), 0);
  json subs = json::array();
  for (const RegionCount& r : rows) {
    total.total += r.total;
    total.male += r.male;
    total.female += r.female;
    json sub = {{"code", r.code}, {"name", regions_.Find(r.code) ? regions_.Find(r.code)->name : r.code},
                {"total", r.total}};
    for (size_t i = 0; i < classes.size(); ++i) {
      total.by_class[i] += r.by_class[i];
      sub[std::string(ChildClassCode(classes[i]))] = r.by_class[i];
    }
    for (size_t i = 0; i < groups.size(); ++i) total.by_age_group[i] += r.by_age_group[i];
    subs.push_back(sub);
  }
  json by_class = json::object(), by_age = json::object();
  for (size_t i = 0; i < classes.size(); ++i) by_class[std::string(ChildClassCode(classes[i]))] = total.by_class[i];
  for (size_t i = 0; i < groups.size(); ++i) by_age[std::string(groups[i].code)] = total.by_age_group[i];
  const tongan::Region* r = regions_.Find(root);
  return {{"region", {{"code", root}, {"name", r ? r->name : root}}},
          {"total", total.total},
          {"by_class", by_class},
          {"by_age_group", by_age},
          {"by_sex", {{"M", total.male}, {"F", total.female}}},
          {"sub_regions", leaf ? json::array() : subs}};
}

json ChildService::Trend(const RequestContext& ctx, const std::string& region) {
  Require(PermissionsOf(ctx.user.role).read_children, "查看统计");
  const std::string root = RegionOrScope(ctx.user, region);
  json months = json::array(), registered = json::array();
  int64_t cumulative = 0;
  for (const auto& [month, count] : store_.RegistrationsByMonth(ScopeOf(ctx.user), root)) {
    cumulative += count;
    months.push_back(month);
    registered.push_back(cumulative);
  }
  return {{"months", months}, {"registered", registered}};
}

json ChildService::Region(const RequestContext& ctx, const std::string& code) const {
  const std::string root = RegionOrScope(ctx.user, code);
  const tongan::Region* region = regions_.Find(root);
  if (!region) throw ApiError(404, "not_found", "未找到该区划");
  json path = json::array();
  for (const tongan::Region* r : regions_.PathTo(root)) path.push_back({{"code", r->code}, {"name", r->name}});
  json children = json::array();
  for (const tongan::Region* r : regions_.ChildrenOf(root))
    children.push_back({{"code", r->code}, {"name", r->name}, {"level", static_cast<int>(r->level)}});
  return {{"code", region->code},
          {"name", region->name},
          {"level", static_cast<int>(region->level)},
          {"level_name", RegionLevelNameZh(region->level)},
          {"path", path},
          {"children", children}};
}

json ChildService::Place(const std::string& code) const {
  json children = json::array();
  for (const tongan::Region* r : regions_.ChildrenOf(code)) {
    // Villages are deployment data, not public: the picker stops at townships.
    if (r->level == RegionLevel::kVillage) continue;
    children.push_back({{"code", r->code}, {"name", r->name}, {"level", static_cast<int>(r->level)}});
  }
  if (code.empty()) return {{"code", ""}, {"name", "全国"}, {"full_name", ""}, {"children", children}};
  const tongan::Region* region = regions_.Find(code);
  if (!region || region->level == RegionLevel::kVillage) throw ApiError(404, "not_found", "未找到该区划");
  return {{"code", region->code},
          {"name", region->name},
          {"full_name", regions_.FullName(code)},
          {"level", static_cast<int>(region->level)},
          {"children", children}};
}

}  // namespace tongan
