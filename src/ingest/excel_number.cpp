#include "ingest/excel_number.h"

#include <charconv>
#include <optional>

namespace tongan::ingest {
namespace {

// Integers longer than this keep their written form: no real cell holds them and the expansion
// of "1E+300" is not useful.
constexpr int kMaxExpandedDigits = 30;
// Excel shows at most 15 significant digits.
constexpr int kDisplayDigits = 15;

struct Decimal {
  bool negative = false;
  std::string digits;  // significant digits, no leading zeros; empty for zero
  int point = 0;       // value = 0.digits × 10^point
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Parses [-+]digits[.digits][(e|E)[-+]digits]; nullopt for anything else.
std::optional<Decimal> ParseDecimal(std::string_view text) {
  Decimal decimal;
  size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) decimal.negative = text[i++] == '-';
  std::string mantissa;
  int integer_digits = 0;
  bool seen_point = false, any_digit = false;
  for (; i < text.size(); ++i) {
    if (IsDigit(text[i])) {
      mantissa += text[i];
      any_digit = true;
      if (!seen_point) ++integer_digits;
    } else if (text[i] == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any_digit) return std::nullopt;
  long exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exponent_negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) exponent_negative = text[i++] == '-';
    if (i >= text.size()) return std::nullopt;
    for (; i < text.size(); ++i) {
      if (!IsDigit(text[i]) || exponent > 100000) return std::nullopt;
      exponent = exponent * 10 + (text[i] - '0');
    }
    if (exponent_negative) exponent = -exponent;
  }
  if (i != text.size() || mantissa.size() > 1000) return std::nullopt;
  // Drop leading zeros (moving the point) and trailing zeros.
  const size_t first = mantissa.find_first_not_of('0');
  if (first == std::string::npos) return Decimal{};  // zero
  integer_digits -= static_cast<int>(first);
  mantissa.erase(0, first);
  mantissa.erase(mantissa.find_last_not_of('0') + 1);
  decimal.digits = std::move(mantissa);
  decimal.point = integer_digits + static_cast<int>(exponent);
  return decimal;
}

// Plain notation of a parsed value.
std::string Plain(const Decimal& decimal) {
  if (decimal.digits.empty()) return "0";
  std::string out = decimal.negative ? "-" : "";
  const int length = static_cast<int>(decimal.digits.size());
  if (decimal.point <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-decimal.point), '0');
    out += decimal.digits;
  } else if (decimal.point >= length) {
    out += decimal.digits;
    out.append(static_cast<size_t>(decimal.point - length), '0');
  } else {
    out += decimal.digits.substr(0, static_cast<size_t>(decimal.point));
    out += '.';
    out += decimal.digits.substr(static_cast<size_t>(decimal.point));
  }
  return out;
}

}  // namespace

std::string FormatExcelNumber(std::string_view value) {
  const std::optional<Decimal> decimal = ParseDecimal(value);
  if (!decimal) return std::string(value);
  if (decimal->digits.empty()) return "0";
  const int length = static_cast<int>(decimal->digits.size());
  if (decimal->point >= length) {  // an integer: keep every written digit
    if (decimal->point > kMaxExpandedDigits) return std::string(value);
    return Plain(*decimal);
  }
  if (decimal->point < -20 || decimal->point > kMaxExpandedDigits) return std::string(value);
  // A fraction: round to what Excel displays, so that 0.1+0.2 shows as 0.3.
  double number = 0;
  const std::string plain = Plain(*decimal);
  const auto [end, error] = std::from_chars(plain.data(), plain.data() + plain.size(), number);
  if (error != std::errc() || end != plain.data() + plain.size()) return plain;
  char buffer[64];
  const auto [buffer_end, format_error] = std::to_chars(
      buffer, buffer + sizeof buffer, number, std::chars_format::scientific, kDisplayDigits - 1);
  if (format_error != std::errc()) return plain;
  const std::optional<Decimal> rounded =
      ParseDecimal(std::string_view(buffer, static_cast<size_t>(buffer_end - buffer)));
  return rounded ? Plain(*rounded) : plain;
}

}  // namespace tongan::ingest
