#include "demo/synthetic_ids.h"

#include "core/resident_id.h"

namespace tongan::synthetic {
namespace {

constexpr int kSequenceAttempts = 24;

uint64_t Digits(std::string_view digits) {
  uint64_t value = 0;
  for (char c : digits) value = value * 10 + static_cast<uint64_t>(c - '0');
  return value;
}

uint64_t YyyyMmDd(Date date) {
  return static_cast<uint64_t>(static_cast<int>(date.year())) * 10000 +
         static_cast<unsigned>(date.month()) * 100 + static_cast<unsigned>(date.day());
}

// Writes `value` as exactly `width` digits at `out`.
void PutDigits(char* out, uint64_t value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

struct PhonePrefix {
  const char* digits;
  double weight;
};
// Mobile prefixes by rough share of subscribers (China Mobile 13[4-9] 15[0-27-9] 18[2-478] 19[58],
// China Unicom 13[0-2] 15[56] 18[56] 166 176, China Telecom 133 153 18[019] 17[37] 19[139]).
constexpr PhonePrefix kPhonePrefixes[] = {
    {"138", 6}, {"139", 6}, {"137", 5}, {"136", 4}, {"135", 5}, {"134", 3}, {"150", 4}, {"151", 4},
    {"152", 3}, {"157", 2}, {"158", 4}, {"159", 4}, {"182", 3}, {"183", 3}, {"187", 3}, {"188", 3},
    {"130", 3}, {"131", 3}, {"132", 3}, {"155", 3}, {"156", 3}, {"185", 3}, {"186", 3}, {"166", 1},
    {"176", 2}, {"133", 2}, {"153", 2}, {"180", 2}, {"181", 2}, {"189", 3}, {"173", 1}, {"177", 2},
    {"199", 2}, {"191", 1}, {"193", 1}, {"195", 1}, {"198", 1}, {"147", 1}, {"175", 1},
};

const WeightedTable& PhonePrefixWeights() {
  static const WeightedTable table = [] {
    WeightedTable t;
    for (const PhonePrefix& p : kPhonePrefixes) t.Add(p.weight);
    return t;
  }();
  return table;
}

uint64_t Mix(uint64_t key) {  // splitmix64 finaliser: spreads nearby keys over the table
  key ^= key >> 30;
  key *= 0xbf58476d1ce4e5b9ull;
  key ^= key >> 27;
  key *= 0x94d049bb133111ebull;
  return key ^ (key >> 31);
}

}  // namespace

IdIssuer::IdIssuer(size_t expected_people) {
  size_t capacity = 1024;
  while (capacity < expected_people * 2) capacity *= 2;
  slots_.assign(capacity, 0);
}

bool IdIssuer::Insert(uint64_t key) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = Mix(key) & mask;; i = (i + 1) & mask) {
    if (slots_[i] == key) return false;
    if (slots_[i] == 0) {
      slots_[i] = key;
      ++size_;
      return true;
    }
  }
}

void IdIssuer::Grow() {
  std::vector<uint64_t> old(slots_.size() * 2, 0);
  old.swap(slots_);
  size_ = 0;
  for (uint64_t key : old)
    if (key != 0) Insert(key);
}

int IdIssuer::FreeSequence(std::string_view county6, Date birth, Sex sex, Rng& rng) {
  const uint64_t base = Digits(county6) * 100000000000ull + YyyyMmDd(birth) * 1000;
  const int parity = sex == Sex::kMale ? 1 : 0;
  for (int attempt = 0; attempt < kSequenceAttempts; ++attempt) {
    const int sequence = static_cast<int>(rng.Below(500)) * 2 + parity;
    if (Insert(base + sequence)) return sequence;
  }
  // Crowded day: take the first free number in order.
  for (int sequence = parity; sequence < 1000; sequence += 2)
    if (Insert(base + sequence)) return sequence;
  return -1;
}

std::string IdIssuer::Issue(std::string_view county6, Date birth, Sex sex, Rng& rng) {
  const int sequence = FreeSequence(county6, birth, sex, rng);
  if (sequence < 0) return {};
  std::string id(18, '0');
  id.replace(0, 6, county6);
  PutDigits(id.data() + 6, YyyyMmDd(birth), 8);
  PutDigits(id.data() + 14, static_cast<uint64_t>(sequence), 3);
  id[17] = ResidentIdCheckChar(std::string_view(id).substr(0, 17));
  return id;
}

std::string IdIssuer::IssueLegacy15(std::string_view county6, Date birth, Sex sex, Rng& rng) {
  const int sequence = FreeSequence(county6, birth, sex, rng);
  if (sequence < 0) return {};
  std::string id(15, '0');
  id.replace(0, 6, county6);
  PutDigits(id.data() + 6, YyyyMmDd(birth) % 1000000, 6);
  PutDigits(id.data() + 12, static_cast<uint64_t>(sequence), 3);
  return id;
}

std::string MakeMobilePhone(Rng& rng) {
  std::string phone(11, '0');
  const char* prefix = kPhonePrefixes[PhonePrefixWeights().Pick(rng)].digits;
  phone.replace(0, 3, prefix);
  PutDigits(phone.data() + 3, rng.Below(100000000), 8);
  return phone;
}

}  // namespace tongan::synthetic
