// Link and Explain: features of both sides, blocking, u from random pairs, EM for m and λ on a
// sample of candidate pairs, then every left record's candidates scored in parallel and decided.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include "linkage/blocking.h"
#include "linkage/compare.h"
#include "linkage/estimate.h"
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

// Prior plus the field weights in field order plus the group deductions: Link and Explain both
// call this, so they agree to the last bit.
double ScorePair(const Weights& w, const Features& left, const Features& right,
                 const FieldMatch* match, double* field_weights, double* deductions) {
  double total = w.prior;
  for (size_t f = 0; f < left.columns.size(); ++f) {
    const uint8_t level = match[f].level;
    uint32_t count_left = 0, count_right = 0;
    if (level != kMissing && w.tf[f]) {
      count_left = left.columns[f].alts[match[f].left_alt].tf;
      count_right = right.columns[f].alts[match[f].right_alt].tf;
    }
    field_weights[f] = w.FieldWeight(f, level, count_left, count_right);
    total += field_weights[f];
  }
  w.GroupDeductions(field_weights, deductions);
  for (size_t g = 0; g < w.group_names.size(); ++g) total += deductions[g];
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
  double field_weights[kMaxFields], deductions[kMaxFields];
  CompareAll(left, li, right, ri, match);
  PairExplanation e;
  e.weight = ScorePair(w, left, right, match, field_weights, deductions);
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
  // A group's agreements beyond its strongest, taken back (after the fields, so that indices of
  // the fields stay those of the configuration).
  for (size_t g = 0; g < w.group_names.size(); ++g) {
    if (deductions[g] == 0) continue;
    FieldComparison c;
    c.field = "group:" + w.group_names[g];
    std::string members;
    for (size_t f = 0; f < config.fields.size(); ++f)
      if (w.group[f] == static_cast<int>(g)) members += (members.empty() ? "" : "、") + config.fields[f].label_zh;
    c.label_zh = "同组字段：" + members;
    c.level = "group_cap";
    c.level_zh = "只计最强一项";
    c.weight = deductions[g];
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

// The best candidate of every left record, and the best rival that could be linked too.
struct Best {
  std::vector<uint32_t> right;  // kNone: no candidate
  std::vector<double> weight, second;
  std::vector<uint8_t> vetoed;  // a required field of the best candidate plainly differs

  explicit Best(size_t n) : right(n, kNone), weight(n, kNoWeight), second(n, kNoWeight), vetoed(n, 0) {}

  void Offer(size_t i, uint32_t ri, double w, bool veto) {
    if (w > weight[i]) {
      if (!vetoed[i]) second[i] = weight[i];
      weight[i] = w;
      right[i] = ri;
      vetoed[i] = veto;
    } else if (w > second[i] && !veto) {  // a sibling that differs in name or birth date is no rival
      second[i] = w;
    }
  }

  Decision Decide(size_t i, const LinkageConfig& config) const {
    const double p = Probability(weight[i]);
    if (p < config.upper) return p >= config.lower ? Decision::kReview : Decision::kNew;
    // Two candidates nearly alike (twins, a child registered twice): a person decides.
    const bool ambiguous =
        Probability(second[i]) >= config.upper && weight[i] - second[i] < config.ambiguity_margin;
    return ambiguous || vetoed[i] ? Decision::kReview : Decision::kLink;
  }
};

// Scores every candidate of every left record not linked by ID, in parallel over chunks of left
// records taken in `left_order`.
Best ScoreCandidates(const Features& left, const Features& right, const BlockIndex& index,
                     const std::vector<uint32_t>& left_order, const std::vector<uint32_t>& exact,
                     const Weights& weights, const LinkageConfig& config, LinkStats& stats) {
  // The differ level of each required field (kNotRequired otherwise; kMissing is no veto).
  constexpr uint8_t kNotRequired = kMissing - 1;
  std::vector<uint8_t> veto(config.fields.size(), kNotRequired);
  for (size_t f = 0; f < config.fields.size(); ++f)
    if (config.fields[f].required) veto[f] = static_cast<uint8_t>(LevelsOf(config.fields[f].kind).size() - 1);
  Best best(left.records);
  std::atomic<uint64_t> pairs{0}, skipped{0};
  ParallelFor(left.records, 2048, config.threads, [&](size_t begin, size_t end) {
    BlockIndex::Scratch scratch;
    std::vector<uint32_t> candidates;
    FieldMatch match[kMaxFields];
    double field_weights[kMaxFields], deductions[kMaxFields];
    uint64_t chunk_pairs = 0, chunk_skipped = 0;
    for (size_t k = begin; k < end; ++k) {
      const size_t i = left_order[k];
      if (exact[i] != kNone) continue;
      index.Candidates(left, i, config.max_block_size, scratch, candidates, chunk_skipped);
      chunk_pairs += candidates.size();
      for (uint32_t ri : candidates) {
        CompareAll(left, i, right, ri, match);
        const double w = ScorePair(weights, left, right, match, field_weights, deductions);
        bool vetoed = false, same_id = false;
        for (size_t f = 0; f < config.fields.size(); ++f) {
          vetoed |= match[f].level == veto[f];
          same_id |= config.fields[f].kind == FieldKind::kIdNumber && match[f].level == kIdExact;
        }
        // The same resident ID: not a brother or sister, the weight decides.
        best.Offer(i, ri, w, vetoed && !same_id);
      }
    }
    pairs += chunk_pairs;
    skipped += chunk_skipped;
  });
  stats.candidate_pairs = pairs;
  stats.skipped_blocks = skipped;
  return best;
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
  if (threads == 1) {
    left = BuildFeatures(left_records, config, true, today, 1);
    right = BuildFeatures(right_records, config, false, today, 1);
  } else {  // both sides at once, the threads shared between them
    std::thread other([&] { right = BuildFeatures(right_records, config, false, today, (threads + 1) / 2); });
    left = BuildFeatures(left_records, config, true, today, threads / 2);
    other.join();
  }
  const std::vector<nlohmann::json> tf = CountTermFrequencies(left, right, config, threads);
  result.stats.seconds_features = SecondsSince(start);

  start = Clock::now();
  std::vector<Rule> rules = CompileRules(config);
  // Right records in the order of the first rule's key, left records visited in that order too:
  // a block's records then lie together in memory, and neighbouring left records meet the same
  // blocks while they are still in the cache.
  const std::vector<uint32_t> right_order = OrderByKey(right, rules.front());
  right = Permute(right, right_order);
  const std::vector<uint32_t> left_order = OrderByKey(left, rules.front());
  const BlockIndex index(right, std::move(rules), threads);
  std::vector<uint32_t> exact(left.records, kNone);
  ParallelFor(left.records, 4096, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) exact[i] = ExactIdMatch(left, i, right, index, config);
  });
  result.stats.seconds_blocking = SecondsSince(start);

  start = Clock::now();
  result.model = EstimateModel(left, right, index, left_order, config, tf);
  const Weights weights = CompileWeights(result.model, config);
  result.stats.seconds_estimating = SecondsSince(start);

  start = Clock::now();
  const Best best = ScoreCandidates(left, right, index, left_order, exact, weights, config, result.stats);
  ParallelFor(left.records, 1024, threads, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      LeftResult& r = result.left[i];
      uint32_t ri = kNone;
      if (exact[i] != kNone) {
        r.decision = Decision::kLink;
        r.method = Method::kExactId;
        ri = exact[i];
      } else if (best.right[i] != kNone) {
        r.method = Method::kProbabilistic;
        r.decision = best.Decide(i, config);
        ri = best.right[i];
      }
      if (ri != kNone) {
        r.right = right_order[ri];
        r.explanation = MakeExplanation(weights, config, left, i, left_records[i], right, ri,
                                        right_records[*r.right]);
      }
    }
  });
  for (size_t i = 0; i < left.records; ++i) {
    const LeftResult& r = result.left[i];
    if (r.method == Method::kExactId) ++result.stats.exact_id_links;
    if (r.decision == Decision::kReview && best.vetoed[i] && Probability(best.weight[i]) >= config.upper)
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
