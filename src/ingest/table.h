// Department files as tables: CSV (UTF-8, with or without BOM, or GB18030 as Excel on a Chinese
// Windows saves it) and Excel .xlsx (the first worksheet), read from memory. A malformed file gives
// an error with a Chinese message, never a crash. Rows keep their line (CSV: the physical line the
// record starts on) or row number (.xlsx) so rejected rows can be reported by line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tongan::ingest {

struct TableRow {
  int64_t line = 0;                // 1-based
  std::vector<std::string> cells;  // UTF-8; an .xlsx number as Excel shows its value ("43831", "3.5")
};

struct Table {
  std::string format;    // "csv" or "xlsx"
  std::string encoding;  // "UTF-8" or "GB18030" for CSV; "UTF-8" for .xlsx
  std::string sheet;     // .xlsx: name of the sheet read
  std::vector<TableRow> rows;  // every non-blank row, in file order, header rows included
};

struct ReadError {
  std::string code;        // file_empty, file_too_large, csv_malformed, xlsx_malformed,
                           // xlsx_no_sheet, encoding_unknown, too_many_rows, cell_too_long
  std::string message_zh;  // e.g. "Excel 文件已损坏，无法读取工作表"
};

struct ReadResult {
  std::optional<Table> table;
  ReadError error;  // set when table is empty
};

struct ReadLimits {
  size_t max_rows = 2'000'000;
  size_t max_cell_bytes = 32 * 1024;
  size_t max_uncompressed_bytes = size_t{1} << 30;  // .xlsx parts, against zip bombs
};

// Reads `bytes`; the format is taken from the content (a zip archive is .xlsx), not the name.
ReadResult ReadTable(std::string_view bytes, const ReadLimits& limits = {});

// Writes rows as an .xlsx workbook with one sheet (header row bold, frozen) and returns its bytes.
std::string WriteXlsx(const std::string& sheet_name, const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows);

// The same with a title row and a subtitle row (填报单位, date …) above the header, as report
// tables for meetings are laid out.
std::string WriteTitledXlsx(const std::string& sheet_name, const std::string& title, const std::string& subtitle,
                            const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

// Writes rows as CSV in UTF-8 with a BOM (so Excel opens it as UTF-8), quoting as RFC 4180.
std::string WriteCsv(const std::vector<std::string>& header,
                     const std::vector<std::vector<std::string>>& rows);

}  // namespace tongan::ingest
