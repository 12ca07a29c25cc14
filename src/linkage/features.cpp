#include "linkage/features.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "core/resident_id.h"
#include "linkage/chinese.h"

namespace tongan::linkage::internal {
namespace {

// Seeds keep equal text of different kinds apart in shared hash spaces.
constexpr uint64_t kTextSeed = 0x5bd1e9955bd1e995ull;
constexpr uint64_t kRawSeed = 0x27d4eb2f165667c5ull;

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

uint32_t RawHash(std::string_view text) {
  uint64_t h = 0x84222325cbf29ce4ull;
  for (char c : text) {
    if (IsAsciiSpace(c)) continue;
    h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
  }
  return static_cast<uint32_t>(Mix(h));
}

bool IsAddressPunctuation(char32_t c) {
  switch (c) {
    case U',': case U';': case U'\uFF0C': case U'\u3001': case U'\u3002': case U'\uFF1B':
    case U'(': case U')': case U'"': case U'\'':
      return true;
    default:
      return false;
  }
}

// Digits of a phone number, without the +86 / 0086 country code of a mobile number.
void PhoneDigits(std::string_view text, std::u32string& out) {
  out.clear();
  bool ascii = true;
  for (char c : text) {
    if (static_cast<uint8_t>(c) >= 0x80) ascii = false;
    if (c >= '0' && c <= '9') out.push_back(static_cast<char32_t>(c));
  }
  if (!ascii) {  // full-width digits
    out.clear();
    for (char c : Nfkc(text))
      if (c >= '0' && c <= '9') out.push_back(static_cast<char32_t>(c));
  }
  if (out.size() == 15 && out.starts_with(U"0086")) out.erase(0, 4);
  if (out.size() == 13 && out.starts_with(U"86") && out[2] == U'1') out.erase(0, 2);
}

struct Builder {
  bool validate_ids;
  Date today;
  std::vector<Column> columns;
  std::u32string buffer;

  // Normalizes one alternative into `col`; false when nothing usable is left (missing).
  bool Add(Column& col, std::string_view text, Alt& alt) {
    alt.raw = RawHash(text);
    alt.off = static_cast<uint32_t>(col.pool.size());
    switch (col.kind) {
      case FieldKind::kName:
        NormalizeNameInto(text, buffer);
        break;
      case FieldKind::kDate: {
        NormalizeTextInto(text, buffer);
        alt.date = ParseDateNumber(buffer);
        if (alt.date == 0) return false;
        alt.key = Mix(static_cast<uint64_t>(alt.date) ^ kTextSeed);
        return true;
      }
      case FieldKind::kPhone:
        PhoneDigits(text, buffer);
        break;
      case FieldKind::kIdNumber: {
        NormalizeTextInto(text, buffer);
        std::erase_if(buffer, [](char32_t c) { return c == U'-'; });
        for (char32_t& c : buffer)
          if (c == U'x') c = U'X';
        alt.extra = ValidId() ? 1 : 0;
        break;
      }
      case FieldKind::kSex: {
        NormalizeTextInto(text, buffer);
        if (buffer == U"男" || buffer == U"m" || buffer == U"male" || buffer == U"男性") buffer = U"M";
        else if (buffer == U"女" || buffer == U"f" || buffer == U"female" || buffer == U"女性") buffer = U"F";
        break;
      }
      case FieldKind::kAddress:
        NormalizeTextInto(text, buffer);
        std::erase_if(buffer, IsAddressPunctuation);
        break;
      case FieldKind::kCategory:
        NormalizeTextInto(text, buffer);
        break;
    }
    if (buffer.empty() || buffer.size() > 0xFFFF) return false;
    alt.len = static_cast<uint16_t>(buffer.size());
    alt.key = HashSequence(buffer.data(), buffer.size(), kTextSeed);
    col.pool.insert(col.pool.end(), buffer.begin(), buffer.end());
    if (col.kind == FieldKind::kName) {
      // The pinyin's length and letters bound its Jaro–Winkler similarity cheaply.
      uint32_t letters = 0, length = 0;
      for (char32_t c : buffer) {
        const uint16_t sound = SyllableOf(c);
        col.sounds.push_back(sound);
        const std::string_view text = SyllableText(sound);
        length += text.empty() ? 1 : static_cast<uint32_t>(text.size());
        for (char l : text)
          if (l >= 'a' && l <= 'z') letters |= 1u << (l - 'a');
      }
      alt.extra = static_cast<uint16_t>(std::min<uint32_t>(length, 0xFFFF));
      alt.date = static_cast<int32_t>(letters);
    }
    if (col.kind == FieldKind::kAddress) AddBigrams(col, alt);
    return true;
  }

  // Checks (and for 15-digit numbers converts) the ID in `buffer`. Only the left side needs the
  // verdict; a 15-digit number is converted on both sides so that it meets its 18-digit form.
  bool ValidId() {
    const size_t n = buffer.size();
    if (n != 18 && n != 15) return false;
    for (size_t i = 0; i < n; ++i) {
      const bool digit = buffer[i] >= U'0' && buffer[i] <= U'9';
      if (!digit && !(i == 17 && buffer[i] == U'X')) return false;
    }
    std::string ascii(buffer.begin(), buffer.end());
    if (n == 18 && ResidentIdCheckChar(std::string_view(ascii).substr(0, 17)) != ascii[17])
      return false;  // the cheap check first: most invalid numbers fail it
    if (!validate_ids && n == 18) return false;  // verdict not needed
    const ResidentIdCheck check = CheckResidentId(ascii, nullptr, today);
    if (!check.normalized.empty() && check.converted_from_15)
      buffer.assign(check.normalized.begin(), check.normalized.end());
    return check.valid;
  }

  void AddBigrams(Column& col, Alt& alt) {
    const size_t start = col.pool.size();
    if (alt.len == 1) {
      col.pool.push_back(static_cast<char32_t>(Mix(buffer[0])));
    } else {
      for (size_t i = 0; i + 1 < buffer.size(); ++i)
        col.pool.push_back(static_cast<char32_t>(
            Mix((static_cast<uint64_t>(buffer[i]) << 21) | buffer[i + 1])));
    }
    std::sort(col.pool.begin() + start, col.pool.end());
    col.pool.erase(std::unique(col.pool.begin() + start, col.pool.end()), col.pool.end());
    alt.extra = static_cast<uint16_t>(std::min<size_t>(col.pool.size() - start, 0xFFFF));
  }

  void AddRecord(const Record& record) {
    for (size_t f = 0; f < columns.size(); ++f) {
      Column& col = columns[f];
      const size_t first_alt = col.alts.size();
      if (f < record.values.size()) {
        const std::string& value = record.values[f];
        for (std::string_view text : SplitAlternatives(value)) {
          Alt alt;
          const size_t pool_mark = col.pool.size(), sounds_mark = col.sounds.size();
          const size_t pos = static_cast<size_t>(text.data() - value.data());
          alt.text_pos = static_cast<uint16_t>(std::min<size_t>(pos, 0xFFFF));
          alt.text_len = static_cast<uint16_t>(std::min<size_t>(text.size(), 0xFFFF - alt.text_pos));
          bool keep = Add(col, text, alt);
          // The same normalized value twice in one record counts once.
          for (size_t k = first_alt; keep && k < col.alts.size(); ++k)
            if (col.alts[k].key == alt.key) keep = false;
          if (keep) {
            col.alts.push_back(alt);
          } else {
            col.pool.resize(pool_mark);
            col.sounds.resize(sounds_mark);
          }
        }
      }
      col.first.push_back(static_cast<uint32_t>(col.alts.size()));
    }
  }
};

void Append(Column& into, const Column& part) {
  const uint32_t alt_base = static_cast<uint32_t>(into.alts.size());
  const uint32_t pool_base = static_cast<uint32_t>(into.pool.size());
  for (size_t i = 1; i < part.first.size(); ++i) into.first.push_back(alt_base + part.first[i]);
  for (Alt a : part.alts) {
    a.off += pool_base;
    into.alts.push_back(a);
  }
  into.pool.insert(into.pool.end(), part.pool.begin(), part.pool.end());
  into.sounds.insert(into.sounds.end(), part.sounds.begin(), part.sounds.end());
}

}  // namespace

std::vector<std::string_view> SplitAlternatives(std::string_view value) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find('|', start);
    size_t next = end == std::string_view::npos ? value.size() + 1 : end + 1;
    const size_t wide = value.find("\xEF\xBD\x9C", start);  // ｜
    if (wide != std::string_view::npos && (end == std::string_view::npos || wide < end)) {
      end = wide;
      next = wide + 3;
    }
    std::string_view part = value.substr(start, (end == std::string_view::npos ? value.size() : end) - start);
    while (!part.empty() && IsAsciiSpace(part.front())) part.remove_prefix(1);
    while (!part.empty() && IsAsciiSpace(part.back())) part.remove_suffix(1);
    if (!part.empty()) out.push_back(part);
    start = next;
  }
  return out;
}

int32_t ParseDateNumber(std::u32string_view text) {
  int parts[3] = {0, 0, 0};
  int digits[3] = {0, 0, 0};
  int count = 0;
  bool in_number = false;
  for (char32_t c : text) {
    if (c >= U'0' && c <= U'9') {
      if (!in_number) {
        if (count == 3) return 0;
        ++count;
        in_number = true;
      }
      int& part = parts[count - 1];
      if (++digits[count - 1] > 8) return 0;
      part = part * 10 + static_cast<int>(c - U'0');
    } else {
      in_number = false;
    }
  }
  int year = 0, month = 0, day = 0;
  if (count == 1 && digits[0] == 8) {
    year = parts[0] / 10000;
    month = parts[0] / 100 % 100;
    day = parts[0] % 100;
  } else if (count == 3 && digits[0] == 4 && digits[1] <= 2 && digits[2] <= 2) {
    year = parts[0];
    month = parts[1];
    day = parts[2];
  } else {
    return 0;
  }
  const Date date{std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)};
  if (!date.ok() || year < 1900 || year > 2100) return 0;
  return year * 10000 + month * 100 + day;
}

std::string CanonicalText(const Column& column, const Alt& alt) {
  if (column.kind == FieldKind::kDate) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", alt.date / 10000, alt.date / 100 % 100,
                  alt.date % 100);
    return text;
  }
  return EncodeUtf8(column.Text(alt));
}

void ParallelFor(size_t n, size_t chunk, int threads, const std::function<void(size_t, size_t)>& fn) {
  if (n == 0) return;
  chunk = std::max<size_t>(chunk, 1);
  const size_t chunks = (n + chunk - 1) / chunk;
  const size_t workers = std::min<size_t>(std::max(threads, 1), chunks);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t c = next.fetch_add(1); c < chunks; c = next.fetch_add(1))
      fn(c * chunk, std::min(n, (c + 1) * chunk));
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
}

Features Permute(const Features& features, const std::vector<uint32_t>& order) {
  Features out;
  out.records = order.size();
  for (const Column& from : features.columns) {
    Column& to = out.columns.emplace_back();
    to.kind = from.kind;
    to.first.reserve(order.size() + 1);
    to.first.push_back(0);
    to.alts.reserve(from.alts.size());
    to.pool.reserve(from.pool.size());
    to.sounds.reserve(from.sounds.size());
    for (uint32_t old : order) {
      for (uint32_t a = from.first[old]; a < from.first[old + 1]; ++a) {
        Alt alt = from.alts[a];
        const size_t size = alt.len + (from.kind == FieldKind::kAddress ? alt.extra : 0);
        const uint32_t off = static_cast<uint32_t>(to.pool.size());
        to.pool.insert(to.pool.end(), from.pool.begin() + alt.off, from.pool.begin() + alt.off + size);
        if (!from.sounds.empty())
          to.sounds.insert(to.sounds.end(), from.sounds.begin() + alt.off, from.sounds.begin() + alt.off + size);
        alt.off = off;
        to.alts.push_back(alt);
      }
      to.first.push_back(static_cast<uint32_t>(to.alts.size()));
    }
  }
  return out;
}

Features BuildFeatures(const std::vector<Record>& records, const LinkageConfig& config,
                       bool validate_ids, Date today, int threads) {
  constexpr size_t kChunk = 16384;
  const size_t n = records.size();
  const size_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<std::vector<Column>> parts(chunks);
  ParallelFor(chunks, 1, threads, [&](size_t begin, size_t end) {
    for (size_t c = begin; c < end; ++c) {
      Builder b{validate_ids, today, {}, {}};
      b.columns.resize(config.fields.size());
      for (size_t f = 0; f < config.fields.size(); ++f) {
        b.columns[f].kind = config.fields[f].kind;
        b.columns[f].first.push_back(0);
      }
      for (size_t r = c * kChunk; r < std::min(n, (c + 1) * kChunk); ++r) b.AddRecord(records[r]);
      parts[c] = std::move(b.columns);
    }
  });
  Features features;
  features.records = n;
  features.columns.resize(config.fields.size());
  for (size_t f = 0; f < config.fields.size(); ++f) {
    Column& col = features.columns[f];
    col.kind = config.fields[f].kind;
    size_t alts = 0, pool = 0, sounds = 0;
    for (const auto& part : parts) {
      alts += part[f].alts.size();
      pool += part[f].pool.size();
      sounds += part[f].sounds.size();
    }
    col.first.reserve(n + 1);
    col.first.push_back(0);
    col.alts.reserve(alts);
    col.pool.reserve(pool);
    col.sounds.reserve(sounds);
  }
  for (auto& part : parts) {
    for (size_t f = 0; f < config.fields.size(); ++f) Append(features.columns[f], part[f]);
    part.clear();
    part.shrink_to_fit();
  }
  return features;
}

}  // namespace tongan::linkage::internal
