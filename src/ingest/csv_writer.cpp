// WriteCsv: rejected-row files and exports as CSV that Excel opens correctly.
#include "ingest/table.h"

namespace tongan::ingest {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// -?digits(.digits)?((e|E)[+-]?digits)?
bool IsNumber(std::string_view text) {
  size_t i = 0;
  const auto digits = [&] {
    const size_t start = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (!digits()) return false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

// Guards against CSV formula injection: Excel runs a cell starting with = + @ (or tab/CR, which
// it strips first) as a formula, so such cells get a leading apostrophe. A leading '-' is only
// guarded when the cell is not a plain number, so that "-3.5" stays a number.
bool NeedsFormulaGuard(std::string_view cell) {
  if (cell.empty()) return false;
  switch (cell.front()) {
    case '=':
    case '+':
    case '@':
    case '\t':
    case '\r':
      return true;
    case '-':
      return !IsNumber(cell);
    default:
      return false;
  }
}

void AppendCell(std::string& out, std::string_view cell) {
  std::string value;
  if (NeedsFormulaGuard(cell)) value += '\'';
  value += cell;
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void AppendRow(std::string& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out += ',';
    AppendCell(out, cells[i]);
  }
  out += "\r\n";
}

}  // namespace

std::string WriteCsv(const std::vector<std::string>& header,
                     const std::vector<std::vector<std::string>>& rows) {
  std::string out = "\xEF\xBB\xBF";  // BOM: without it Excel on Chinese Windows reads GBK
  AppendRow(out, header);
  for (const auto& row : rows) AppendRow(out, row);
  return out;
}

}  // namespace tongan::ingest
