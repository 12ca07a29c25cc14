#include "linkage/blocking.h"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace tongan::linkage::internal {
namespace {

constexpr size_t kMaxKeysPerRecord = 64;

struct TransformName {
  std::string_view name;
  Transform transform;
};
constexpr TransformName kTransforms[] = {
    {"pinyin", Transform::kPinyin},       {"surname_pinyin", Transform::kSurnamePinyin},
    {"given_pinyin", Transform::kGivenPinyin}, {"year", Transform::kYear},
    {"year_month", Transform::kYearMonth}, {"month_day", Transform::kMonthDay},
    {"year_day", Transform::kYearDay},     {"year_unordered_month_day", Transform::kYearMonthDaySet},
};

bool Applies(Transform t, FieldKind kind) {
  switch (t) {
    case Transform::kNone: return true;
    case Transform::kPinyin:
    case Transform::kSurnamePinyin:
    case Transform::kGivenPinyin: return kind == FieldKind::kName;
    case Transform::kYear:
    case Transform::kYearMonth:
    case Transform::kMonthDay:
    case Transform::kYearDay:
    case Transform::kYearMonthDaySet: return kind == FieldKind::kDate;
    case Transform::kFirst:
    case Transform::kLast: return kind != FieldKind::kDate;
  }
  return false;
}

uint64_t Salted(uint64_t value, uint64_t salt) {
  const uint64_t h = Mix(value * 0x9e3779b97f4a7c15ull + salt);
  return h == 0 ? 1 : h;
}

}  // namespace

KeyPart ParseKeyPart(std::string_view key, const std::vector<FieldSpec>& fields) {
  const size_t colon = key.find(':');
  const std::string_view field = key.substr(0, colon);
  KeyPart part;
  const auto it = std::find_if(fields.begin(), fields.end(),
                               [&](const FieldSpec& f) { return f.name == field; });
  if (it == fields.end()) throw std::invalid_argument("分块键的字段未知：" + std::string(key));
  part.field = static_cast<size_t>(it - fields.begin());
  if (colon == std::string_view::npos) return part;
  const std::string_view name = key.substr(colon + 1);
  bool known = false;
  for (const TransformName& t : kTransforms) {
    if (t.name == name) {
      part.transform = t.transform;
      known = true;
    }
  }
  if (!known && (name.starts_with("first") || name.starts_with("last"))) {
    const std::string_view digits = name.substr(name.starts_with("first") ? 5 : 4);
    int n = 0;
    bool ok = !digits.empty() && digits.size() <= 2;
    for (char c : digits) {
      ok = ok && c >= '0' && c <= '9';
      n = n * 10 + (c - '0');
    }
    if (ok && n >= 1 && n <= 32) {
      part.transform = name.starts_with("first") ? Transform::kFirst : Transform::kLast;
      part.n = n;
      known = true;
    }
  }
  if (!known)
    throw std::invalid_argument("分块键的转换未知：" + std::string(key) +
                                "（可用：pinyin、surname_pinyin、given_pinyin、year、year_month、"
                                "month_day、year_day、year_unordered_month_day、firstN、lastN）");
  if (!Applies(part.transform, it->kind))
    throw std::invalid_argument("分块键的转换不适用于该字段的类型：" + std::string(key));
  return part;
}

bool SameParts(const std::vector<KeyPart>& a, const std::vector<KeyPart>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const KeyPart& x, const KeyPart& y) {
    return x.field == y.field && x.transform == y.transform && x.n == y.n;
  });
}

std::vector<Rule> CompileRules(const LinkageConfig& config) {
  std::vector<Rule> rules;
  const auto parse = [&](const BlockingRule& r) {
    Rule rule;
    rule.keys = r.keys;
    for (const std::string& key : r.keys) rule.parts.push_back(ParseKeyPart(key, config.fields));
    return rule;
  };
  for (const BlockingRule& r : config.blocking)
    if (!r.keys.empty()) rules.push_back(parse(r));
  for (size_t f = 0; f < config.fields.size(); ++f) {
    if (config.fields[f].kind != FieldKind::kIdNumber) continue;
    Rule rule;
    rule.keys = {config.fields[f].name};
    rule.parts = {{f, Transform::kNone, 0}};
    rule.unlimited = true;
    if (std::none_of(rules.begin(), rules.end(), [&](const Rule& r) { return SameParts(r.parts, rule.parts); }))
      rules.push_back(std::move(rule));
  }
  for (const BlockingRule& r : config.training) {
    Rule rule = parse(r);
    const auto same = std::find_if(rules.begin(), rules.end(),
                                   [&](const Rule& x) { return SameParts(x.parts, rule.parts); });
    if (same != rules.end()) {
      same->training = true;
    } else {
      rule.scoring = false;
      rule.training = true;
      rules.push_back(std::move(rule));
    }
  }
  return rules;
}

uint64_t PartHash(const Column& column, const Alt& alt, const KeyPart& part) {
  const uint64_t salt = static_cast<uint64_t>(part.transform) * 0x100 + static_cast<uint64_t>(part.n);
  switch (part.transform) {
    case Transform::kNone: return alt.key;
    case Transform::kPinyin:
      return HashSequence(column.sounds.data() + alt.off, alt.len, salt);
    case Transform::kSurnamePinyin:
      return alt.len >= 1 ? Salted(column.sounds[alt.off], salt) : 0;
    case Transform::kGivenPinyin:
      return alt.len >= 2 ? HashSequence(column.sounds.data() + alt.off + 1, alt.len - 1u, salt) : 0;
    case Transform::kYear: return Salted(static_cast<uint64_t>(alt.date / 10000), salt);
    case Transform::kYearMonth: return Salted(static_cast<uint64_t>(alt.date / 100), salt);
    case Transform::kMonthDay: return Salted(static_cast<uint64_t>(alt.date % 10000), salt);
    case Transform::kYearDay:
      return Salted(static_cast<uint64_t>(alt.date / 10000 * 100 + alt.date % 100), salt);
    case Transform::kYearMonthDaySet: {
      const int month = alt.date / 100 % 100, day = alt.date % 100;
      return Salted(static_cast<uint64_t>(alt.date / 10000 * 10000 + std::min(month, day) * 100 +
                                          std::max(month, day)),
                    salt);
    }
    case Transform::kFirst:
      return alt.len >= part.n ? HashSequence(column.pool.data() + alt.off, part.n, salt) : 0;
    case Transform::kLast:
      return alt.len >= part.n
                 ? HashSequence(column.pool.data() + alt.off + alt.len - part.n, part.n, salt)
                 : 0;
  }
  return 0;
}

void RuleKeys(const Features& features, size_t record, const Rule& rule, size_t rule_index,
              BlockIndex::Scratch& s) {
  s.keys.assign(1, Salted(rule_index, 0x51ed270b27a1f3c5ull));
  for (const KeyPart& part : rule.parts) {
    const Column& column = features.columns[part.field];
    s.part.clear();
    for (const Alt& alt : column.AltsOf(record)) {
      const uint64_t h = PartHash(column, alt, part);
      if (h != 0 && std::find(s.part.begin(), s.part.end(), h) == s.part.end()) s.part.push_back(h);
    }
    s.next.clear();
    for (uint64_t k : s.keys)
      for (uint64_t h : s.part)
        if (s.next.size() < kMaxKeysPerRecord) s.next.push_back(Salted(k ^ h, 0x2545f4914f6cdd1dull));
    s.keys.swap(s.next);
    if (s.keys.empty()) return;
  }
}

BlockIndex::Slot& BlockIndex::Table::Upsert(uint64_t key) {
  if ((used + 1) * 2 > slots.size()) {
    std::vector<Slot> old = std::move(slots);
    slots.assign(std::max<size_t>(old.size() * 2, 1024), Slot{});
    for (const Slot& s : old) {
      if (s.key == 0) continue;
      size_t i = Mix(s.key) & (slots.size() - 1);
      while (slots[i].key != 0) i = (i + 1) & (slots.size() - 1);
      slots[i] = s;
    }
  }
  size_t i = Mix(key) & (slots.size() - 1);
  while (slots[i].key != 0 && slots[i].key != key) i = (i + 1) & (slots.size() - 1);
  if (slots[i].key == 0) {
    slots[i].key = key;
    ++used;
  }
  return slots[i];
}

const BlockIndex::Slot* BlockIndex::Table::Find(uint64_t key) const {
  if (slots.empty()) return nullptr;
  size_t i = Mix(key) & (slots.size() - 1);
  while (slots[i].key != 0) {
    if (slots[i].key == key) return &slots[i];
    i = (i + 1) & (slots.size() - 1);
  }
  return nullptr;
}

BlockIndex::BlockIndex(const Features& right, std::vector<Rule> rules, int threads)
    : rules_(std::move(rules)), tables_(rules_.size()) {
  ParallelFor(rules_.size(), 1, threads, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; ++r) Build(right, r);
  });
}

void BlockIndex::Build(const Features& right, size_t r) {
  Table& table = tables_[r];
  table.slots.assign(std::bit_ceil(std::max<size_t>(1024, right.records * 2)), Slot{});
  Scratch scratch;
  uint64_t total = 0;
  for (size_t i = 0; i < right.records; ++i) {
    RuleKeys(right, i, rules_[r], r, scratch);
    for (uint64_t k : scratch.keys) ++table.Upsert(k).count;
    total += scratch.keys.size();
  }
  uint32_t start = 0;
  for (Slot& s : table.slots) {
    s.start = start;
    start += s.count;
    s.count = 0;
  }
  table.ids.resize(total);
  for (size_t i = 0; i < right.records; ++i) {
    RuleKeys(right, i, rules_[r], r, scratch);
    for (uint64_t k : scratch.keys) {
      Slot& s = table.Upsert(k);
      table.ids[s.start + s.count++] = static_cast<uint32_t>(i);
    }
  }
}

void BlockIndex::Candidates(const Features& left, size_t li, size_t max_block_size,
                            Scratch& scratch, std::vector<uint32_t>& out, uint64_t& skipped,
                            const std::vector<uint8_t>* rules) const {
  out.clear();
  for (size_t r = 0; r < rules_.size(); ++r) {
    if (rules != nullptr ? !(*rules)[r] : !rules_[r].scoring) continue;
    RuleKeys(left, li, rules_[r], r, scratch);
    for (uint64_t k : scratch.keys) {
      const Slot* s = tables_[r].Find(k);
      if (s == nullptr) continue;
      if (s->count > max_block_size && !rules_[r].unlimited) {
        ++skipped;
        continue;
      }
      out.insert(out.end(), tables_[r].ids.begin() + s->start,
                 tables_[r].ids.begin() + s->start + s->count);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

std::span<const uint32_t> BlockIndex::SameId(size_t field, const Column& left, const Alt& alt) const {
  for (size_t r = 0; r < rules_.size(); ++r) {
    const Rule& rule = rules_[r];
    if (!rule.unlimited || rule.parts[0].field != field) continue;
    const uint64_t k = Salted(Salted(r, 0x51ed270b27a1f3c5ull) ^ alt.key, 0x2545f4914f6cdd1dull);
    const Slot* s = tables_[r].Find(k);
    if (s == nullptr) return {};
    return {tables_[r].ids.data() + s->start, s->count};
  }
  return {};
}

std::vector<uint32_t> OrderByKey(const Features& features, const Rule& rule) {
  std::vector<std::pair<uint64_t, uint32_t>> keyed(features.records);
  BlockIndex::Scratch scratch;
  for (size_t i = 0; i < features.records; ++i) {
    RuleKeys(features, i, rule, 0, scratch);
    const uint64_t key = scratch.keys.empty() ? ~uint64_t{0}
                                              : *std::min_element(scratch.keys.begin(), scratch.keys.end());
    keyed[i] = {key, static_cast<uint32_t>(i)};
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<uint32_t> order(features.records);
  for (size_t i = 0; i < keyed.size(); ++i) order[i] = keyed[i].second;
  return order;
}

}  // namespace tongan::linkage::internal
