// WriteXlsx: rejected-row files and exports as .xlsx, via libxlsxwriter (which writes to a file,
// so the workbook goes through a private temporary file).
#include <fcntl.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "ingest/table.h"
#include "ingest/text_encoding.h"

namespace tongan::ingest {
namespace {

constexpr double kColumnWidth = 16;
constexpr size_t kMaxSheetNameChars = 31;
constexpr size_t kMaxCellChars = 32767;           // Excel's limit per cell
constexpr lxw_row_t kMaxRows = 1'048'576;
constexpr lxw_col_t kMaxColumns = 16'384;

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The first `max_chars` characters of valid UTF-8 text.
std::string TruncateChars(std::string text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsContinuationByte(text[i])) continue;
    if (chars++ == max_chars) {
      text.resize(i);
      break;
    }
  }
  return text;
}

// Excel refuses sheet names with []:*?/\, an apostrophe at either end, or over 31 characters.
std::string SheetName(const std::string& requested) {
  std::string name = ToValidUtf8(requested);
  for (char& c : name)
    if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos ||
        static_cast<unsigned char>(c) < 0x20)
      c = '_';
  while (!name.empty() && name.front() == '\'') name.erase(0, 1);
  name = TruncateChars(std::move(name), kMaxSheetNameChars);
  while (!name.empty() && name.back() == '\'') name.pop_back();
  return name.empty() ? "Sheet1" : name;
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Text that happens to look like Excel's "_xHHHH_" escape gets its '_' escaped as "_x005F_", as
// Excel does, so that it is not read back as the escaped character.
std::string EscapeLiteralEscapes(std::string text) {
  for (size_t i = 0; (i = text.find("_x", i)) != std::string::npos;) {
    const bool escape_like = i + 7 <= text.size() && IsHex(text[i + 2]) && IsHex(text[i + 3]) &&
                             IsHex(text[i + 4]) && IsHex(text[i + 5]) && text[i + 6] == '_';
    if (escape_like) {
      text.replace(i, 1, "_x005F_");
      i += 7 + 7;
    } else {
      i += 2;
    }
  }
  return text;
}

std::string TempDirectory() {
  const char* dir = std::getenv("TMPDIR");
  return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

// Removes the temporary file however WriteXlsx returns.
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) unlink(path.c_str());
  }
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return std::move(bytes).str();
}

}  // namespace

namespace {

// Titles (merged over the table's width) above a header row and the rows; a large table streams
// to disk, a titled one (a report table, small) is built in memory because merged cells need it.
std::string WriteSheet(const std::string& sheet_name, const std::vector<std::string>& titles,
                       const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  TempFile temp;
  std::string pattern = TempDirectory() + "/tongan-xlsx-XXXXXX";
  const int fd = mkstemp(pattern.data());
  if (fd < 0) return {};
  temp.path = pattern;
  close(fd);

  std::string tmpdir = TempDirectory();
  lxw_workbook_options options = {};
  options.constant_memory = titles.empty() ? LXW_TRUE : LXW_FALSE;  // rows stream to disk: exports can be large
  options.tmpdir = tmpdir.data();
  lxw_workbook* workbook = workbook_new_opt(temp.path.c_str(), &options);
  if (workbook == nullptr) return {};
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, SheetName(sheet_name).c_str());
  if (sheet == nullptr) {
    workbook_close(workbook);
    return {};
  }
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);
  // Text format, so that ID numbers typed or pasted into the file later stay text too.
  lxw_format* text = workbook_add_format(workbook);
  format_set_num_format(text, "@");

  size_t columns = header.size();
  for (const auto& row : rows) columns = std::max(columns, row.size());
  columns = std::min<size_t>(columns, kMaxColumns);
  if (columns > 0)
    worksheet_set_column(sheet, 0, static_cast<lxw_col_t>(columns - 1), kColumnWidth, text);
  const lxw_row_t first = static_cast<lxw_row_t>(titles.size());
  worksheet_freeze_panes(sheet, first + 1, titles.empty() ? 0 : 1);
  lxw_format* title_format = workbook_add_format(workbook);
  format_set_bold(title_format);
  format_set_font_size(title_format, 14);
  format_set_align(title_format, LXW_ALIGN_CENTER);
  for (size_t t = 0; t < titles.size(); ++t) {
    const std::string value = ToValidUtf8(titles[t]);
    if (columns > 1)
      worksheet_merge_range(sheet, static_cast<lxw_row_t>(t), 0, static_cast<lxw_row_t>(t),
                            static_cast<lxw_col_t>(columns - 1), value.c_str(), t == 0 ? title_format : nullptr);
    else
      worksheet_write_string(sheet, static_cast<lxw_row_t>(t), 0, value.c_str(), t == 0 ? title_format : nullptr);
  }

  // Every cell is written as a string: an 18-digit ID as a number would lose its last digits.
  const auto write_row = [&](lxw_row_t row_index, const std::vector<std::string>& cells,
                             lxw_format* format) {
    for (size_t column = 0; column < cells.size() && column < kMaxColumns; ++column) {
      if (cells[column].empty()) continue;
      const std::string value =
          TruncateChars(EscapeLiteralEscapes(ToValidUtf8(cells[column])), kMaxCellChars);
      worksheet_write_string(sheet, row_index, static_cast<lxw_col_t>(column), value.c_str(),
                             format);
    }
  };
  write_row(first, header, bold);
  for (size_t i = 0; i < rows.size() && first + i + 1 < kMaxRows; ++i)
    write_row(static_cast<lxw_row_t>(first + i + 1), rows[i], text);

  if (workbook_close(workbook) != LXW_NO_ERROR) return {};
  return ReadFile(temp.path);
}

}  // namespace

std::string WriteXlsx(const std::string& sheet_name, const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows) {
  return WriteSheet(sheet_name, {}, header, rows);
}

std::string WriteTitledXlsx(const std::string& sheet_name, const std::string& title, const std::string& subtitle,
                            const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  return WriteSheet(sheet_name, {title, subtitle}, header, rows);
}

}  // namespace tongan::ingest
