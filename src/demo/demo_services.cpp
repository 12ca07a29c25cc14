#include "demo/demo_services.h"

#include <cstdio>

#include "app/api_error.h"
#include "demo/demo_county.h"
#include "store/service_store.h"

namespace tongan {
namespace {

using nlohmann::json;

std::string DaysFrom(Date today, int days) {
  return FormatIsoDate(Date{std::chrono::sys_days{today} + std::chrono::days{days}});
}

}  // namespace

// Supply follows the seeds' picture of a district: 儿童之家 in every township, after-school
// centres only in the three townships nearest the centre, a social-work organisation with a
// government-purchased project, 爱心妈妈 and 五老 in the first villages, and one township whose
// only new offer is a calligraphy class while its children need homework help.
void LoadDemoServices(Deployment& d, EntitlementService& entitlements, SupplyService& supply, Date today) {
  if (!d.store->services().ListProviders(RegionScope{kDemoCounty}, ProviderQuery{}).empty()) return;
  const auto county = d.store->FindUserByName("xian_minzheng");
  const auto director = d.store->FindUserByName("zhuren1");
  const auto liaison = d.store->FindUserByName("bumen_jiaoyu");
  if (!county || !director || !liaison) return;
  const RequestContext as_county{*county, "demo"};
  const RequestContext as_director{*director, "demo"};
  const RequestContext as_liaison{*liaison, "demo"};
  std::printf("正在生成关爱服务资源、活动与结对……\n");
  std::fflush(stdout);

  const auto provider = [&](const RequestContext& ctx, json body) -> int64_t {
    return supply.CreateProvider(ctx, body)["id"].get<int64_t>();
  };
  const int64_t social_org = provider(
      as_county, {{"region_code", kDemoCounty},
                  {"kind", "social_org"},
                  {"name", "新华区阳光社会工作服务中心"},
                  {"address", "新华区建设路中段"},
                  {"contact_name", "陈静"},
                  {"contact_phone", "03752660000"},
                  {"services", {"counselling", "legal", "parenting", "safety"}},
                  {"capacity", 60},
                  {"project", {{"name", "新华区流动儿童关爱服务项目（政府购买服务）"},
                               {"funder", "新华区民政局"},
                               {"amount", 300000},
                               {"starts_on", DaysFrom(today, -180)},
                               {"ends_on", DaysFrom(today, 185)}}}});

  const auto townships = d.regions.ChildrenOf(kDemoCounty);
  std::vector<int64_t> homes;
  for (size_t i = 0; i < townships.size(); ++i) {
    const std::string& code = townships[i]->code;
    json services = {"companionship", "safety"};
    if (i % 3 == 1) services.push_back("daily_care");
    homes.push_back(provider(as_county, {{"region_code", code},
                                         {"kind", "children_home"},
                                         {"name", townships[i]->name + "儿童之家"},
                                         {"address", townships[i]->name + "综合文化服务中心"},
                                         {"contact_name", "儿童督导员"},
                                         {"services", services},
                                         {"capacity", 0}}));
    if (i < 3)
      provider(as_county, {{"region_code", code},
                           {"kind", "after_school"},
                           {"name", townships[i]->name + "“四点半”课后托管中心"},
                           {"services", {"homework", "after_school"}},
                           {"capacity", 40}});
  }
  // The seeds' mismatch: the fourth township's new offer is calligraphy, not homework help.
  int64_t calligraphy = 0;
  if (townships.size() > 3)
    calligraphy = supply.CreateActivity(as_county, {{"provider_id", homes[3]},
                                                    {"title", "周末书法兴趣班"},
                                                    {"services", {"interest"}},
                                                    {"starts_on", DaysFrom(today, -20)},
                                                    {"ends_on", DaysFrom(today, 70)},
                                                    {"capacity", 30},
                                                    {"description", "每周六上午，毛笔书法入门。"}})["id"];
  (void)calligraphy;
  const int64_t safety = supply.CreateActivity(as_county, {{"provider_id", social_org},
                                                           {"title", "防溺水与交通安全进社区"},
                                                           {"services", {"safety"}},
                                                           {"starts_on", DaysFrom(today, -10)},
                                                           {"ends_on", DaysFrom(today, 50)},
                                                           {"capacity", 0},
                                                           {"description", "社工进社区开展安全教育，每月一次。"}})["id"];

  // Volunteers of the first village, and the village's own activity.
  const std::string village = director->region_code;
  std::vector<int64_t> mothers;
  const char* names[] = {"张淑华", "李凤英", "王桂兰"};
  for (const char* name : names)
    mothers.push_back(provider(as_director, {{"region_code", village},
                                             {"kind", "volunteer"},
                                             {"volunteer_type", "爱心妈妈"},
                                             {"name", name},
                                             {"contact_phone", "13837500000"},
                                             {"services", {"companionship", "homework"}},
                                             {"capacity", 3}}));
  const int64_t elder = provider(as_director, {{"region_code", village},
                                               {"kind", "volunteer"},
                                               {"volunteer_type", "五老"},
                                               {"name", "退休教师 刘德明"},
                                               {"services", {"homework", "safety"}},
                                               {"capacity", 4}});
  const int64_t homework_class =
      supply.CreateActivity(as_director, {{"provider_id", elder},
                                          {"title", "周末课业辅导小课堂"},
                                          {"services", {"homework"}},
                                          {"starts_on", DaysFrom(today, -30)},
                                          {"ends_on", DaysFrom(today, 60)},
                                          {"capacity", 12},
                                          {"description", "退休教师每周六下午辅导作业。"}})["id"];

  // Pair the village's children who need companionship or homework help, up to capacity; sign
  // some up for the homework class and record two sessions.
  int64_t total = 0;
  const auto unmet = d.store->services().UnmetNeeds(RegionScope{village}, village, "", 0, 200, &total);
  size_t mother = 0;
  std::vector<int64_t> signed_up;
  for (const auto& open : unmet) {
    const std::string& need = open.row.need_code;
    try {
      if (need == "companionship" && mother < mothers.size() * 3) {
        supply.CreatePairing(as_director, {{"provider_id", mothers[mother / 3]},
                                           {"child_id", open.row.child_id},
                                           {"need_code", need},
                                           {"started_on", DaysFrom(today, -60 + static_cast<int>(mother))},
                                           {"notes", "每周电话或上门陪伴一次"}});
        ++mother;
      } else if (need == "homework" && signed_up.size() < 8) {
        supply.SignUp(as_director, homework_class, {{"child_id", open.row.child_id}});
        signed_up.push_back(open.row.child_id);
      } else if (need == "safety") {
        supply.SignUp(as_director, safety, {{"child_id", open.row.child_id}});
      }
    } catch (const ApiError&) {
      // full or already paired: the demo keeps going, as a worker would
    }
  }
  if (!signed_up.empty()) {
    const int weekday_offset = 7;
    for (int week : {2, 1}) {
      json present = json::array();
      for (size_t i = 0; i < signed_up.size(); ++i)
        if ((i + week) % 4 != 0) present.push_back(signed_up[i]);
      supply.Attendance(as_director, homework_class,
                        {{"session_date", DaysFrom(today, -weekday_offset * week)}, {"child_ids", present}});
    }
  }

  // Deliveries: the education liaison records 课后服务 and 资助 for some entitled children; the
  // county records health check-ups and family-education guidance in the first township.
  const auto record_open = [&](const RequestContext& ctx, const std::string& region, const std::string& department,
                               const std::string& item, int limit, int days_ago, const char* provider_name,
                               const char* content) {
    int64_t n = 0;
    const auto open = d.store->services().OpenItems(RegionScope{region}, region, department, item, 0, limit, &n);
    for (size_t i = 0; i < open.size(); ++i) {
      if (i % 3 == 2) continue;  // leave gaps: coverage is never complete
      try {
        entitlements.RecordDelivery(ctx, open[i].row.child_id,
                                    {{"item_id", item},
                                     {"delivered_on", DaysFrom(today, -days_ago - static_cast<int>(i % 20))},
                                     {"provider_name", provider_name},
                                     {"content", content}});
      } catch (const ApiError&) {
      }
    }
  };
  const std::string first_township = townships.empty() ? kDemoCounty : townships[0]->code;
  record_open(as_liaison, kDemoCounty, "教育", "PDS-06", 300, 10, "焦店镇中心小学", "参加校内课后服务");
  record_open(as_liaison, kDemoCounty, "教育", "PDS-07", 120, 40, "新华区学生资助管理中心", "发放家庭经济困难学生生活补助");
  record_open(as_county, first_township, "卫健", "PDS-02", 200, 30, "焦店镇卫生院", "年度健康体检");
  record_open(as_county, first_township, "妇联", "PDS-21", 80, 15, "新华区阳光社会工作服务中心", "家庭教育指导入户");
}

}  // namespace tongan
