#include "linkage/chinese.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <memory>
#include <stdexcept>
#include <unordered_map>

namespace tongan::linkage {
namespace {

// CJK Extension A and the unified ideographs, then the compatibility ideographs.
constexpr char32_t kHanFirst = 0x3400, kHanLast = 0x9FFF;
constexpr char32_t kCompatFirst = 0xF900, kCompatLast = 0xFAFF;
constexpr size_t kHanSlots = kHanLast - kHanFirst + 1;
constexpr size_t kSlots = kHanSlots + (kCompatLast - kCompatFirst + 1);

int Slot(char32_t cp) {
  if (cp >= kHanFirst && cp <= kHanLast) return static_cast<int>(cp - kHanFirst);
  if (cp >= kCompatFirst && cp <= kCompatLast) return static_cast<int>(kHanSlots + (cp - kCompatFirst));
  return -1;
}

char32_t SlotCodepoint(size_t slot) {
  return slot < kHanSlots ? kHanFirst + static_cast<char32_t>(slot)
                          : kCompatFirst + static_cast<char32_t>(slot - kHanSlots);
}

struct HanTable {
  std::vector<char32_t> simplified;   // per slot
  std::vector<uint16_t> syllable;     // per slot; 0 = no reading
  std::vector<char32_t> traditional;  // per slot, common characters only (else 0)
  std::vector<uint8_t> common;        // per slot: in GB 2312
  std::vector<std::string> syllables;  // id -> toneless pinyin
  std::unordered_map<std::string, uint16_t> syllable_ids;
  std::vector<std::vector<char32_t>> common_by_syllable;
  uint16_t ascii[128] = {};  // lower-case letters and digits are syllables of their own

  uint16_t Intern(const std::string& text) {
    const auto [it, added] = syllable_ids.emplace(text, static_cast<uint16_t>(syllables.size()));
    if (added) syllables.push_back(text);
    return it->second;
  }
};

std::unique_ptr<icu::Transliterator> OpenTransliterator(const char* id) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> t(
      icu::Transliterator::createInstance(id, UTRANS_FORWARD, status));
  if (U_FAILURE(status) || !t) throw std::runtime_error(std::string("ICU 转写器不可用：") + id);
  return t;
}

const icu::Normalizer2& NfkcInstance() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status) || n == nullptr) throw std::runtime_error("ICU NFKC 不可用");
  return *n;
}

// The 6,763 characters of GB 2312 (rows 16–87), decoded by ICU's converter.
std::vector<char32_t> Gb2312Characters() {
  std::vector<char32_t> out;
  UErrorCode status = U_ZERO_ERROR;
  UConverter* converter = ucnv_open("GB2312", &status);
  if (U_FAILURE(status)) return out;
  for (int lead = 0xB0; lead <= 0xF7; ++lead) {
    for (int trail = 0xA1; trail <= 0xFE; ++trail) {
      const char bytes[2] = {static_cast<char>(lead), static_cast<char>(trail)};
      UChar buffer[4];
      status = U_ZERO_ERROR;
      const int32_t n = ucnv_toUChars(converter, buffer, 4, bytes, 2, &status);
      if (U_SUCCESS(status) && n == 1 && Slot(buffer[0]) >= 0 && buffer[0] != 0xFFFD)
        out.push_back(buffer[0]);
    }
  }
  ucnv_close(converter);
  return out;
}

HanTable BuildTable() {
  HanTable t;
  t.simplified.resize(kSlots);
  t.syllable.assign(kSlots, 0);
  t.traditional.assign(kSlots, 0);
  t.common.assign(kSlots, 0);
  t.Intern("");
  for (char c = 'a'; c <= 'z'; ++c) t.ascii[static_cast<int>(c)] = t.Intern(std::string(1, c));
  for (char c = '0'; c <= '9'; ++c) t.ascii[static_cast<int>(c)] = t.Intern(std::string(1, c));

  const auto to_simplified = OpenTransliterator("Hant-Hans");
  const auto to_pinyin = OpenTransliterator("Han-Latin; Latin-ASCII; Lower");
  const icu::Normalizer2& nfkc = NfkcInstance();
  // One call per code point: a whole-block call lets ICU read neighbours as phrases.
  for (size_t slot = 0; slot < kSlots; ++slot) {
    const char32_t cp = SlotCodepoint(slot);
    icu::UnicodeString text(static_cast<UChar32>(cp));
    if (slot >= kHanSlots) {  // compatibility ideographs: their unified form first
      UErrorCode status = U_ZERO_ERROR;
      text = nfkc.normalize(text, status);
    }
    to_simplified->transliterate(text);
    const char32_t simple = text.countChar32() == 1 ? static_cast<char32_t>(text.char32At(0)) : cp;
    t.simplified[slot] = simple;
    icu::UnicodeString reading(static_cast<UChar32>(simple));
    to_pinyin->transliterate(reading);
    std::string latin;
    reading.toUTF8String(latin);
    std::string letters;
    bool ascii = !latin.empty();
    for (char c : latin) {
      if (c >= 'a' && c <= 'z') letters += c;
      else if (c != ' ' && c != '\'') ascii = false;  // left untransliterated
    }
    if (ascii && !letters.empty()) t.syllable[slot] = t.Intern(letters);
  }
  // A traditional character reads like its simplified form, whatever ICU said for it alone.
  for (size_t slot = 0; slot < kSlots; ++slot) {
    const int simple = Slot(t.simplified[slot]);
    if (simple >= 0 && t.syllable[simple] != 0) t.syllable[slot] = t.syllable[simple];
  }

  const auto to_traditional = OpenTransliterator("Hans-Hant");
  t.common_by_syllable.resize(t.syllables.size());
  for (char32_t cp : Gb2312Characters()) {
    const int slot = Slot(cp);
    t.common[slot] = 1;
    icu::UnicodeString text(static_cast<UChar32>(cp));
    to_traditional->transliterate(text);
    if (text.countChar32() == 1) t.traditional[slot] = static_cast<char32_t>(text.char32At(0));
    if (t.syllable[slot] != 0) t.common_by_syllable[t.syllable[slot]].push_back(cp);
  }
  return t;
}

const HanTable& Table() {
  static const HanTable table = BuildTable();
  return table;
}

bool IsNameSeparator(char32_t cp) {
  switch (cp) {
    case U' ': case U'\t': case U'\r': case U'\n': case U'.': case 0x00B7: case 0x2022:
    case 0x2027: case 0x2219: case 0x30FB: case 0x200B: case 0x3000:
      return true;
    default:
      return false;
  }
}

bool IsSpace(char32_t cp) {
  return cp == U' ' || cp == U'\t' || cp == U'\r' || cp == U'\n' || cp == 0x3000 || cp == 0x200B;
}

void DecodeUtf8Into(std::string_view text, std::u32string& out) {
  out.clear();
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    out.push_back(c < 0 ? U'\uFFFD' : static_cast<char32_t>(c));
  }
}

char32_t FoldAscii(char32_t cp) { return cp >= U'A' && cp <= U'Z' ? cp + 32 : cp; }

}  // namespace

std::u32string DecodeUtf8(std::string_view text) {
  std::u32string out;
  DecodeUtf8Into(text, out);
  return out;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string EncodeUtf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (char32_t cp : text) AppendUtf8(out, cp);
  return out;
}

bool NeedsNfkc(std::u32string_view text) {
  for (char32_t cp : text) {
    if (cp < 0x80 || (cp >= kHanFirst && cp <= kHanLast)) continue;
    if (cp == 0x00B7 || cp == 0x2022 || cp == 0x30FB || cp == 0x3001 || cp == 0x3002) continue;
    return true;
  }
  return false;
}

std::string Nfkc(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString in =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  const icu::UnicodeString out = NfkcInstance().normalize(in, status);
  if (U_FAILURE(status)) return std::string(text);
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

char32_t Simplify(char32_t cp) {
  const int slot = Slot(cp);
  return slot < 0 ? cp : Table().simplified[slot];
}

char32_t TraditionalOf(char32_t cp) {
  const int slot = Slot(cp);
  if (slot < 0) return cp;
  const char32_t t = Table().traditional[slot];
  return t == 0 ? cp : t;
}

void NormalizeNameInto(std::string_view name, std::u32string& out) {
  const HanTable& table = Table();
  thread_local std::u32string decoded;
  DecodeUtf8Into(name, decoded);
  if (NeedsNfkc(decoded)) DecodeUtf8Into(Nfkc(name), decoded);
  out.clear();
  for (char32_t cp : decoded) {
    if (IsNameSeparator(cp)) continue;
    const int slot = Slot(cp);
    out.push_back(slot >= 0 ? table.simplified[slot] : FoldAscii(cp));
  }
}

void NormalizeTextInto(std::string_view text, std::u32string& out) {
  const HanTable& table = Table();
  thread_local std::u32string decoded;
  DecodeUtf8Into(text, decoded);
  if (NeedsNfkc(decoded)) DecodeUtf8Into(Nfkc(text), decoded);
  out.clear();
  for (char32_t cp : decoded) {
    if (IsSpace(cp)) continue;
    const int slot = Slot(cp);
    out.push_back(slot >= 0 ? table.simplified[slot] : FoldAscii(cp));
  }
}

std::u32string NormalizeNameCodepoints(std::string_view name) {
  std::u32string out;
  NormalizeNameInto(name, out);
  return out;
}

std::string NormalizeName(std::string_view name) { return EncodeUtf8(NormalizeNameCodepoints(name)); }

std::u32string NormalizeTextCodepoints(std::string_view text) {
  std::u32string out;
  NormalizeTextInto(text, out);
  return out;
}

uint16_t SyllableOf(char32_t cp) {
  const HanTable& table = Table();
  if (cp < 128) return table.ascii[FoldAscii(cp)];
  const int slot = Slot(cp);
  return slot < 0 ? 0 : table.syllable[slot];
}

std::string_view SyllableText(uint16_t id) {
  const HanTable& table = Table();
  return id < table.syllables.size() ? std::string_view(table.syllables[id]) : std::string_view();
}

std::vector<uint16_t> PinyinSyllables(std::string_view name) {
  std::vector<uint16_t> out;
  for (char32_t cp : NormalizeNameCodepoints(name)) out.push_back(SyllableOf(cp));
  return out;
}

std::string PinyinString(std::string_view name) {
  std::string out;
  for (uint16_t id : PinyinSyllables(name)) out += SyllableText(id);
  return out;
}

std::string PinyinSpaced(std::string_view name) {
  std::string out;
  for (uint16_t id : PinyinSyllables(name)) {
    if (id == 0) continue;
    if (!out.empty()) out += ' ';
    out += SyllableText(id);
  }
  return out;
}

std::vector<char32_t> HomophonesOf(char32_t cp) {
  const HanTable& table = Table();
  const char32_t simple = Simplify(cp);
  const uint16_t id = SyllableOf(simple);
  std::vector<char32_t> out;
  if (id == 0 || id >= table.common_by_syllable.size()) return out;
  for (char32_t c : table.common_by_syllable[id])
    if (c != cp && Simplify(c) != simple) out.push_back(c);
  return out;
}

bool IsCommonCharacter(char32_t cp) {
  const int slot = Slot(cp);
  return slot >= 0 && Table().common[slot] != 0;
}

}  // namespace tongan::linkage
