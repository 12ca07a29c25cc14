#include "ingest/xlsx_parts.h"

#include <cstring>
#include <limits>
#include <optional>

#include "ingest/excel_number.h"
#include "ingest/table_internal.h"
#include "ingest/text_encoding.h"

namespace tongan::ingest {
namespace {

constexpr int64_t kMaxExcelRow = 1'048'576;
constexpr size_t kMaxExcelColumns = 16'384;  // column XFD

// Raw XML text is cut off beyond this: an escape of 7 bytes ("_x000D_") decodes to at least one,
// so raw text over 8 × the limit cannot decode to a cell within it.
size_t RawTextCap(size_t max_cell_bytes) {
  constexpr size_t kMax = std::numeric_limits<size_t>::max();
  return max_cell_bytes > (kMax - 8) / 8 ? kMax : max_cell_bytes * 8 + 8;
}

std::optional<unsigned> ParseHex4(std::string_view text) {
  if (text.size() != 4) return std::nullopt;
  unsigned value = 0;
  for (char c : text) {
    value <<= 4;
    if (c >= '0' && c <= '9') value |= static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') value |= static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') value |= static_cast<unsigned>(c - 'A' + 10);
    else return std::nullopt;
  }
  return value;
}

// The code unit escaped as "_xHHHH_" at `text[i]`, if there is one.
std::optional<unsigned> EscapeAt(std::string_view text, size_t i) {
  if (i + 7 > text.size() || text[i] != '_' || text[i + 1] != 'x' || text[i + 6] != '_')
    return std::nullopt;
  return ParseHex4(text.substr(i + 2, 4));
}

// "B3" → 1. nullopt unless 1–3 letters (then optional digits) naming a column up to XFD.
std::optional<size_t> ParseColumn(const char* reference) {
  if (reference == nullptr) return std::nullopt;
  size_t column = 0, letters = 0;
  const char* p = reference;
  for (; *p != '\0'; ++p) {
    char c = *p;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    if (++letters > 3) return std::nullopt;
    column = column * 26 + static_cast<size_t>(c - 'A' + 1);
  }
  for (; *p != '\0'; ++p)
    if (*p < '0' || *p > '9') return std::nullopt;
  if (letters == 0 || column > kMaxExcelColumns) return std::nullopt;
  return column - 1;
}

// A row number 1…1048576, or nullopt.
std::optional<int64_t> ParseRowNumber(const char* text) {
  if (text == nullptr || *text == '\0') return std::nullopt;
  int64_t value = 0;
  for (const char* p = text; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9') return std::nullopt;
    value = value * 10 + (*p - '0');
    if (value > kMaxExcelRow) return std::nullopt;
  }
  if (value == 0) return std::nullopt;
  return value;
}

std::optional<size_t> ParseIndex(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  size_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<size_t>(c - '0');
  }
  return value;
}

std::string_view TrimAscii(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// Appends up to `cap` bytes in total; false when some had to be left out.
bool AppendCapped(std::string& out, std::string_view text, size_t cap) {
  if (out.size() >= cap) return text.empty();
  const size_t room = cap - out.size();
  out.append(text.substr(0, room));
  return text.size() <= room;
}

ReadResult Malformed(const std::string& detail) {
  return ReadFailure("xlsx_malformed", "Excel 文件已损坏，无法读取工作表（" + detail + "）");
}

}  // namespace

std::string DecodeOoxmlEscapes(std::string_view text) {
  if (text.find("_x") == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const std::optional<unsigned> unit = EscapeAt(text, i);
    if (!unit) {
      out += text[i++];
      continue;
    }
    if (*unit >= 0xD800 && *unit <= 0xDBFF) {  // a surrogate pair written as two escapes
      const std::optional<unsigned> low = EscapeAt(text, i + 7);
      if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
        AppendUtf8(out, 0x10000 + ((*unit - 0xD800) << 10) + (*low - 0xDC00));
        i += 14;
        continue;
      }
    }
    if (*unit >= 0xD800 && *unit <= 0xDFFF) {  // unpaired: keep the text as written
      out += text[i++];
      continue;
    }
    AppendUtf8(out, static_cast<char32_t>(*unit));
    i += 7;
  }
  return out;
}

void WorkbookHandler::Start(std::string_view name, const char** attributes) {
  if (name == "sheets") {
    in_sheets_ = true;
  } else if (name == "sheet" && in_sheets_) {
    WorkbookSheet sheet;
    if (const char* value = FindAttribute(attributes, "name")) sheet.name = value;
    if (const char* value = FindAttribute(attributes, "id")) sheet.relationship_id = value;
    if (const char* value = FindAttribute(attributes, "state"))
      sheet.hidden = std::strcmp(value, "hidden") == 0 || std::strcmp(value, "veryHidden") == 0;
    sheets.push_back(std::move(sheet));
  }
}

void WorkbookHandler::End(std::string_view name) {
  if (name == "sheets") in_sheets_ = false;
}

void RelationshipsHandler::Start(std::string_view name, const char** attributes) {
  if (name != "Relationship") return;
  Relationship relationship;
  if (const char* value = FindAttribute(attributes, "Id")) relationship.id = value;
  if (const char* value = FindAttribute(attributes, "Type")) relationship.type = value;
  if (const char* value = FindAttribute(attributes, "Target")) relationship.target = value;
  if (const char* value = FindAttribute(attributes, "TargetMode"))
    relationship.external = std::strcmp(value, "External") == 0;
  relationships.push_back(std::move(relationship));
}

void SharedStringsHandler::Start(std::string_view name, const char**) {
  if (name == "si") {
    in_item_ = true;
    in_text_ = false;
    phonetic_depth_ = 0;
    too_long_ = false;
    current_.clear();
  } else if (!in_item_) {
    return;
  } else if (name == "rPh") {
    ++phonetic_depth_;
  } else if (name == "t" && phonetic_depth_ == 0) {
    in_text_ = true;
  }
}

void SharedStringsHandler::End(std::string_view name) {
  if (!in_item_) return;
  if (name == "t") {
    in_text_ = false;
  } else if (name == "rPh") {
    if (phonetic_depth_ > 0) --phonetic_depth_;
  } else if (name == "si") {
    in_item_ = false;
    std::string text = DecodeOoxmlEscapes(current_);
    NormalizeLineBreaks(text);
    if (too_long_ || text.size() > max_cell_bytes_) text.resize(max_cell_bytes_ + 1);
    strings.push_back(std::move(text));
    current_.clear();
  }
}

void SharedStringsHandler::Text(std::string_view text) {
  if (in_text_ && !AppendCapped(current_, text, RawTextCap(max_cell_bytes_))) too_long_ = true;
}

void SheetHandler::Start(std::string_view name, const char** attributes) {
  if (name == "sheetData") {
    in_sheet_data_ = true;
  } else if (!in_sheet_data_) {
    return;
  } else if (name == "row") {
    StartRow(attributes);
  } else if (name == "c" && in_row_) {
    StartCell(attributes);
  } else if (!in_cell_) {
    return;
  } else if (name == "v") {
    in_value_ = true;
  } else if (name == "is") {
    in_inline_ = true;
  } else if (name == "rPh" && in_inline_) {
    ++phonetic_depth_;
  } else if (name == "t" && in_inline_ && phonetic_depth_ == 0) {
    in_text_ = true;
  }
}

void SheetHandler::End(std::string_view name) {
  if (name == "sheetData") {
    in_sheet_data_ = false;
  } else if (name == "v") {
    in_value_ = false;
  } else if (name == "t") {
    in_text_ = false;
  } else if (name == "rPh") {
    if (phonetic_depth_ > 0) --phonetic_depth_;
  } else if (name == "is") {
    in_inline_ = false;
  } else if (name == "c" && in_cell_) {
    FinishCell();
  } else if (name == "row" && in_row_) {
    FinishRow();
  }
}

void SheetHandler::Text(std::string_view text) {
  std::string* target = in_value_ ? &value_ : in_text_ ? &inline_text_ : nullptr;
  if (target == nullptr) return;
  if (!AppendCapped(*target, text, RawTextCap(limits_.max_cell_bytes)))
    failure = CellTooLong(row_number_, limits_.max_cell_bytes, false);
}

void SheetHandler::StartRow(const char** attributes) {
  if (in_row_) FinishRow();  // an unclosed row cannot happen in well-formed XML, but be safe
  row_number_ = ParseRowNumber(FindAttribute(attributes, "r")).value_or(last_row_number_ + 1);
  cells_.clear();
  next_column_ = 0;
  in_row_ = true;
}

void SheetHandler::FinishRow() {
  in_row_ = false;
  last_row_number_ = row_number_;
  if (IsBlankRow(cells_)) return;
  if (rows.size() >= limits_.max_rows) {
    failure = TooManyRows(limits_.max_rows);
    return;
  }
  rows.push_back(TableRow{row_number_, std::move(cells_)});
  cells_.clear();
}

void SheetHandler::StartCell(const char** attributes) {
  column_ = ParseColumn(FindAttribute(attributes, "r")).value_or(next_column_);
  const char* type = FindAttribute(attributes, "t");
  type_ = type == nullptr ? "" : type;
  value_.clear();
  inline_text_.clear();
  in_value_ = in_inline_ = in_text_ = false;
  phonetic_depth_ = 0;
  in_cell_ = true;
}

std::string SheetHandler::CellText() {
  if (type_ == "s") {
    const std::optional<size_t> index = ParseIndex(TrimAscii(value_));
    if (!index && TrimAscii(value_).empty()) return "";
    if (!index || *index >= shared_strings_.size()) {
      failure = Malformed("第 " + std::to_string(row_number_) + " 行引用了不存在的共享字符串");
      return "";
    }
    return shared_strings_[*index];
  }
  if (type_ == "inlineStr") return DecodeOoxmlEscapes(inline_text_.empty() ? value_ : inline_text_);
  if (type_ == "b") {
    const std::string_view value = TrimAscii(value_);
    if (value == "1") return "TRUE";
    if (value == "0") return "FALSE";
    return std::string(value);
  }
  if (type_ == "str") return DecodeOoxmlEscapes(value_);
  if (type_.empty() || type_ == "n") {
    const std::string_view value = TrimAscii(value_);
    return value.empty() ? "" : FormatExcelNumber(value);
  }
  return value_;  // "e" (#N/A and the like), "d" (ISO date), anything else as written
}

void SheetHandler::FinishCell() {
  in_cell_ = in_value_ = in_inline_ = in_text_ = false;
  next_column_ = column_ + 1;
  std::string text = CellText();
  if (failure) return;
  NormalizeLineBreaks(text);
  if (text.size() > limits_.max_cell_bytes) {
    failure = CellTooLong(row_number_, limits_.max_cell_bytes, false);
    return;
  }
  if (text.empty()) return;  // styled but empty cells do not widen the row
  if (column_ >= kMaxExcelColumns) {
    // Only a cell without a usable r= after one at XFD lands here; Excel never writes that.
    failure = Malformed("第 " + std::to_string(row_number_) + " 行有单元格超出最后一列 XFD");
    return;
  }
  if (column_ >= cells_.size()) {
    // Cells made up for a gap have no bytes in the file; charge them so that a tiny sheet with
    // cells at column XFD on every row cannot take gigabytes.
    const size_t gap = column_ - cells_.size();
    if (!budget_.Charge(gap * sizeof(std::string))) {
      failure = ReadFailure("file_too_large", "Excel 工作表过大（解压后超过 " +
                                                  DescribeBytes(budget_.max_uncompressed_bytes()) +
                                                  "）");
      return;
    }
    cells_.resize(column_ + 1);
  }
  cells_[column_] = std::move(text);
}

}  // namespace tongan::ingest
