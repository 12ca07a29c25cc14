#include "linkage/model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tongan::linkage::internal {
namespace {

double Clamp(double p) { return std::clamp(p, kMinM, 1.0 - kMinM); }

constexpr double kPriorMatches = 10;

}  // namespace

EmResult RunEm(const Patterns& patterns, const std::vector<FieldKind>& kinds, const Table2& u,
               const std::vector<uint8_t>& free, double lambda_start, int max_iterations) {
  const size_t fields = kinds.size();
  EmResult r;
  r.m.resize(fields);
  for (size_t f = 0; f < fields; ++f) {
    const auto levels = LevelsOf(kinds[f]);
    double total = 0;
    for (const LevelDef& l : levels) total += l.m_start;
    for (const LevelDef& l : levels) r.m[f].push_back(l.m_start / total);
  }
  const Table2 start = r.m;
  r.lambda = std::clamp(lambda_start, 1e-9, 0.5);
  Table2 log_u(fields);
  for (size_t f = 0; f < fields; ++f)
    for (double p : u[f]) log_u[f].push_back(std::log(p));
  std::vector<uint8_t> levels(fields);
  for (r.iterations = 0; r.iterations < max_iterations;) {
    ++r.iterations;
    Table2 log_m(fields), acc(fields);
    for (size_t f = 0; f < fields; ++f) {
      for (double p : r.m[f]) log_m[f].push_back(std::log(p));
      acc[f].assign(r.m[f].size(), 0.0);
    }
    const double log_lambda = std::log(r.lambda), log_other = std::log1p(-r.lambda);
    double matches = 0, total = 0;
    for (const auto& [packed, count] : patterns) {
      double lm = log_lambda, lu = log_other;
      for (size_t f = 0; f < fields; ++f) {
        levels[f] = free[f] ? UnpackLevel(packed, f) : kMissing;
        if (levels[f] == kMissing) continue;
        lm += log_m[f][levels[f]];
        lu += log_u[f][levels[f]];
      }
      const double p = 1.0 / (1.0 + std::exp(lu - lm));
      const double weighted = p * static_cast<double>(count);
      matches += weighted;
      total += static_cast<double>(count);
      for (size_t f = 0; f < fields; ++f)
        if (levels[f] != kMissing) acc[f][levels[f]] += weighted;
    }
    if (total == 0) break;
    double change = 0;
    for (size_t f = 0; f < fields; ++f) {
      double sum = 0;
      for (double a : acc[f]) sum += a;
      if (sum <= 0) continue;  // never observed: keep the starting m
      for (size_t l = 0; l < acc[f].size(); ++l) {
        // The starting m counts as kPriorMatches matches seen: it decides for a handful of
        // records and vanishes among thousands.
        const double m = Clamp((acc[f][l] + kPriorMatches * start[f][l]) / (sum + kPriorMatches));
        change = std::max(change, std::abs(m - r.m[f][l]));
        r.m[f][l] = m;
      }
    }
    const double lambda = std::clamp(matches / total, 1e-9, 1.0 - 1e-9);
    change = std::max(change, std::abs(lambda - r.lambda) / r.lambda * 1e-3);
    r.lambda = lambda;
    if (change < 1e-7) break;
  }
  return r;
}

double RunLambdaEm(const Patterns& patterns, const std::vector<double>& pattern_log2_ratio,
                   double all_pairs, double lambda_start, int max_iterations) {
  constexpr double kLeast = 1e-15;
  double lambda = std::clamp(lambda_start, kLeast, 0.5);
  if (all_pairs <= 0) return lambda;
  for (int i = 0; i < max_iterations; ++i) {
    const double prior = std::log2(lambda / (1.0 - lambda));
    double matches = 0;
    for (size_t p = 0; p < patterns.size(); ++p)
      matches += static_cast<double>(patterns[p].second) / (1.0 + std::exp2(-(prior + pattern_log2_ratio[p])));
    const double next = std::clamp(matches / all_pairs, kLeast, 0.5);
    const bool done = std::abs(next - lambda) < lambda * 1e-6;
    lambda = next;
    if (done) break;
  }
  return lambda;
}

double Weights::FieldWeight(size_t f, uint8_t level, uint32_t count_left,
                            uint32_t count_right) const {
  if (level == kMissing) return 0;
  double w = weight[f][level];
  if (tf[f] && LevelsOf(kinds[f])[level].term_frequency) {
    const double count = static_cast<double>(std::max(count_left, count_right));
    const double u_value = std::max(count / right_records, tf_floor);
    w += std::log2(u_exact[f] / u_value);
  }
  return w;
}

void Weights::GroupDeductions(const double* field_weights, double* deductions) const {
  for (size_t g = 0; g < group_names.size(); ++g) {
    double sum = 0, largest = 0;
    for (size_t f = 0; f < group.size(); ++f) {
      if (group[f] != static_cast<int>(g) || field_weights[f] <= 0) continue;
      sum += field_weights[f];
      largest = std::max(largest, field_weights[f]);
    }
    deductions[g] = largest - sum;
  }
}

Weights CompileWeights(const Model& model, const LinkageConfig& config) {
  const nlohmann::json& d = model.detail;
  if (!d.is_object() || !d.contains("fields") || d["fields"].size() != config.fields.size())
    throw std::invalid_argument("模型与连接配置的字段不一致");
  Weights w;
  w.prior = model.prior_log2_odds;
  w.tf_floor = d.value("tf_minimum_u", config.tf_minimum_u);
  w.right_records = std::max(1.0, d.value("right_records", 1.0));
  for (size_t f = 0; f < config.fields.size(); ++f) {
    const nlohmann::json& field = d["fields"][f];
    const FieldSpec& spec = config.fields[f];
    const auto levels = LevelsOf(spec.kind);
    if (field.value("field", "") != spec.name || !field.contains("levels") ||
        field["levels"].size() != levels.size())
      throw std::invalid_argument("模型与连接配置的字段不一致：" + spec.name);
    w.kinds.push_back(spec.kind);
    w.weight.emplace_back();
    for (const auto& level : field["levels"]) w.weight.back().push_back(level["weight"].get<double>());
    w.u_exact.push_back(field["levels"][0]["u"].get<double>());
    w.tf.push_back(field.value("term_frequency", false) ? 1 : 0);
    int group = -1;
    const std::string group_name = field.value("group", spec.group);  // as the model was estimated
    if (!group_name.empty()) {
      const auto it = std::find(w.group_names.begin(), w.group_names.end(), group_name);
      group = static_cast<int>(it - w.group_names.begin());
      if (it == w.group_names.end()) w.group_names.push_back(group_name);
    }
    w.group.push_back(group);
  }
  return w;
}

}  // namespace tongan::linkage::internal
