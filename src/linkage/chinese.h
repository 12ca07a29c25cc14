// Chinese personal names and free text for record linkage: simplified forms, toneless pinyin,
// homophones. Built on ICU ("Hant-Hans", "Han-Latin", NFKC), but ICU is only called once per
// code point to fill a table (on first use, thread-safe); lookups afterwards are array reads, so
// millions of names normalize quickly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tongan::linkage {

// UTF-8 <-> code points. Invalid bytes decode to U+FFFD.
std::u32string DecodeUtf8(std::string_view text);
void AppendUtf8(std::string& out, char32_t cp);
std::string EncodeUtf8(std::u32string_view text);

// True when `text` has a code point NFKC would change (full-width letters and digits, the
// ideographic space, compatibility ideographs): such text goes through ICU, the rest does not.
bool NeedsNfkc(std::u32string_view text);
// NFKC of UTF-8 text (full-width "ＡＢ１" -> "AB1", U+3000 -> space).
std::string Nfkc(std::string_view text);

// Simplified form of one code point (繁 -> 简); other code points unchanged.
char32_t Simplify(char32_t cp);
// The traditional form of a common simplified character (张 -> 張); the input when it has none.
// Only for the 6,763 characters of GB 2312, for synthetic data.
char32_t TraditionalOf(char32_t cp);

// A name as compared: NFKC, simplified, ASCII letters lower-cased, without spaces and the
// separators written inside names ('·', '•', '.', '・'). "張 偉" -> "张伟".
std::u32string NormalizeNameCodepoints(std::string_view name);
std::string NormalizeName(std::string_view name);
// Free text (addresses, categories): NFKC, simplified, ASCII lower-cased, without white space.
std::u32string NormalizeTextCodepoints(std::string_view text);
// The same into a caller's buffer (cleared first), for the hot path over millions of values.
void NormalizeNameInto(std::string_view name, std::u32string& out);
void NormalizeTextInto(std::string_view text, std::u32string& out);

// Pinyin syllables: ids into a table of toneless syllables ("zhang"); id 0 is "no reading".
// ASCII letters and digits are syllables of their own, so "Anna" and "安娜" differ but compare.
uint16_t SyllableOf(char32_t normalized_cp);
std::string_view SyllableText(uint16_t id);
// Per character of NormalizeName(name).
std::vector<uint16_t> PinyinSyllables(std::string_view name);
// "張偉" -> "zhangwei".
std::string PinyinString(std::string_view name);
// "張偉" -> "zhang wei".
std::string PinyinSpaced(std::string_view name);

// Common characters (GB 2312) read like `cp` without tone, other than `cp` and its variants:
// 欣 -> 心 新 鑫 馨 … For the benchmark generator's homophone errors.
std::vector<char32_t> HomophonesOf(char32_t cp);
// True for the 6,763 characters of GB 2312 (what names and addresses are mostly written in).
bool IsCommonCharacter(char32_t cp);

}  // namespace tongan::linkage
