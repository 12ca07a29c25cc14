#include "demo/demo_county.h"

#include <random>

#include "app/auth.h"
#include "demo/synthetic.h"

namespace tongan {
namespace {

struct DemoAccount {
  const char* username;
  Role role;
  const char* region;  // "" = first village of the demo county's 焦店镇
  const char* display_name;
  const char* department = "";
};

// Village users sit in 焦店镇 (410402100): its first two villages are generated as …001 and …002.
const DemoAccount kAccounts[] = {
    {"zhuren1", Role::kChildDirector, "410402100001", "王秀兰"},
    {"zhuren2", Role::kChildDirector, "410402100002", "李桂芳"},
    {"wangge1", Role::kGridWorker, "410402100001", "赵建国"},
    {"dudao1", Role::kSupervisor, "410402100", "刘玉梅"},
    {"xian_minzheng", Role::kCountyCivilAffairs, "410402", "新华区民政局"},
    {"shi_minzheng", Role::kCityCivilAffairs, "4104", "平顶山市民政局"},
    {"sheng_minzheng", Role::kProvinceCivilAffairs, "41", "河南省民政厅"},
    {"bumen_jiaoyu", Role::kDepartmentLiaison, "410402", "新华区教育局", "教育"},
    {"shegong1", Role::kSocialWorker, "410402", "社工 陈静"},
    // The neighbouring county, to receive a child's file that moves there.
    {"weidong_minzheng", Role::kCountyCivilAffairs, kNeighbourCounty, "卫东区民政局"},
    // The three administrators (三员), each with only their own powers.
    {"admin", Role::kAdmin, "410402", "系统管理员"},
    {"anquan", Role::kSecurityAdmin, "410402", "安全管理员"},
    {"shenji", Role::kAuditAdmin, "410402", "审计管理员"},
};

// Registration dates spread over the last three years, never before birth or arrival, so the
// dashboard's trend has a history.
std::string RegistrationTimestamp(const Child& child, Date today, std::mt19937_64& rng) {
  using namespace std::chrono;
  const sys_days latest{today};
  sys_days earliest = latest - days(3 * 365);
  if (sys_days(child.birth_date) > earliest) earliest = sys_days(child.birth_date);
  if (child.residence_since && sys_days(*child.residence_since) > earliest)
    earliest = sys_days(*child.residence_since);
  const auto span = (latest - earliest).count();
  const sys_days day = earliest + days(span > 0 ? static_cast<int64_t>(rng() % (span + 1)) : 0);
  return FormatIsoDate(year_month_day(day)) + "T02:00:00Z";
}

}  // namespace

std::vector<DemoUser> LoadDemoCounty(Deployment& d, int64_t children, uint64_t seed, Date today) {
  if (d.store->CountChildren() == 0) {
    SyntheticOptions options;
    options.county_codes = {kDemoCounty};
    options.children = children;
    options.seed = seed;
    options.today = today;
    SyntheticData data = GenerateSynthetic(d.regions, options);
    for (const SyntheticVillage& v : data.villages) {
      d.store->UpsertVillage(v.code, v.name);
      d.regions.Add(v.code, v.name);
    }
    std::mt19937_64 rng(seed);
    std::vector<uint32_t> basis;
    basis.reserve(data.children.size());
    for (Child& c : data.children) {
      basis.push_back(ClassBasisOf(c, d.config));
      c.created_at = RegistrationTimestamp(c, today, rng);
    }
    d.store->InsertChildrenBulk(data.children, basis, {0, "demo"});
    // Two communities in the neighbouring county, where a moving child's file can be received.
    const auto townships = d.regions.ChildrenOf(kNeighbourCounty);
    if (!townships.empty()) {
      const std::string township = townships.front()->code;
      for (const auto& [suffix, name] : {std::pair{"001", "东环路社区"}, {"002", "五一路社区"}}) {
        d.store->UpsertVillage(township + suffix, name);
        d.regions.Add(township + suffix, name);
      }
    }
  }
  std::vector<DemoUser> users;
  for (const DemoAccount& a : kAccounts) {
    if (!d.store->FindUserByName(a.username)) {
      User user;
      user.username = a.username;
      user.display_name = a.display_name;
      user.role = a.role;
      user.region_code = a.region;
      user.password_hash = HashPassword(kDemoPassword);
      user.department = a.department;
      user.demo_account = true;
      d.store->CreateUser(user);
    }
    users.push_back({a.username, std::string(RoleNameZh(a.role)), d.regions.FullName(a.region)});
  }
  // Every other village has its child director too (not listed with the demo logins), so the
  // statistics' children per child director are those of a real county. One hash serves them all:
  // they share the demo password, and Argon2 per account would slow the start.
  std::string hash;
  for (const Region* township : d.regions.ChildrenOf(kDemoCounty))
    for (const Region* village : d.regions.ChildrenOf(township->code)) {
      const std::string username = "zhuren_" + village->code.substr(6);
      if (village->code == "410402100001" || village->code == "410402100002" || d.store->FindUserByName(username))
        continue;
      if (hash.empty()) hash = HashPassword(kDemoPassword);
      User user;
      user.username = username;
      user.display_name = village->name + "儿童主任";
      user.role = Role::kChildDirector;
      user.region_code = village->code;
      user.password_hash = hash;
      user.demo_account = true;
      d.store->CreateUser(user);
    }
  return users;
}

}  // namespace tongan
