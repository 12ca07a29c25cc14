#include "bench/api_bench.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <random>
#include <thread>

#include <gperftools/malloc_extension_c.h>

#include "app/audit_log.h"
#include "app/auth.h"
#include "app/child_service.h"
#include "app/deployment.h"
#include "demo/synthetic.h"
#include "http/api_stack.h"
#include "http/client.h"
#include "http/server.h"

namespace tongan {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kBenchPassword = "Bench@2026";

// The counties under `area` (a province, city or county code).
std::vector<std::string> CountiesUnder(const RegionTree& regions, const std::string& area) {
  const Region* root = regions.Find(area);
  if (root == nullptr) throw std::invalid_argument("unknown region " + area);
  if (root->level == RegionLevel::kCounty) return {area};
  std::vector<std::string> counties;
  for (const Region* child : regions.ChildrenOf(area))
    for (const std::string& county : CountiesUnder(regions, child->code)) counties.push_back(county);
  return counties;
}

// Generates and loads the children a batch at a time, so that memory stays flat at any size.
void BuildStore(Deployment& d, const ApiBenchOptions& options) {
  if (d.store->CountChildren() > 0) return;
  std::printf("building a store of %lld children in %s …\n", static_cast<long long>(options.children),
              d.regions.FullName(options.area).c_str());
  SyntheticOptions synthetic;
  synthetic.county_codes = CountiesUnder(d.regions, options.area);
  synthetic.children = options.children;
  synthetic.villages_per_township = 12;
  synthetic.today = TodayInChina();
  const auto start = Clock::now();
  SyntheticStream stream(d.regions, synthetic);
  std::vector<std::pair<std::string, std::string>> villages;
  for (const SyntheticVillage& v : stream.villages()) {
    villages.emplace_back(v.code, v.name);
    d.regions.Add(v.code, v.name);
  }
  d.store->UpsertVillages(villages);
  std::printf("  %zu villages ready in %.1f s\n", villages.size(),
              std::chrono::duration<double>(Clock::now() - start).count());
  double generating = 0;
  int64_t reported = 0, next_report = 1000000;
  const int64_t loaded = d.store->LoadChildren(
      [&](std::vector<Child>& children, std::vector<uint32_t>& basis) {
        const auto begin = Clock::now();
        const bool more = stream.Next(children, 50000);
        basis.clear();
        for (const Child& c : children) basis.push_back(ClassBasisOf(c, d.config));
        generating += std::chrono::duration<double>(Clock::now() - begin).count();
        reported += static_cast<int64_t>(children.size());
        if (reported >= next_report && (next_report += 1000000))
          std::printf("  %lld children, %.0f s\n", static_cast<long long>(reported),
                      std::chrono::duration<double>(Clock::now() - start).count());
        return more;
      },
      {0, "bench"});
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("  loaded %lld children in %.1f s (%.0f children/s; %.1f s of it generating them)\n",
              static_cast<long long>(loaded), seconds, loaded / seconds, generating);
}

// Resident memory of this process (server and bench clients), from /proc.
void ReportMemory(const char* when) {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return;
  char line[256];
  std::string figures;
  while (std::fgets(line, sizeof line, f))
    if (std::string_view(line).starts_with("VmRSS") || std::string_view(line).starts_with("VmHWM"))
      figures += std::string(line, std::strcspn(line, "\n")) + "  ";
  std::fclose(f);
  std::printf("memory %s: %s\n", when, figures.c_str());
}

// Restarts the peak (VmHWM) so that it covers the query phase only.
void ResetPeakMemory() {
  if (std::FILE* f = std::fopen("/proc/self/clear_refs", "w")) {
    std::fputs("5", f);
    std::fclose(f);
  }
}

// Reads the database file once so that figures are for a warm page cache, as on a server in
// steady state (this machine's VM reclaims page cache aggressively between runs).
void WarmPageCache(const std::string& path) {
  const auto start = Clock::now();
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return;
  std::vector<char> buffer(1 << 20);
  size_t total = 0, n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0) total += n;
  std::fclose(f);
  std::printf("warmed page cache: %.0f MiB in %.1f s\n", total / 1048576.0,
              std::chrono::duration<double>(Clock::now() - start).count());
}

struct Timings {
  std::vector<double> latencies_ms;
  double seconds = 0;
  int64_t errors = 0;
};

void Report(const char* name, Timings& f) {
  std::sort(f.latencies_ms.begin(), f.latencies_ms.end());
  const auto pct = [&](double p) {
    if (f.latencies_ms.empty()) return 0.0;
    return f.latencies_ms[std::min(f.latencies_ms.size() - 1, size_t(p * f.latencies_ms.size()))];
  };
  std::printf("%-28s %8zu req  %8.0f req/s  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  errors %lld\n",
              name, f.latencies_ms.size(), f.latencies_ms.size() / f.seconds, pct(0.50), pct(0.95),
              pct(0.99), static_cast<long long>(f.errors));
}

// Runs `requests` requests spread over `threads` keep-alive clients; `target(rng)` picks each one.
template <typename TargetFn>
Timings Drive(uint16_t port, const std::string& token, int threads, int64_t requests, TargetFn target) {
  Timings figures;
  std::vector<std::vector<double>> per_thread(threads);
  std::atomic<int64_t> next{0}, errors{0};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      HttpClient client("127.0.0.1", port);
      std::mt19937_64 rng(1000 + t);
      while (next.fetch_add(1) < requests) {
        const std::string path = target(rng);
        const auto begin = Clock::now();
        const ClientResponse res = client.Get(path, token);
        per_thread[t].push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
        if (res.status != 200) ++errors;
      }
    });
  }
  for (auto& w : workers) w.join();
  figures.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& v : per_thread) figures.latencies_ms.insert(figures.latencies_ms.end(), v.begin(), v.end());
  figures.errors = errors;
  return figures;
}

}  // namespace

int RunApiBench(const ApiBenchOptions& options) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress lines show up when piped to a file
  Deployment d = OpenDeployment(options.db_path, options.data_dir);
  BuildStore(d, options);
  ReportMemory("after loading");
  // tcmalloc keeps the load's freed batches for reuse; a server that never loaded would not hold them.
  MallocExtension_ReleaseFreeMemory();
  ReportMemory("after returning the load's freed memory");
  if (!d.store->FindUserByName("bench")) {
    User user;
    user.username = "bench";
    user.display_name = "基准测试";
    user.role = options.area.size() <= 2   ? Role::kProvinceCivilAffairs
                : options.area.size() <= 4 ? Role::kCityCivilAffairs
                                           : Role::kCountyCivilAffairs;
    user.region_code = options.area;
    user.password_hash = HashPassword(kBenchPassword);
    d.store->CreateUser(user);
  }
  const int64_t total = d.store->CountChildren();
  std::vector<std::string> townships;
  for (const std::string& county : CountiesUnder(d.regions, options.area))
    for (const Region* township : d.regions.ChildrenOf(county)) townships.push_back(township->code);

  WarmPageCache(options.db_path);
  ResetPeakMemory();
  ApiStack api(d);
  ServerOptions server_options;
  server_options.port = 0;
  server_options.threads = options.server_threads;
  HttpServer server(server_options, api.router, api.auth);
  const uint16_t port = server.Start();
  HttpClient login_client("127.0.0.1", port);
  const std::string token =
      login_client.Post("/api/login", {{"username", "bench"}, {"password", kBenchPassword}}).Json()["token"];

  std::printf("store: %lld children, %zu townships; %d client threads, server threads %d, loopback\n",
              static_cast<long long>(total), townships.size(), options.client_threads, server_options.threads);
  Timings lookup = Drive(port, token, options.client_threads, options.requests_per_kind, [&](auto& rng) {
    return "/api/children/" + std::to_string(1 + rng() % total);
  });
  Report("lookup by id", lookup);
  Timings filtered = Drive(port, token, options.client_threads, options.requests_per_kind / 4, [&](auto& rng) {
    static const char* classes[] = {"migrant", "left_behind", "in_difficulty", "key_care"};
    static const char* groups[] = {"0-3", "3-6", "6-15", "12-16", "15-18"};
    return "/api/children?region=" + townships[rng() % townships.size()] + "&class=" + classes[rng() % 4] +
           "&age_group=" + groups[rng() % 5] + "&page=1&page_size=20";
  });
  Report("search township+class+age", filtered);
  Timings by_name = Drive(port, token, options.client_threads, options.requests_per_kind / 4, [&](auto& rng) {
    static const char* surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄"};
    const std::string township = townships[rng() % townships.size()];
    return "/api/children?region=" + township.substr(0, 6) + "&q=" + UrlEncode(surnames[rng() % 8]) +
           "&page=1&page_size=20";
  });
  Report("search county+name prefix", by_name);
  server.Stop();
  ReportMemory("after the queries (peak: the query phase)");
  return lookup.errors + filtered.errors + by_name.errors == 0 ? 0 : 1;
}

}  // namespace tongan
