// Byte-level text helpers for department files: UTF-8 checks and conversion from the legacy
// encodings Excel writes (GB18030 on Chinese Windows, UTF-16 for "Unicode text").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tongan::ingest {

// True when `bytes` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// Replaces each byte that does not start a well-formed UTF-8 sequence with U+FFFD.
std::string ToValidUtf8(std::string_view bytes);

// Appends the UTF-8 form of `code_point` (which must be a Unicode scalar value).
void AppendUtf8(std::string& out, char32_t code_point);

// Converts `bytes` in `charset` (an ICU converter name such as "GB18030" or "UTF-16LE") to
// UTF-8. Returns nullopt when the bytes are not valid in that charset: a wrong guess must fail
// rather than produce replacement characters in names and ID numbers.
std::optional<std::string> ConvertToUtf8(std::string_view bytes, const char* charset);

}  // namespace tongan::ingest
