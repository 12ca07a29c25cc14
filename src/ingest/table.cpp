#include "ingest/table.h"

#include "ingest/csv_reader.h"
#include "ingest/table_internal.h"
#include "ingest/xlsx_reader.h"

namespace tongan::ingest {
namespace {

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool IsBlankText(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (IsAsciiSpace(text[i])) {
      ++i;
    } else if (text.substr(i, 3) == "\u3000" || text.substr(i, 3) == "\uFEFF") {
      i += 3;
    } else if (text.substr(i, 2) == "\u00A0") {
      i += 2;
    } else {
      return false;
    }
  }
  return true;
}

constexpr std::string_view kZipMagic("PK\x03\x04", 4);
constexpr std::string_view kEmptyZipMagic("PK\x05\x06", 4);
// OLE2 compound file: a legacy .xls workbook, or an .xlsx saved with a password.
constexpr std::string_view kOleMagic("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);

}  // namespace

ReadResult ReadFailure(std::string code, std::string message_zh) {
  ReadResult result;
  result.error = ReadError{std::move(code), std::move(message_zh)};
  return result;
}

bool IsBlankRow(const std::vector<std::string>& cells) {
  for (const std::string& cell : cells)
    if (!IsBlankText(cell)) return false;
  return true;
}

void NormalizeLineBreaks(std::string& cell) {
  if (cell.find('\r') == std::string::npos) return;
  std::string out;
  out.reserve(cell.size());
  for (size_t i = 0; i < cell.size(); ++i) {
    if (cell[i] != '\r') {
      out += cell[i];
    } else if (i + 1 >= cell.size() || cell[i + 1] != '\n') {
      out += '\n';
    }
  }
  cell = std::move(out);
}

std::string DescribeBytes(size_t bytes) {
  constexpr size_t kMb = size_t{1} << 20;
  if (bytes >= (size_t{1} << 30) && bytes % (size_t{1} << 30) == 0)
    return std::to_string(bytes >> 30) + " GB";
  if (bytes >= kMb) return std::to_string(bytes / kMb) + " MB";
  if (bytes >= 1024) return std::to_string(bytes / 1024) + " KB";
  return std::to_string(bytes) + " 字节";
}

ReadResult TooManyRows(size_t max_rows) {
  return ReadFailure("too_many_rows", "文件超过 " + std::to_string(max_rows) +
                                          " 行，请拆分成几个文件分批导入");
}

ReadResult CellTooLong(int64_t line, size_t max_cell_bytes, bool is_csv) {
  return ReadFailure("cell_too_long", std::string(is_csv ? "CSV 文件" : "Excel 工作表") + "第 " +
                                          std::to_string(line) + " 行有单元格内容过长（超过 " +
                                          DescribeBytes(max_cell_bytes) + "）");
}

ReadResult ReadTable(std::string_view bytes, const ReadLimits& limits) {
  bool blank = true;
  for (char c : bytes) {
    if (!IsAsciiSpace(c)) {
      blank = false;
      break;
    }
  }
  if (blank) return ReadFailure("file_empty", "文件是空的");
  if (bytes.starts_with(kZipMagic) || bytes.starts_with(kEmptyZipMagic))
    return ReadXlsx(bytes, limits);
  if (bytes.starts_with(kOleMagic))
    return ReadFailure("xlsx_no_sheet",
                       "这是旧版 Excel（.xls）或设置了密码的 Excel 文件，无法直接读取；"
                       "请在 Excel 中另存为不加密的 .xlsx 或 CSV 后再上传");
  return ReadCsv(bytes, limits);
}

}  // namespace tongan::ingest
