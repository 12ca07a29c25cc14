#include "demo/demo_care.h"

#include <cstdio>

#include "app/audit_log.h"
#include "app/case_service.h"
#include "app/stats_service.h"
#include "app/referral_service.h"
#include "demo/demo_county.h"
#include "demo/demo_services.h"
#include "store/care_store.h"

namespace tongan {
namespace {

using nlohmann::json;

std::string DaysAgo(Date today, int days) {
  return FormatIsoDate(Date{std::chrono::sys_days{today} - std::chrono::days{days}});
}

}  // namespace

void LoadDemoCare(Deployment& d, Date today) {
  int64_t counted = 0;
  d.store->care().ListStatus(RegionScope{kDemoCounty}, {.limit = 0}, &counted);
  if (counted > 0) return;
  const auto county = d.store->FindUserByName("xian_minzheng");
  const auto director = d.store->FindUserByName("zhuren1");
  if (!county || !director) return;

  AuditLog audit(*d.store);
  ChildService children(*d.store, audit, d.regions, d.config, [today] { return today; });
  CareService care(*d.store, audit, children, d.care, d.need_rules, [today] { return today; });
  CaseService cases(*d.store, audit, care, [today] { return today; });
  ReferralService referrals(*d.store, audit, care, children, [today] { return today; });
  EntitlementService entitlements(*d.store, audit, children, care, d.regions, d.catalogue, [today] { return today; });
  SupplyService supply(*d.store, audit, care, entitlements, d.regions, [today] { return today; });
  StatsService stats(*d.store, audit, children, care, d.regions, d.supervision, [] { return std::vector<int>{}; },
                     [today] { return today; });
  std::printf("正在计算关爱台账与分类分色……\n");
  std::fflush(stdout);
  care.RecomputeAll(kDemoCounty);

  // The first village's ledger: most visited recently, some long ago (overdue), a few never.
  const RequestContext as_director{*director, "demo"};
  const RequestContext as_county{*county, "demo"};
  int64_t total = 0;
  const auto ledger = d.store->care().ListStatus(RegionScope{director->region_code},
                                                 {.ledger_only = true, .limit = 200}, &total);
  int n = 0;
  for (const CareListItem& item : ledger) {
    ++n;
    if (n % 5 == 0) continue;  // never visited
    const int days = n % 3 == 0 ? 45 + n % 20 : 3 + n % 20;
    care.RecordVisit(as_director, item.status.child_id,
                     {{"visit_date", DaysAgo(today, days)},
                      {"seen", {"儿童本人", n % 2 ? "祖母" : "母亲"}},
                      {"guardianship", n % 7 == 0 ? "poor" : n % 4 == 0 ? "fair" : "good"},
                      {"schooling", "按时上学"},
                      {"health", n % 6 == 0 ? "感冒，已就医" : "良好"},
                      {"safety_concern", n % 11 == 0},
                      {"needs", n % 3 == 0 ? json{"课业辅导"} : json{"心理陪伴"}},
                      {"notes", "入户走访，了解生活和学习情况。"}});
  }
  // Cases: the first village's ledger children, or the county's when the village has too few.
  const auto county_ledger = d.store->care().ListStatus(RegionScope{kDemoCounty}, {.ledger_only = true, .limit = 2}, &total);
  const auto& pool = ledger.size() >= 2 ? ledger : county_ledger;
  if (pool.size() >= 2) {
    const int64_t reported = pool[0].status.child_id, helped = pool[1].status.child_id;
    cases.Create(as_county, {{"child_id", reported},
                             {"source", "mandatory_report"},
                             {"title", "学校报告：儿童身上多处淤青"},
                             {"reporter", {{"organisation", "新华区焦店镇中心小学"}, {"organisation_type", "学校"},
                                           {"name", "张老师"}, {"phone", "13903750000"}}},
                             {"note", "班主任发现儿童手臂多处淤青，询问后儿童不愿说明原因。"}});
    json c = cases.Create(as_county, {{"child_id", helped}, {"source", "assessment"},
                                      {"title", "父母外出务工，祖父重病，监护不足"}});
    const int64_t id = c["id"];
    const auto act = [&](json body) {
      body["version"] = c["version"];
      c = cases.Act(as_county, id, body);
    };
    act({{"action", "transition"}, {"to", "warning"}});
    act({{"action", "transition"}, {"to", "consultation"}});
    act({{"action", "consultation"}, {"opinion", "民政、教育、村委会会商：落实临时照料人，学校安排课后托管。"},
         {"participants", "区民政局、焦店镇中心小学、李屯村村委会"}});
    json answers = json::object();
    for (const auto& item : d.care.assessment.items) answers[item.id] = 2;
    act({{"action", "assessment"}, {"answers", answers}});
    act({{"action", "help_plan"}, {"text", "一、联系父亲返乡或委托亲属照料；二、学校课后托管；三、每周走访一次。"}});
    act({{"action", "transition"}, {"to", "intervention"}});
    act({{"action", "measure"}, {"measure", "schooling_support"}, {"detail", "学校安排课后托管和作业辅导"}});
    referrals.Create(as_county, {{"child_id", helped},
                                 {"case_id", id},
                                 {"to_department", "教育"},
                                 {"request", "请学校安排课后托管并每月反馈学习情况"},
                                 {"due_date", DaysAgo(today, -14)},
                                 {"shared_fields", {"name", "age", "guardian", "schooling"}}});
  }
  LoadDemoServices(d, entitlements, supply, today);
}

}  // namespace tongan
