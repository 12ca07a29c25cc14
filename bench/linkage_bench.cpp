#include "bench/linkage_bench.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "app/deployment.h"
#include "core/region.h"
#include "demo/synthetic_linkage.h"
#include "linkage/linkage.h"

namespace tongan {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kBenchCity = "4104";  // 平顶山市: all its counties

double PeakRssGiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB
}

struct Counts {
  uint64_t tp = 0, fp = 0, truth = 0;
  double Precision() const { return tp + fp == 0 ? 1.0 : static_cast<double>(tp) / (tp + fp); }
  double Recall() const { return truth == 0 ? 1.0 : static_cast<double>(tp) / truth; }
  double F1() const {
    const double p = Precision(), r = Recall();
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }
};

void PrintRecord(const char* side, const linkage::Record& r) {
  std::printf("    %s:", side);
  for (const std::string& v : r.values) std::printf(" [%s]", v.c_str());
  std::printf("\n");
}

void PrintError(const char* what, const SyntheticLinkageData& data, size_t i, const linkage::LeftResult& r) {
  std::printf("  %s: department %zu, truth %lld, proposed %lld, p=%.6f weight %.2f\n", what, i,
              static_cast<long long>(data.truth[i]), r.right ? static_cast<long long>(*r.right) : -1LL,
              r.explanation.probability, r.explanation.weight);
  PrintRecord("department", data.department[i]);
  if (r.right) PrintRecord("proposed  ", data.registry[*r.right]);
  if (data.truth[i] >= 0 && (!r.right || static_cast<int64_t>(*r.right) != data.truth[i]))
    PrintRecord("truth     ", data.registry[data.truth[i]]);
  for (const auto& f : r.explanation.fields)
    std::printf("      %s %s %+.2f\n", f.field.c_str(), f.level.c_str(), f.weight);
}

void PrintModel(const linkage::Model& model) {
  std::printf("model: prior log2 odds %.2f (lambda %.3g, %.3f matches per department record, from %llu "
              "sampled candidate pairs)\n",
              model.prior_log2_odds, model.detail.value("lambda", 0.0),
              model.detail.value("expected_matches_per_left_record", 0.0),
              static_cast<unsigned long long>(model.detail.value("em_pairs", uint64_t{0})));
  for (const auto& session : model.detail["em_sessions"])
    std::printf("  EM session %s: %llu pairs, lambda %.4f, %d iterations\n", session["rule"].dump().c_str(),
                static_cast<unsigned long long>(session["pairs"].get<uint64_t>()),
                session["lambda"].get<double>(), session["iterations"].get<int>());
  for (const auto& field : model.detail["fields"]) {
    std::printf("  %-14s", field["field"].get<std::string>().c_str());
    for (const auto& level : field["levels"])
      std::printf(" %s m=%.4f u=%.2g w=%+.1f;", level["level"].get<std::string>().c_str(),
                  level["m"].get<double>(), level["u"].get<double>(), level["weight"].get<double>());
    std::printf("\n");
  }
}

}  // namespace

int RunLinkageBench(const LinkageBenchOptions& options) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  RegionTree regions;
  const std::string dir = options.data_dir + "/regions/";
  regions.LoadProvincesCsv(ReadFileText(dir + "provinces.csv"));
  regions.LoadCitiesCsv(ReadFileText(dir + "cities.csv"));
  regions.LoadCountiesCsv(ReadFileText(dir + "areas.csv"));
  regions.LoadTownshipsCsv(ReadFileText(dir + "streets.csv"));
  linkage::LinkageConfig config =
      linkage::LinkageConfig::FromJson(nlohmann::json::parse(ReadFileText(options.config_path)));
  config.threads = options.threads;

  SyntheticLinkageOptions gen;
  for (const Region* county : regions.ChildrenOf(kBenchCity)) gen.county_codes.push_back(county->code);
  gen.registry = options.registry;
  gen.records = options.records;
  gen.id_missing = options.id_missing;
  gen.seed = options.seed;
  auto start = Clock::now();
  const SyntheticLinkageData data = GenerateSyntheticLinkage(regions, config.fields, gen);
  const double generation = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("generated registry %zu, department %zu records in %.1f s (peak RSS so far %.2f GiB)\n",
              data.registry.size(), data.department.size(), generation, PeakRssGiB());

  start = Clock::now();
  const linkage::LinkResult result = linkage::Link(data.department, data.registry, config);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  Counts automatic, resolved;
  uint64_t wrong_exact = 0, wrong_link = 0, missed_new = 0, missed_review = 0, bad_review = 0;
  for (size_t i = 0; i < data.department.size(); ++i) {
    const int64_t truth = data.truth[i];
    const linkage::LeftResult& r = result.left[i];
    const int64_t best = r.right ? data.registry[*r.right].key : -1;
    const int64_t linked = r.decision == linkage::Decision::kLink ? best : -1;
    // A reviewer confirms the proposed record when it is the right one and rejects it otherwise.
    const int64_t reviewed = r.decision == linkage::Decision::kReview ? (best == truth ? best : -1) : linked;
    if (truth >= 0) ++automatic.truth, ++resolved.truth;
    if (linked >= 0) (linked == truth ? automatic.tp : automatic.fp)++;
    if (reviewed >= 0) (reviewed == truth ? resolved.tp : resolved.fp)++;
    if (linked >= 0 && linked != truth) (r.method == linkage::Method::kExactId ? wrong_exact : wrong_link)++;
    if (truth >= 0 && linked != truth && r.decision == linkage::Decision::kNew) ++missed_new;
    if (truth >= 0 && r.decision == linkage::Decision::kReview) ++missed_review;
    if (r.decision == linkage::Decision::kReview && best != truth) ++bad_review;
  }
  const linkage::LinkStats& s = result.stats;
  PrintModel(result.model);
  int shown[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < data.department.size(); ++i) {
    const int64_t truth = data.truth[i];
    const linkage::LeftResult& r = result.left[i];
    const int64_t best = r.right ? data.registry[*r.right].key : -1;
    int kind = -1;
    if (r.decision == linkage::Decision::kLink && best != truth) kind = 0;
    else if (truth >= 0 && r.decision == linkage::Decision::kReview) kind = 1;
    else if (truth >= 0 && r.decision == linkage::Decision::kNew) kind = 2;
    else if (truth < 0 && r.decision == linkage::Decision::kReview) kind = 3;
    static const char* kKinds[] = {"wrong link", "match in review", "match left new", "non-match in review"};
    if (kind >= 0 && shown[kind]++ < options.show_errors) PrintError(kKinds[kind], data, i, r);
  }
  if (options.show_errors > 0) {  // how weight separates right from wrong probabilistic links
    constexpr int kBuckets = 8;
    uint64_t right_links[kBuckets] = {}, wrong_links[kBuckets] = {};
    for (size_t i = 0; i < data.department.size(); ++i) {
      const linkage::LeftResult& r = result.left[i];
      if (r.decision != linkage::Decision::kLink || r.method != linkage::Method::kProbabilistic) continue;
      const int bucket = std::clamp(static_cast<int>(r.explanation.weight / 4), 0, kBuckets - 1);
      (data.registry[*r.right].key == data.truth[i] ? right_links : wrong_links)[bucket]++;
    }
    std::printf("probabilistic links by weight (right/wrong):");
    for (int b = 0; b < kBuckets; ++b)
      std::printf(" [%d,%s) %llu/%llu", b * 4, b == kBuckets - 1 ? "" : std::to_string(b * 4 + 4).c_str(),
                  static_cast<unsigned long long>(right_links[b]), static_cast<unsigned long long>(wrong_links[b]));
    std::printf("\n");
  }
  std::printf("registry %zu, department %zu (in registry %llu), ID missing %.0f%%, threads %d\n",
              data.registry.size(), data.department.size(),
              static_cast<unsigned long long>(automatic.truth), options.id_missing * 100, config.threads);
  std::printf("candidate pairs %llu (%.1f per record), blocks skipped %llu\n",
              static_cast<unsigned long long>(s.candidate_pairs),
              static_cast<double>(s.candidate_pairs) / std::max<size_t>(data.department.size(), 1),
              static_cast<unsigned long long>(s.skipped_blocks));
  std::printf("decisions: exact-ID links %llu, links %llu, reviews %llu, new %llu\n",
              static_cast<unsigned long long>(s.exact_id_links), static_cast<unsigned long long>(s.links),
              static_cast<unsigned long long>(s.reviews), static_cast<unsigned long long>(s.news));
  std::printf("auto links:         precision %.4f  recall %.4f  F1 %.4f\n", automatic.Precision(),
              automatic.Recall(), automatic.F1());
  std::printf("reviews resolved:   precision %.4f  recall %.4f  F1 %.4f\n", resolved.Precision(),
              resolved.Recall(), resolved.F1());
  std::printf("errors: wrong exact-ID links %llu, wrong links %llu, true matches left new %llu, "
              "true matches in review %llu, reviews proposing a wrong record %llu\n",
              static_cast<unsigned long long>(wrong_exact), static_cast<unsigned long long>(wrong_link),
              static_cast<unsigned long long>(missed_new), static_cast<unsigned long long>(missed_review),
              static_cast<unsigned long long>(bad_review));
  std::printf("time: generation %.1f s (not counted); linking %.1f s = features %.1f + blocking %.1f + "
              "estimating %.1f + scoring %.1f\n",
              generation, seconds, s.seconds_features, s.seconds_blocking, s.seconds_estimating,
              s.seconds_scoring);
  std::printf("throughput: %.0f pairs/s scored, %.0f records/s linked; peak RSS %.2f GiB\n",
              s.seconds_scoring > 0 ? static_cast<double>(s.candidate_pairs) / s.seconds_scoring : 0.0,
              seconds > 0 ? static_cast<double>(data.department.size()) / seconds : 0.0, PeakRssGiB());
  return 0;
}

}  // namespace tongan
