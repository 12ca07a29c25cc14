#include "bench/stats_bench.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <thread>

#include "app/auth.h"
#include "app/deployment.h"
#include "core/classification.h"
#include "demo/synthetic.h"
#include "http/api_stack.h"
#include "http/client.h"
#include "http/server.h"
#include "stats/figures.h"
#include "store/stats_store.h"

namespace tongan {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;
constexpr const char* kBenchPassword = "Bench@2026";

// The facts the recomputation would gather, from the record alone (no visits or cases yet), and
// a care status that follows the classes, so the key counts are those of a real province.
json FactsOf(const Child& c, const ClassificationConfig& config, Date today) {
  json classes = json::array();
  const Classification cls = Classify(c, today, config);
  for (ChildClass k : AllChildClasses())
    if (cls.Has(k)) classes.push_back(std::string(ChildClassCode(k)));
  return {{"age", AgeInYears(c.birth_date, today)},
          {"sex", std::string(SexCode(c.sex))},
          {"classes", classes},
          {"flow_type", std::string(FlowTypeOf(c))},
          {"has_health_record", c.health.has_health_record},
          {"vaccinated", c.health.vaccinated},
          {"schooling_status", c.schooling.status},
          {"department_records", json::array()},
          {"days_since_update", static_cast<int>(c.id % 400)}};
}

stats::ChildCare CareOf(const json& facts, uint64_t n) {
  stats::ChildCare care;
  const json& classes = facts["classes"];
  care.in_ledger = std::find(classes.begin(), classes.end(), "key_care") != classes.end();
  care.visit_overdue = care.in_ledger && n % 7 == 0;
  static const char* colours[] = {"green", "green", "green", "yellow", "orange", "red"};
  care.colour = care.in_ledger ? colours[n % 6] : "green";
  care.warned = care.colour != "green";
  care.open_cases = care.in_ledger && n % 11 == 0;
  care.overdue_cases = care.open_cases && n % 3 == 0;
  care.entitled = static_cast<int>(classes.size()) * 3;
  care.received = care.entitled / 2;
  care.needs = n % 5 == 0;
  care.unmet_needs = care.needs && n % 2 == 0;
  return care;
}

void BuildProvince(Deployment& d, const StatsBenchOptions& o) {
  if (!d.store->stats().Totals(o.province).empty()) return;
  std::vector<std::string> counties;
  for (const Region* city : d.regions.ChildrenOf(o.province))
    for (const Region* county : d.regions.ChildrenOf(city->code)) counties.push_back(county->code);
  std::printf("building the figures of %lld children in %zu counties …\n", static_cast<long long>(o.children),
              counties.size());
  const auto start = Clock::now();
  const Date today = TodayInChina();
  int64_t made = 0;
  // County by county, so that only one county's children are in memory at a time.
  for (size_t i = 0; i < counties.size(); ++i) {
    SyntheticOptions options;
    options.county_codes = {counties[i]};
    options.children = o.children / static_cast<int64_t>(counties.size()) +
                       (static_cast<int64_t>(i) < o.children % static_cast<int64_t>(counties.size()) ? 1 : 0);
    options.villages_per_township = o.villages_per_township;
    options.seed = 7000 + i;
    options.today = today;
    const SyntheticData data = GenerateSynthetic(d.regions, options);
    for (const SyntheticVillage& v : data.villages) {
      d.store->UpsertVillage(v.code, v.name);
      d.regions.Add(v.code, v.name);
    }
    std::map<std::string, stats::Figures> by_village;
    for (const Child& c : data.children) {
      const json facts = FactsOf(c, d.config, today);
      for (const auto& [key, value] : stats::ChildFigures(facts, CareOf(facts, made), 183))
        by_village[c.region_code][key] += value;
      ++made;
    }
    d.store->stats().AddTotals({by_village.begin(), by_village.end()});
    if ((i + 1) % 20 == 0 || i + 1 == counties.size())
      std::printf("  %zu/%zu counties, %lld children, %.0f s\n", i + 1, counties.size(), static_cast<long long>(made),
                  std::chrono::duration<double>(Clock::now() - start).count());
  }
}

struct Timings {
  std::vector<double> ms;
  double seconds = 0;
  int64_t errors = 0;
};

template <typename TargetFn>
Timings Drive(uint16_t port, const std::string& token, int threads, int64_t requests, TargetFn target) {
  Timings t;
  std::vector<std::vector<double>> per_thread(threads);
  std::atomic<int64_t> next{0}, errors{0};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i)
    workers.emplace_back([&, i] {
      HttpClient client("127.0.0.1", port);
      std::mt19937_64 rng(500 + i);
      while (next.fetch_add(1) < requests) {
        const std::string path = target(rng);
        const auto begin = Clock::now();
        if (client.Get(path, token).status != 200) ++errors;
        per_thread[i].push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
      }
    });
  for (auto& w : workers) w.join();
  t.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& v : per_thread) t.ms.insert(t.ms.end(), v.begin(), v.end());
  t.errors = errors;
  return t;
}

bool Report(const char* name, Timings& t) {
  std::sort(t.ms.begin(), t.ms.end());
  const auto pct = [&](double p) { return t.ms.empty() ? 0.0 : t.ms[std::min(t.ms.size() - 1, size_t(p * t.ms.size()))]; };
  std::printf("%-30s %6zu req  %7.0f req/s  p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  max %7.2f ms  errors %lld\n", name,
              t.ms.size(), t.ms.size() / t.seconds, pct(0.5), pct(0.95), pct(0.99), t.ms.empty() ? 0 : t.ms.back(),
              static_cast<long long>(t.errors));
  return t.errors == 0;
}

}  // namespace

int RunStatsBench(const StatsBenchOptions& o) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Deployment d = OpenDeployment(o.db_path, o.data_dir);
  BuildProvince(d, o);
  if (!d.store->FindUserByName("bench_province")) {
    User user;
    user.username = "bench_province";
    user.display_name = "基准测试（省级）";
    user.role = Role::kProvinceCivilAffairs;
    user.region_code = o.province;
    user.password_hash = HashPassword(kBenchPassword);
    d.store->CreateUser(user);
  }
  std::vector<std::string> cities, counties, townships;
  for (const Region* city : d.regions.ChildrenOf(o.province)) {
    cities.push_back(city->code);
    for (const Region* county : d.regions.ChildrenOf(city->code)) {
      counties.push_back(county->code);
      for (const Region* township : d.regions.ChildrenOf(county->code)) townships.push_back(township->code);
    }
  }
  ApiStack api(d);
  ServerOptions server_options;
  server_options.port = 0;
  server_options.threads = o.server_threads;
  HttpServer server(server_options, api.router, api.auth);
  const uint16_t port = server.Start();
  HttpClient login("127.0.0.1", port);
  const std::string token =
      login.Post("/api/login", {{"username", "bench_province"}, {"password", kBenchPassword}}).Json()["token"];
  const json province = login.Get("/api/stats/dashboard?region=" + o.province, token).Json();
  std::printf("province %s: %lld children in the totals, %zu cities, %zu counties, %zu townships; %d clients, %d server threads\n",
              o.province.c_str(), static_cast<long long>(province["figures"].value("children", 0)), cities.size(),
              counties.size(), townships.size(), o.client_threads, server_options.threads);
  const auto pick = [](const std::vector<std::string>& v, auto& rng) { return v[rng() % v.size()]; };
  bool ok = true;
  Timings t = Drive(port, token, o.client_threads, o.requests_per_kind,
                    [&](auto&) { return "/api/stats/dashboard?region=" + o.province; });
  ok &= Report("dashboard: province", t);
  t = Drive(port, token, o.client_threads, o.requests_per_kind,
            [&](auto& rng) { return "/api/stats/dashboard?region=" + pick(cities, rng); });
  ok &= Report("dashboard: a city", t);
  t = Drive(port, token, o.client_threads, o.requests_per_kind,
            [&](auto& rng) { return "/api/stats/dashboard?region=" + pick(counties, rng); });
  ok &= Report("dashboard: a county", t);
  t = Drive(port, token, o.client_threads, o.requests_per_kind,
            [&](auto& rng) { return "/api/stats/dashboard?region=" + pick(townships, rng); });
  ok &= Report("dashboard: a township", t);
  t = Drive(port, token, o.client_threads, o.requests_per_kind / 2, [&](auto& rng) {
    return "/api/stats/supervision?region=" + (rng() % 2 ? o.province : pick(cities, rng));
  });
  ok &= Report("supervision: province/city", t);
  t = Drive(port, token, o.client_threads, o.requests_per_kind / 2, [&](auto& rng) {
    return "/api/stats/dispatch?region=" + (rng() % 2 ? o.province : pick(counties, rng));
  });
  ok &= Report("dispatch report", t);
  t = Drive(port, token, o.client_threads, o.requests_per_kind / 4,
            [&](auto& rng) { return "/api/stats/history?region=" + pick(cities, rng); });
  ok &= Report("history: a city", t);
  server.Stop();
  return ok ? 0 : 1;
}

}  // namespace tongan
