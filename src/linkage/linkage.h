// Record linkage between a department's records (left) and the child registry (right):
// exact on a valid resident ID, otherwise a Fellegi–Sunter model whose m and u probabilities are
// estimated from the data (EM for m, random pairs for u), with blocking to keep the number of
// compared pairs small and term-frequency adjustment for names. Generic over field kinds: a
// configuration names the fields, their kinds and the blocking rules, so any column set links.
// No I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tongan::linkage {

enum class FieldKind {
  kIdNumber,  // 18-character resident ID
  kName,      // a Chinese personal name: variants, homophones (pinyin) and character edits
  kDate,      // YYYY-MM-DD: exact, day/month swapped, one part off by one, same year and month
  kSex,       // 男 / 女 (or any two-value category)
  kPhone,     // digits; last 8 digits, one edit
  kAddress,   // free text: shared character bigrams
  kCategory,  // any other value compared for equality
};

struct FieldSpec {
  std::string name;      // e.g. "name", "birth_date"
  FieldKind kind;
  std::string label_zh;  // e.g. "姓名", shown in explanations
  bool term_frequency = false;  // adjust the exact-agreement weight by how common the value is
  // A pair whose values of this field plainly differ is never linked automatically (review at
  // most), however well the rest agrees: brothers and sisters share guardian, phone and address,
  // and twins the birth date too, so only the child's own name and birth date tell them apart.
  // Unless the resident IDs are the same: then the weight decides.
  bool required = false;
  // Fields describing one thing share a group ("household": guardian, phone, address). Their
  // agreements are not independent evidence (brothers and sisters agree on all of them at once),
  // so of the group's positive weights only the largest counts.
  std::string group;
};

// A blocking rule: records are compared only when all keys of at least one rule agree. A key is
// "field" or "field:transform"; transforms: pinyin (full pinyin of a name), surname_pinyin,
// given_pinyin, year, year_month, month_day, year_day, year_unordered_month_day (year, and month
// and day in either order: finds a date with day and month swapped), last4 (last 4 characters),
// first3; in general firstN and lastN for N from 1 to 32.
struct BlockingRule {
  std::vector<std::string> keys;
};

struct LinkageConfig {
  std::vector<FieldSpec> fields;
  std::vector<BlockingRule> blocking;
  // Rules whose candidate pairs train the model, one EM session each, estimating m of the fields
  // the rule does not block on (within a block its own keys agree by construction). Empty: the
  // blocking rules not keyed on a grouped field, and the exact ID. "id_number" names the exact-ID
  // rule; a training rule need not be a blocking rule.
  std::vector<BlockingRule> training;
  double upper = 0.95;  // posterior match probability at or above which a pair links
  double lower = 0.50;  // at or above this (and below upper) a pair goes to review
  int em_iterations = 25;
  size_t max_block_size = 500;  // larger blocks are skipped for that rule (too common a key)
  int threads = 2;
  // Two candidates both at or above `upper` whose weights differ by less than this many bits
  // (log2 odds) go to review rather than link: twins, or one child registered twice.
  double ambiguity_margin = 6.0;
  // Least u of a value under term-frequency adjustment, so one rare name is not decisive alone.
  double tf_minimum_u = 1e-5;
  size_t u_sample_pairs = 2000000;   // random pairs for u
  size_t em_sample_pairs = 2000000;  // candidate pairs (at least) for EM
  uint64_t seed = 20261122;          // for the random pairs and the EM sample

  // Reads {"fields":[{"name","kind","label_zh","term_frequency","required","group"}],
  // "blocking":[["name:pinyin","birth_date:year"],…],"training":[…],"upper","lower",…} (the
  // members above by their names; keys starting with '_' are comments). Throws
  // std::invalid_argument with a Chinese message naming the bad entry.
  static LinkageConfig FromJson(const nlohmann::json& json);
};

// One record: values in the order of LinkageConfig::fields; "" is missing. A value may hold
// alternatives separated by '|' (both parents as guardian, several phones); the best-agreeing
// alternative counts.
struct Record {
  int64_t key = 0;  // caller's id (source record id, child id)
  std::vector<std::string> values;
};

// How one field of a pair compared.
struct FieldComparison {
  std::string field;     // FieldSpec::name
  std::string label_zh;  // FieldSpec::label_zh
  std::string level;     // machine name of the agreement level: exact, variant, homophone, edit,
                         // swapped, off_by_one, year_month, last8, similar, differ, missing …
  std::string level_zh;  // e.g. "完全一致", "同音字", "日月颠倒", "不一致", "缺失"
  double weight = 0;     // log2(m/u) of that level; 0 when missing
  std::string left;
  std::string right;
};

struct PairExplanation {
  double weight = 0;       // prior log2 odds + sum of field weights
  double probability = 0;  // posterior match probability
  std::vector<FieldComparison> fields;
  nlohmann::json ToJson() const;
};

enum class Decision { kLink, kReview, kNew };
enum class Method { kExactId, kProbabilistic, kNone };

struct LeftResult {
  Decision decision = Decision::kNew;
  Method method = Method::kNone;
  std::optional<size_t> right;  // index into the right records of the best candidate
  PairExplanation explanation;  // of the best candidate (empty when there is none)
};

// The estimated model, for the closing report and for explaining stored pairs later.
struct Model {
  double prior_log2_odds = 0;
  // per field, per level: m, u and weight
  nlohmann::json ToJson() const;
  // Reads what ToJson wrote (to explain stored pairs with a saved model).
  static Model FromJson(const nlohmann::json& json);
  // {"prior_log2_odds", "lambda" (that two random records match),
  //  "expected_matches_per_left_record", "em_sessions":[{"rule","pairs","lambda","iterations",
  //  "estimated"}], "em_records","em_pairs","u_pairs","left_records","right_records",
  //  "tf_minimum_u", "fields":[{"field","kind","label_zh","term_frequency","required","group",
  //  "levels":[{"level","level_zh","m","u","weight"}], "term_frequencies":{value: right-side
  //  records holding it} (only values above the floor)}]}
  nlohmann::json detail;
};

struct LinkStats {
  uint64_t candidate_pairs = 0;  // distinct pairs scored
  uint64_t exact_id_links = 0;
  uint64_t links = 0, reviews = 0, news = 0;  // links include the exact-ID links
  uint64_t skipped_blocks = 0;  // (left record, rule) lookups whose block exceeded max_block_size
  uint64_t held_back = 0;  // best candidate at or above upper but a required field differs: review
  double seconds_features = 0;  // normalizing both sides (names to pinyin, dates to numbers …)
  double seconds_blocking = 0, seconds_estimating = 0, seconds_scoring = 0;
};

struct LinkResult {
  std::vector<LeftResult> left;  // one per left record, same order
  Model model;
  LinkStats stats;
};

// Links every left record to at most one right record. Exact on a valid resident ID when the
// names also agree at least by pinyin (a valid but mistyped ID of another child must not link);
// otherwise the best probabilistic candidate decides by the thresholds.
LinkResult Link(const std::vector<Record>& left, const std::vector<Record>& right,
                const LinkageConfig& config);

// Compares one pair with a model from an earlier Link (for the review page).
PairExplanation Explain(const Record& left, const Record& right, const LinkageConfig& config,
                        const Model& model);

}  // namespace tongan::linkage
