#include "linkage/estimate.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "linkage/compare.h"
#include "linkage/model.h"

namespace tongan::linkage::internal {
namespace {

struct SplitMix {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
};

// u: level frequencies over random left × right pairs (all pairs when there are few). Blocks of
// pairs have their own seeds, so the estimate does not depend on the number of threads. Each
// random left record meets several random right records, and a block's pairs are compared in
// the order of the right side: the same estimate, read from memory in fewer trips.
Table2 EstimateU(const Features& left, const Features& right, const LinkageConfig& config,
                 uint64_t& pairs) {
  constexpr uint64_t kRightsPerLeft = 16;
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
      for (size_t f = 0; f < fields; ++f) c[f].assign(LevelsOf(config.fields[f].kind).size(), 0);
      SplitMix rng{Mix(config.seed + b * 0x9e3779b97f4a7c15ull)};
      std::vector<std::pair<uint32_t, uint32_t>> block;  // (right, left)
      size_t li = 0;
      for (uint64_t p = b * kBlock; p < std::min<uint64_t>(pairs, (b + 1) * kBlock); ++p) {
        if (!exhaustive && p % kRightsPerLeft == 0) li = rng.Below(left.records);
        if (exhaustive) li = p / right.records;
        const size_t ri = exhaustive ? p % right.records : rng.Below(right.records);
        block.emplace_back(static_cast<uint32_t>(ri), static_cast<uint32_t>(li));
      }
      std::sort(block.begin(), block.end());  // one sweep over the right side's memory
      for (const auto& [ri, li] : block) {
        CompareAll(left, li, right, ri, match);
        // Two records with one resident ID are one child: a match drawn by chance, not one of
        // the non-matches u describes (in a small registry they would be most pairs agreeing on
        // an ID, a phone or an address).
        bool same_id = false;
        for (size_t f = 0; f < fields; ++f)
          same_id |= config.fields[f].kind == FieldKind::kIdNumber && match[f].level == kIdExact;
        if (same_id) continue;
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
      // A level no random pair reached is rarer than one in `seen`: count it as half a pair.
      const double p = seen == 0 ? 1.0 / static_cast<double>(levels)
                                 : std::max(static_cast<double>(total[l]), 0.5) / seen;
      u[f].push_back(std::clamp(p, kMinProbability * kMinProbability, 1.0 - kMinProbability));
    }
  }
  return u;
}

// One EM session: the candidate pairs of one rule, and the fields it may estimate.
struct Session {
  size_t rule = 0;
  std::vector<uint8_t> free;  // fields the rule does not block on
  std::vector<uint8_t> only;  // rule mask for BlockIndex::Candidates
  Patterns patterns;
  uint64_t pairs = 0;
};

struct Sample {
  std::vector<Session> sessions;
  Patterns all;  // candidates by all rules
  uint64_t all_pairs = 0, records = 0;
};

// The configured training rules; by default the blocking rules not keyed on a grouped field (blocks
// on a phone or a guardian are full of brothers and sisters, who agree on the whole household at
// once: u from random pairs cannot explain that among non-matches, and EM would call them
// matches) and the exact ID.
std::vector<Session> MakeSessions(const BlockIndex& index, const LinkageConfig& config) {
  std::vector<Session> sessions;
  const size_t fields = config.fields.size();
  for (size_t r = 0; r < index.rules().size(); ++r) {
    const Rule& rule = index.rules()[r];
    Session s;
    s.rule = r;
    s.free.assign(fields, 1);
    bool grouped = false;
    for (const KeyPart& part : rule.parts) {
      s.free[part.field] = 0;
      grouped |= !config.fields[part.field].group.empty();
    }
    const bool use = config.training.empty() ? rule.scoring && !grouped : rule.training;
    if (!use || std::count(s.free.begin(), s.free.end(), 1) == 0) continue;
    s.only.assign(index.rules().size(), 0);
    s.only[r] = 1;
    sessions.push_back(std::move(s));
  }
  return sessions;
}

Patterns Sorted(const std::unordered_map<uint64_t, uint64_t>& counts) {
  Patterns p(counts.begin(), counts.end());
  std::sort(p.begin(), p.end());
  return p;
}

// Runs of left records in `left_order` (neighbours share blocks, so a run reads memory that is
// already in the cache), the runs in a seeded random order, a round of runs at a time until the
// candidates of all rules reach em_sample_pairs: the same sample whatever the number of threads.
Sample SampleCandidates(const Features& left, const Features& right, const BlockIndex& index,
                        const std::vector<uint32_t>& left_order, const LinkageConfig& config) {
  Sample sample;
  sample.sessions = MakeSessions(index, config);
  const size_t sessions = sample.sessions.size();
  constexpr size_t kChunk = 64, kRound = 32;  // a chunk is one run
  std::vector<uint32_t> runs((left.records + kChunk - 1) / kChunk);
  std::iota(runs.begin(), runs.end(), 0u);
  SplitMix rng{config.seed ^ 0x6a09e667f3bcc908ull};
  for (size_t i = runs.size(); i > 1; --i) std::swap(runs[i - 1], runs[rng.Below(i)]);
  std::vector<uint32_t> order;
  order.reserve(left.records);
  for (uint32_t run : runs)
    for (size_t k = run * kChunk; k < std::min<size_t>(left.records, (run + 1) * kChunk); ++k)
      order.push_back(left_order[k]);

  const size_t fields = config.fields.size();
  struct Partial {
    std::vector<std::unordered_map<uint64_t, uint64_t>> by_session;
    std::unordered_map<uint64_t, uint64_t> all;
    std::vector<uint64_t> session_pairs;
    uint64_t all_pairs = 0;
  };
  std::vector<std::unordered_map<uint64_t, uint64_t>> by_session(sessions);
  std::unordered_map<uint64_t, uint64_t> all;
  for (size_t from = 0; from < order.size() && sample.all_pairs < config.em_sample_pairs;
       from += kChunk * kRound) {
    const size_t to = std::min(order.size(), from + kChunk * kRound);
    const size_t chunks = (to - from + kChunk - 1) / kChunk;
    std::vector<Partial> partial(chunks);
    ParallelFor(chunks, 1, config.threads, [&](size_t begin, size_t end) {
      BlockIndex::Scratch scratch;
      std::vector<uint32_t> candidates;
      FieldMatch match[kMaxFields];
      uint8_t levels[kMaxFields];
      uint64_t skipped = 0;
      const auto pattern = [&](size_t li, uint32_t ri) {
        CompareAll(left, li, right, ri, match);
        for (size_t f = 0; f < fields; ++f) levels[f] = match[f].level;
        return PackLevels(levels, fields);
      };
      for (size_t c = begin; c < end; ++c) {
        Partial& p = partial[c];
        p.by_session.resize(sessions);
        p.session_pairs.assign(sessions, 0);
        for (size_t k = from + c * kChunk; k < std::min(to, from + (c + 1) * kChunk); ++k) {
          const size_t li = order[k];
          for (size_t s = 0; s < sessions; ++s) {
            index.Candidates(left, li, config.max_block_size, scratch, candidates, skipped,
                             &sample.sessions[s].only);
            for (uint32_t ri : candidates) ++p.by_session[s][pattern(li, ri)];
            p.session_pairs[s] += candidates.size();
          }
          index.Candidates(left, li, config.max_block_size, scratch, candidates, skipped);
          for (uint32_t ri : candidates) ++p.all[pattern(li, ri)];
          p.all_pairs += candidates.size();
        }
      }
    });
    for (const Partial& p : partial) {
      for (size_t s = 0; s < sessions; ++s) {
        for (const auto& [key, count] : p.by_session[s]) by_session[s][key] += count;
        sample.sessions[s].pairs += p.session_pairs[s];
      }
      for (const auto& [key, count] : p.all) all[key] += count;
      sample.all_pairs += p.all_pairs;
    }
    sample.records += to - from;
  }
  for (size_t s = 0; s < sessions; ++s) sample.sessions[s].patterns = Sorted(by_session[s]);
  sample.all = Sorted(all);
  return sample;
}

nlohmann::json RuleJson(const BlockIndex& index, size_t r) { return index.rules()[r].keys; }

}  // namespace

Model EstimateModel(const Features& left, const Features& right, const BlockIndex& index,
                    const std::vector<uint32_t>& left_order, const LinkageConfig& config,
                    const std::vector<nlohmann::json>& term_frequencies) {
  const size_t fields = config.fields.size();
  std::vector<FieldKind> kinds;
  for (const FieldSpec& f : config.fields) kinds.push_back(f.kind);
  uint64_t u_pairs = 0;
  const Table2 u = EstimateU(left, right, config, u_pairs);
  const Sample sample = SampleCandidates(left, right, index, left_order, config);

  // m: each session's estimate for its free fields, weighted by the matches it found.
  Table2 m_sum(fields);
  std::vector<double> m_weight(fields, 0.0);
  for (size_t f = 0; f < fields; ++f) m_sum[f].assign(LevelsOf(kinds[f]).size(), 0.0);
  nlohmann::json sessions = nlohmann::json::array();
  for (const Session& s : sample.sessions) {
    if (s.pairs == 0) continue;
    const double lambda_start =
        std::min(0.5, 0.5 * static_cast<double>(sample.records) / static_cast<double>(s.pairs));
    const EmResult em = RunEm(s.patterns, kinds, u, s.free, lambda_start, config.em_iterations);
    const double matches = em.lambda * static_cast<double>(s.pairs);
    nlohmann::json estimated = nlohmann::json::array();
    for (size_t f = 0; f < fields; ++f) {
      if (!s.free[f]) continue;
      estimated.push_back(config.fields[f].name);
      for (size_t l = 0; l < m_sum[f].size(); ++l) m_sum[f][l] += matches * em.m[f][l];
      m_weight[f] += matches;
    }
    sessions.push_back({{"rule", RuleJson(index, s.rule)},
                        {"pairs", s.pairs},
                        {"lambda", em.lambda},
                        {"iterations", em.iterations},
                        {"estimated", estimated}});
  }
  Table2 m(fields);
  for (size_t f = 0; f < fields; ++f) {
    const auto levels = LevelsOf(kinds[f]);
    double start_total = 0;
    for (const LevelDef& l : levels) start_total += l.m_start;
    for (size_t l = 0; l < levels.size(); ++l)
      m[f].push_back(std::clamp(m_weight[f] > 0 ? m_sum[f][l] / m_weight[f] : levels[l].m_start / start_total,
                                kMinM, 1.0 - kMinM));
  }

  Model model;
  nlohmann::json& d = model.detail;
  d["em_sessions"] = sessions;
  d["em_records"] = sample.records;
  d["em_pairs"] = sample.all_pairs;
  d["u_pairs"] = u_pairs;
  d["left_records"] = left.records;
  d["right_records"] = right.records;
  d["tf_minimum_u"] = config.tf_minimum_u;
  d["fields"] = nlohmann::json::array();
  for (size_t f = 0; f < fields; ++f) {
    const FieldSpec& spec = config.fields[f];
    nlohmann::json field = {{"field", spec.name},
                            {"kind", KindName(spec.kind)},
                            {"label_zh", spec.label_zh},
                            {"term_frequency", spec.term_frequency},
                            {"required", spec.required},
                            {"group", spec.group},
                            {"levels", nlohmann::json::array()}};
    const auto levels = LevelsOf(spec.kind);
    for (size_t l = 0; l < levels.size(); ++l)
      field["levels"].push_back({{"level", levels[l].name},
                                 {"level_zh", levels[l].zh},
                                 {"m", m[f][l]},
                                 {"u", u[f][l]},
                                 {"weight", std::log2(m[f][l] / u[f][l])}});
    if (spec.term_frequency) field["term_frequencies"] = term_frequencies[f];
    d["fields"].push_back(std::move(field));
  }

  // λ from all candidates, each pattern weighed as scoring will (groups counted once).
  const Weights weights = CompileWeights(model, config);
  std::vector<double> ratios;
  ratios.reserve(sample.all.size());
  double field_weights[kMaxFields], deductions[kMaxFields];
  for (const auto& [packed, count] : sample.all) {
    double ratio = 0;
    for (size_t f = 0; f < fields; ++f) {
      const uint8_t level = UnpackLevel(packed, f);
      field_weights[f] = level == kMissing ? 0.0 : weights.weight[f][level];
      ratio += field_weights[f];
    }
    weights.GroupDeductions(field_weights, deductions);
    for (size_t g = 0; g < weights.group_names.size(); ++g) ratio += deductions[g];
    ratios.push_back(ratio);
  }
  // The prior is that of two records taken at random, as u is: the sampled left records against
  // every right record (a left record has at most one match: start from 1 / right records).
  const double all_pairs = static_cast<double>(sample.records) * static_cast<double>(right.records);
  const double lambda = RunLambdaEm(sample.all, ratios, all_pairs, 0.5 / static_cast<double>(right.records), 200);
  model.prior_log2_odds = std::log2(lambda / (1.0 - lambda));
  d["lambda"] = lambda;
  d["expected_matches_per_left_record"] = lambda * static_cast<double>(right.records);
  d["prior_log2_odds"] = model.prior_log2_odds;
  return model;
}

}  // namespace tongan::linkage::internal
