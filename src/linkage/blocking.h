// Blocking: which right records a left record is compared with. One hash index per rule over the
// right side's keys; a left record's candidates are the union of its blocks. Internal.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "linkage/features.h"

namespace tongan::linkage::internal {

enum class Transform {
  kNone,
  kPinyin,
  kSurnamePinyin,
  kGivenPinyin,
  kYear,
  kYearMonth,
  kMonthDay,
  kYearDay,          // a month written wrong keeps year and day
  kYearMonthDaySet,  // year, and month and day in either order: day and month swapped
  kFirst,  // first n code points
  kLast,   // last n code points
};

struct KeyPart {
  size_t field = 0;
  Transform transform = Transform::kNone;
  int n = 0;  // kFirst, kLast
};

struct Rule {
  std::vector<std::string> keys;  // as configured
  std::vector<KeyPart> parts;
  bool unlimited = false;  // the built-in exact-ID rule: never skipped for size
  bool scoring = true;     // finds candidates (a blocking rule or the exact ID)
  bool training = false;   // a configured training rule
};

// Parses "field" or "field:transform" against the configured fields. Throws
// std::invalid_argument with a Chinese message for an unknown field or transform, or a transform
// that does not apply to the field's kind (year of a name).
KeyPart ParseKeyPart(std::string_view key, const std::vector<FieldSpec>& fields);

// The configured blocking rules, for every kIdNumber field a rule on the exact ID, and the
// training rules that are none of these.
std::vector<Rule> CompileRules(const LinkageConfig& config);

// Hash of one part of a key for one alternative; 0 when the alternative has no such key (a
// one-character name has no given name).
uint64_t PartHash(const Column& column, const Alt& alt, const KeyPart& part);

class BlockIndex {
 public:
  BlockIndex(const Features& right, std::vector<Rule> rules, int threads);

  // Reusable buffers of one thread.
  struct Scratch {
    std::vector<uint64_t> keys, next, part;
  };
  // Appends the right records sharing a block with left record `li` (sorted, without
  // duplicates); counts the blocks skipped for size.
  // Candidates by the scoring rules, or by those flagged in `rules`.
  void Candidates(const Features& left, size_t li, size_t max_block_size, Scratch& scratch,
                  std::vector<uint32_t>& out, uint64_t& skipped,
                  const std::vector<uint8_t>* rules = nullptr) const;
  // Right records whose value of kIdNumber field `field` equals the left alternative's (exact).
  std::span<const uint32_t> SameId(size_t field, const Column& left, const Alt& alt) const;

  const std::vector<Rule>& rules() const { return rules_; }

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t start = 0, count = 0;
  };
  struct Table {
    std::vector<Slot> slots;
    std::vector<uint32_t> ids;
    size_t used = 0;
    Slot& Upsert(uint64_t key);
    const Slot* Find(uint64_t key) const;
  };
  void Build(const Features& right, size_t rule);
  std::vector<Rule> rules_;
  std::vector<Table> tables_;
};

// Fills scratch.keys with the keys of `rule` for one record: the product over its parts of the
// alternatives' hashes (at most 64 keys; none when a part has no value).
void RuleKeys(const Features& features, size_t record, const Rule& rule, size_t rule_index,
              BlockIndex::Scratch& scratch);

// Records ordered by their first key of `rule` (records without one last), so that the records
// of one block lie together: candidates are then read from memory in runs, not one by one.
std::vector<uint32_t> OrderByKey(const Features& features, const Rule& rule);

}  // namespace tongan::linkage::internal
