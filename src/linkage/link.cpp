// Link and Explain: features of both sides, blocking, u from random pairs, EM for m and λ on a
// sample of candidate pairs, then every left record's candidates scored in parallel and decided.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "linkage/blocking.h"
#include "linkage/compare.h"
#include "linkage/features.h"
#include "linkage/levels.h"
#include "linkage/linkage.h"
#include "linkage/model.h"

namespace tongan::linkage {
namespace {

using namespace internal;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
constexpr double kNoWeight = -std::numeric_limits<double>::infinity();

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double Probability(double log2_odds) { return 1.0 / (1.0 + std::exp2(-log2_odds)); }

struct SplitMix {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64); }
};

void CompareAll(const Features& left, size_t li, const Features& right, size_t ri, FieldMatch* out) {
  for (size_t f = 0; f < left.columns.size(); ++f)
    out[f] = CompareField(left.columns[f], li, right.columns[f], ri);
}

// Prior plus the field weights, summed in field order: Link and Explain both call this.
double ScorePair(const Weights& w, const Features& left, const Features& right,
                 const FieldMatch* match, double* field_weights) {
  double total = w.prior;
  for (size_t f = 0; f < left.columns.size(); ++f) {
    const uint8_t level = match[f].level;
    uint32_t count_left = 0, count_right = 0;
    if (level != kMissing && w.tf[f]) {
      count_left = left.columns[f].alts[match[f].left_alt].tf;
      count_right = right.columns[f].alts[match[f].right_alt].tf;
    }
    const double fw = w.FieldWeight(f, level, count_left, count_right);
    if (field_weights != nullptr) field_weights[f] = fw;
    total += fw;
  }
  return total;
}

std::string ValueText(const Record& record, size_t field, const Column& column, const FieldMatch& m,
                      bool left_side) {
  if (field >= record.values.size()) return "";
  const std::string& value = record.values[field];
  if (m.level == kMissing) return value;
  const Alt& alt = column.alts[left_side ? m.left_alt : m.right_alt];
  return value.substr(alt.text_pos, alt.text_len);
}

PairExplanation MakeExplanation(const Weights& w, const LinkageConfig& config, const Features& left,
                                size_t li, const Record& left_record, const Features& right,
                                size_t ri, const Record& right_record) {
  FieldMatch match[kMaxFields];
  double field_weights[kMaxFields];
  CompareAll(left, li, right, ri, match);
  PairExplanation e;
  e.weight = ScorePair(w, left, right, match, field_weights);
  e.probability = Probability(e.weight);
  for (size_t f = 0; f < config.fields.size(); ++f) {
    const FieldSpec& spec = config.fields[f];
    FieldComparison c;
    c.field = spec.name;
    c.label_zh = spec.label_zh;
    if (match[f].level == kMissing) {
      c.level = "missing";
      c.level_zh = "缺失";
    } else {
      const LevelDef& level = LevelsOf(spec.kind)[match[f].level];
      c.level = level.name;
      c.level_zh = level.zh;
    }
    c.weight = field_weights[f];
    c.left = ValueText(left_record, f, left.columns[f], match[f], true);
    c.right = ValueText(right_record, f, right.columns[f], match[f], false);
    e.fields.push_back(std::move(c));
  }
  return e;
}

void CheckInput(const std::vector<Record>& records, const LinkageConfig& config, const char* side) {
  for (const Record& r : records)
    if (r.values.size() != config.fields.size())
      throw std::invalid_argument(std::string(side) + "记录的字段数（" + std::to_string(r.values.size()) +
                                  "）与连接配置（" + std::to_string(config.fields.size()) + "）不一致");
}

// Term frequencies: how many right records hold each normalized value, set on both sides' alts.
// Returns, per field, the values common enough to matter (count / N above the floor) for the
// model, so that Explain can adjust the same way later.
std::vector<nlohmann::json> CountTermFrequencies(Features& left, Features& right,
                                                 const LinkageConfig& config, int threads) {
  std::vector<nlohmann::json> kept(config.fields.size(), nlohmann::json::object());
  std::vector<size_t> fields;
  for (size_t f = 0; f < config.fields.size(); ++f)
    if (config.fields[f].term_frequency) fields.push_back(f);
  ParallelFor(fields.size(), 1, threads, [&](size_t begin, size_t end) {
    for (size_t k = begin; k < end; ++k) {
      const size_t f = fields[k];
      Column& r = right.columns[f];
      struct Entry {
        uint32_t count = 0, alt = 0;
      };
      std::unordered_map<uint64_t, Entry> counts;
      counts.reserve(r.alts.size());
      for (uint32_t a = 0; a < r.alts.size(); ++a) {
        Entry& e = counts[r.alts[a].key];
        if (e.count++ == 0) e.alt = a;
      }
      for (Alt& a : r.alts) a.tf = counts[a.key].count;
      for (Alt& a : left.columns[f].alts) {
        const auto it = counts.find(a.key);
        a.tf = it == counts.end() ? 0 : it->second.count;
      }
      const double n = static_cast<double>(std::max<size_t>(right.records, 1));
      for (const auto& [key, e] : counts)
        if (e.count / n > config.tf_minimum_u) kept[f][CanonicalText(r, r.alts[e.alt])] = e.count;
    }
  });
  return kept;
}

// u: level frequencies over random left × right pairs (all pairs when there are few).
Table2 EstimateU(const Features& left, const Features& right, const LinkageConfig& config,
                 uint64_t& pairs) {
  const size_t fields = config.fields.size();
  const unsigned __int128 all = static_cast<unsigned __int128>(left.records) * right.records;
  const bool exhaustive = all <= config.u_sample_pairs;
  pairs = exhaustive ? static_cast<uint64_t>(all) : config.u_sample_pairs;
  constexpr size_t kBlock = 65536;
  const size_t blocks = (pairs + kBlock - 1) / kBlock;
  std::vector<std::vector<std::vector<uint64_t>>> counts(blocks);
  ParallelFor(blocks, 1, config.threads, [&](size_t begin, size_t end) {
    FieldMatch match[kMaxFields];
    for (size_t b = begin; b < end; ++b) {
      auto& c = counts[b];
      c.resize(fields);
      for (size_t f = 0; f < fields; ++f) c[f].assign(LevelsOf(config.fields[f].kind).size() + 1, 0);
      SplitMix rng{Mix(config.seed + b * 0x9e3779b97f4a7c15ull)};
      for (uint64_t p = b * kBlock; p < std::min<uint64_t>(pairs, (b + 1) * kBlock); ++p) {
        const size_t li = exhaustive ? p / right.records : rng.Below(left.records);
        const size_t ri = exhaustive ? p % right.records : rng.Below(right.records);
        CompareAll(left, li, right, ri, match);
        for (size_t f = 0; f < fields; ++f)
          if (match[f].level != kMissing) ++c[f][match[f].level];
      }
    }
  });
  Table2 u(fields);
  for (size_t f = 0; f < fields; ++f) {
    const size_t levels = LevelsOf(config.fields[f].kind).size();
    std::vector<uint64_t> total(levels, 0);
    for (const auto& c : counts)
      for (size_t l = 0; l < levels; ++l) total[l] += c[f][l];
    const double seen = static_cast<double>(std::accumulate(total.begin(), total.end(), uint64_t{0}));
    for (size_t l = 0; l < levels; ++l) {
      // A level no random pair reached is rarer than one in `seen`: half a pair.
      const double p = seen == 0 ? 1.0 / static_cast<double>(levels)
                                 : std::max(static_cast<double>(total[l]), 0.5) / seen;
      u[f].push_back(std::clamp(p, kMinProbability * kMinProbability, 1.0 - kMinProbability));
    }
  }
  return u;
}

struct EmSample {
  std::vector<std::pair<uint64_t, uint64_t>> patterns;  // sorted by pattern
  uint64_t pairs = 0, records = 0;
};

// Candidate pairs of left records taken in a seeded random order, a round of chunks at a time,
// until at least em_sample_pairs pairs: the same sample whatever the number of threads.
EmSample SampleCandidatePatterns(const Features& left, const Features& right, const BlockIndex& index,
                                 const LinkageConfig& config) {
  std::vector<uint32_t> order(left.records);
  std::iota(order.begin(), order.end(), 0u);
  SplitMix rng{config.seed ^ 0x6a09e667f3bcc908ull};
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
  constexpr size_t kChunk = 512, kRound = 16;
  const size_t fields = config.fields.size();
  std::unordered_map<uint64_t, uint64_t> all;
  EmSample sample;
  for (size_t from = 0; from < order.size() && sample.pairs < config.em_sample_pairs;
       from += kChunk * kRound) {
    const size_t to = std::min(order.size(), from + kChunk * kRound);
    const size_t chunks = (to - from + kChunk - 1) / kChunk;
    std::vector<std::unordered_map<uint64_t, uint64_t>> partial(chunks);
    std::vector<uint64_t> pairs(chunks, 0);
    ParallelFor(chunks, 1, config.threads, [&](size_t begin, size_t end) {
      BlockIndex::Scratch scratch;
      std::vector<uint32_t> candidates;
      FieldMatch match[kMaxFields];
      uint8_t levels[kMaxFields];
      uint64_t skipped = 0;
      for (size_t c = begin; c < end; ++c) {
        for (size_t k = from + c * kChunk; k < std::min(to, from + (c + 1) * kChunk); ++k) {
          index.Candidates(left, order[k], config.max_block_size, scratch, candidates, skipped);
          for (uint32_t ri : candidates) {
            CompareAll(left, order[k], right, ri, match);
            for (size_t f = 0; f < fields; ++f) levels[f] = match[f].level;
            ++partial[c][PackLevels(levels, fields)];
          }
          pairs[c] += candidates.size();
        }
      }
    });
    for (size_t c = 0; c < chunks; ++c) {
      for (const auto& [pattern, count] : partial[c]) all[pattern] += count;
      sample.pairs += pairs[c];
    }
    sample.records += to - from;
  }
  sample.patterns.assign(all.begin(), all.end());
  std::sort(sample.patterns.begin(), sample.patterns.end());
  return sample;
}

Model MakeModel(const LinkageConfig& config, const Table2& u, const EmResult& em,
                const std::vector<nlohmann::json>& tf, const EmSample& sample, uint64_t u_pairs,
                size_t left_records, size_t right_records) {
  Model model;
  model.prior_log2_odds = std::log2(em.lambda / (1.0 - em.lambda));
  nlohmann::json& d = model.detail;
  d["prior_log2_odds"] = model.prior_log2_odds;
  d["lambda"] = em.lambda;
  d["em_iterations"] = em.iterations;
  d["em_pairs"] = sample.pairs;
  d["em_records"] = sample.records;
  d["u_pairs"] = u_pairs;
  d["left_records"] = left_records;
  d["right_records"] = right_records;
  d["tf_minimum_u"] = config.tf_minimum_u;
  d["fields"] = nlohmann::json::array();
  for (size_t f = 0; f < config.fields.size(); ++f) {
    const FieldSpec& spec = config.fields[f];
    nlohmann::json field = {{"field", spec.name},
                            {"kind", KindName(spec.kind)},
                            {"label_zh", spec.label_zh},
                            {"term_frequency", spec.term_frequency},
                            {"levels", nlohmann::json::array()}};
    const auto levels = LevelsOf(spec.kind);
    for (size_t l = 0; l < levels.size(); ++l)
      field["levels"].push_back({{"level", levels[l].name},
                                 {"level_zh", levels[l].zh},
                                 {"m", em.m[f][l]},
                                 {"u", u[f][l]},
                                 {"weight", std::log2(em.m[f][l] / u[f][l])}});
    if (spec.term_frequency) field["term_frequencies"] = tf[f];
    d["fields"].push_back(std::move(field));
  }
  return model;
}

// The right record a left record links to by a valid resident ID, or kNone: same ID, and the
// names agree at least by pinyin (a mistyped ID that is another child's must not link).
uint32_t ExactIdMatch(const Features& left, size_t li, const Features& right, const BlockIndex& index,
                      const LinkageConfig& config) {
  size_t name_field = config.fields.size();
  for (size_t f = 0; f < config.fields.size(); ++f)
    if (config.fields[f].kind == FieldKind::kName) {
      name_field = f;
      break;
    }
  for (size_t f = 0; f < config.fields.size(); ++f) {
    if (config.fields[f].kind != FieldKind::kIdNumber) continue;
    const Column& ids = left.columns[f];
    for (const Alt& alt : ids.AltsOf(li)) {
      if (alt.extra != 1) continue;  // not a valid resident ID
      for (uint32_t ri : index.SameId(f, ids, alt)) {
        if (name_field == config.fields.size()) return ri;
        const FieldMatch names = CompareField(left.columns[name_field], li, right.columns[name_field], ri);
        if (names.level <= kNamePinyinClose) return ri;
      }
    }
  }
  return kNone;
}

}  // namespace

nlohmann::json PairExplanation::ToJson() const {
  nlohmann::json j = {{"weight", weight}, {"probability", probability}, {"fields", nlohmann::json::array()}};
  for (const FieldComparison& f : fields)
    j["fields"].push_back({{"field", f.field},
                           {"label_zh", f.label_zh},
                           {"level", f.level},
                           {"level_zh", f.level_zh},
                           {"weight", f.weight},
                           {"left", f.left},
                           {"right", f.right}});
  return j;
}

nlohmann::json Model::ToJson() const {
  nlohmann::json j = detail.is_object() ? detail : nlohmann::json::object();
  j["prior_log2_odds"] = prior_log2_odds;
  return j;
}

Model Model::FromJson(const nlohmann::json& json) {
  Model model;
  model.detail = json;
  model.prior_log2_odds = json.value("prior_log2_odds", 0.0);
  return model;
}

LinkResult Link(const std::vector<Record>& left_records, const std::vector<Record>& right_records,
                const LinkageConfig& config) {
  CheckInput(left_records, config, "左侧");
  CheckInput(right_records, config, "右侧");
  if (config.fields.size() > kMaxFields)
    throw std::invalid_argument("连接字段过多（最多" + std::to_string(kMaxFields) + "个）");
  if (right_records.size() >= kNone) throw std::invalid_argument("右侧记录过多");
  LinkResult result;
  result.left.resize(left_records.size());
  if (left_records.empty() || right_records.empty()) {
    result.stats.news = left_records.size();
    return result;
  }
  const int threads = std::max(config.threads, 1);
  const Date today = TodayInChina();

  auto start = Clock::now();
  Features left, right;
  {
    std::thread other([&] { right = BuildFeatures(right_records, config, false, today, (threads + 1) / 2); });
    left = BuildFeatures(left_records, config, true, today, std::max(threads / 2, 1));
    other.join();
  }
  const std::vector<nlohmann::json> tf = CountTermFrequencies(left, right, config, threads);
  result.stats.seconds_features = SecondsSince(start);

  start = Clock::now();
  const BlockIndex index(right, CompileRules(config), threads);
  std::vector<uint32_t> exact(left.records, kNone);
  ParallelFor(left.records, 4096, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) exact[i] = ExactIdMatch(left, i, right, index, config);
  });
  result.stats.seconds_blocking = SecondsSince(start);

  start = Clock::now();
  uint64_t u_pairs = 0;
  const Table2 u = EstimateU(left, right, config, u_pairs);
  const EmSample sample = SampleCandidatePatterns(left, right, index, config);
  std::vector<FieldKind> kinds;
  for (const FieldSpec& f : config.fields) kinds.push_back(f.kind);
  const double lambda_start =
      sample.pairs == 0 ? 0.5 : 0.5 * static_cast<double>(sample.records) / static_cast<double>(sample.pairs);
  const EmResult em = RunEm(sample.patterns, kinds, u, lambda_start, config.em_iterations);
  result.model = MakeModel(config, u, em, tf, sample, u_pairs, left.records, right.records);
  const Weights weights = CompileWeights(result.model, config);
  result.stats.seconds_estimating = SecondsSince(start);

  start = Clock::now();
  // The differ level of each required field (kMissing = not required).
  std::vector<uint8_t> veto(config.fields.size(), kMissing);
  for (size_t f = 0; f < config.fields.size(); ++f)
    if (config.fields[f].required) veto[f] = static_cast<uint8_t>(LevelsOf(config.fields[f].kind).size() - 1);
  std::vector<uint32_t> best(left.records, kNone);
  std::vector<uint8_t> best_vetoed(left.records, 0);
  // The runner-up only among candidates that could be linked: a sibling that differs in name
  // or birth date is no rival.
  std::vector<double> best_weight(left.records, kNoWeight), second_weight(left.records, kNoWeight);
  std::atomic<uint64_t> pairs{0}, skipped{0};
  ParallelFor(left.records, 2048, threads, [&](size_t begin, size_t end) {
    BlockIndex::Scratch scratch;
    std::vector<uint32_t> candidates;
    FieldMatch match[kMaxFields];
    uint64_t chunk_pairs = 0, chunk_skipped = 0;
    for (size_t i = begin; i < end; ++i) {
      if (exact[i] != kNone) continue;
      index.Candidates(left, i, config.max_block_size, scratch, candidates, chunk_skipped);
      chunk_pairs += candidates.size();
      for (uint32_t ri : candidates) {
        CompareAll(left, i, right, ri, match);
        const double w = ScorePair(weights, left, right, match, nullptr);
        bool vetoed = false;
        for (size_t f = 0; f < config.fields.size(); ++f) vetoed |= match[f].level == veto[f];
        if (w > best_weight[i]) {
          if (!best_vetoed[i]) second_weight[i] = best_weight[i];
          best_weight[i] = w;
          best[i] = ri;
          best_vetoed[i] = vetoed;
        } else if (w > second_weight[i] && !vetoed) {
          second_weight[i] = w;
        }
      }
    }
    pairs += chunk_pairs;
    skipped += chunk_skipped;
  });
  result.stats.candidate_pairs = pairs;
  result.stats.skipped_blocks = skipped;

  ParallelFor(left.records, 1024, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      LeftResult& r = result.left[i];
      if (exact[i] != kNone) {
        r.decision = Decision::kLink;
        r.method = Method::kExactId;
        r.right = exact[i];
      } else if (best[i] != kNone) {
        r.method = Method::kProbabilistic;
        r.right = best[i];
        const double p = Probability(best_weight[i]);
        if (p >= config.upper) {
          const bool ambiguous = Probability(second_weight[i]) >= config.upper &&
                                 best_weight[i] - second_weight[i] < config.ambiguity_margin;
          r.decision = ambiguous || best_vetoed[i] ? Decision::kReview : Decision::kLink;
        } else {
          r.decision = p >= config.lower ? Decision::kReview : Decision::kNew;
        }
      }
      if (r.right)
        r.explanation = MakeExplanation(weights, config, left, i, left_records[i], right, *r.right,
                                        right_records[*r.right]);
    }
  });
  for (size_t i = 0; i < left.records; ++i) {
    const LeftResult& r = result.left[i];
    if (r.method == Method::kExactId) ++result.stats.exact_id_links;
    if (r.decision == Decision::kReview && best_vetoed[i] && Probability(best_weight[i]) >= config.upper)
      ++result.stats.held_back;
    if (r.decision == Decision::kLink) ++result.stats.links;
    else if (r.decision == Decision::kReview) ++result.stats.reviews;
    else ++result.stats.news;
  }
  result.stats.seconds_scoring = SecondsSince(start);
  return result;
}

PairExplanation Explain(const Record& left_record, const Record& right_record,
                        const LinkageConfig& config, const Model& model) {
  CheckInput({left_record}, config, "左侧");
  CheckInput({right_record}, config, "右侧");
  const Weights weights = CompileWeights(model, config);
  const Date today = TodayInChina();
  Features left = BuildFeatures({left_record}, config, true, today, 1);
  Features right = BuildFeatures({right_record}, config, false, today, 1);
  for (size_t f = 0; f < config.fields.size(); ++f) {
    if (!weights.tf[f]) continue;
    static const nlohmann::json kNoCounts = nlohmann::json::object();
    const nlohmann::json& field = model.detail["fields"][f];
    const nlohmann::json& counts = field.contains("term_frequencies") ? field["term_frequencies"] : kNoCounts;
    for (Features* side : {&left, &right}) {
      Column& column = side->columns[f];
      for (Alt& alt : column.alts) {
        const auto it = counts.find(CanonicalText(column, alt));
        alt.tf = it == counts.end() ? 0 : it->get<uint32_t>();
      }
    }
  }
  return MakeExplanation(weights, config, left, 0, left_record, right, 0, right_record);
}

}  // namespace tongan::linkage
