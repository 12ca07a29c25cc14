#include "ingest/csv_reader.h"

#include <csv.h>

#include <new>
#include <optional>

#include "ingest/table_internal.h"
#include "ingest/text_encoding.h"

namespace tongan::ingest {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kUtf16LeBom = "\xFF\xFE";
constexpr std::string_view kUtf16BeBom = "\xFE\xFF";

struct DecodedText {
  std::string converted;  // holds the text when it had to be converted
  std::string_view text;  // UTF-8 without BOM
  std::string encoding;
};

ReadResult UnknownEncoding() {
  return ReadFailure("encoding_unknown",
                     "无法识别文件编码（既不是 UTF-8 也不是 GB18030/GBK），"
                     "请在 Excel 中另存为“CSV UTF-8”或 .xlsx 后再上传");
}

// Decodes the file to UTF-8. Excel on Chinese Windows saves "CSV" in GB18030 (GBK) without any
// marker, so text that is not valid UTF-8 is tried as GB18030; its "Unicode text" is UTF-16LE
// with a BOM.
std::optional<DecodedText> Decode(std::string_view bytes) {
  if (bytes.starts_with(kUtf16LeBom) || bytes.starts_with(kUtf16BeBom)) {
    const bool little_endian = bytes.starts_with(kUtf16LeBom);
    std::optional<std::string> text =
        ConvertToUtf8(bytes.substr(2), little_endian ? "UTF-16LE" : "UTF-16BE");
    if (!text) return std::nullopt;
    return DecodedText{std::move(*text), {}, little_endian ? "UTF-16LE" : "UTF-16BE"};
  }
  if (bytes.starts_with(kUtf8Bom)) {
    // The BOM declares UTF-8: bad bytes after it are damage, not another encoding.
    bytes.remove_prefix(kUtf8Bom.size());
    if (!IsValidUtf8(bytes)) return std::nullopt;
    return DecodedText{{}, bytes, "UTF-8"};
  }
  if (IsValidUtf8(bytes)) return DecodedText{{}, bytes, "UTF-8"};
  std::optional<std::string> text = ConvertToUtf8(bytes, "GB18030");
  if (!text) return std::nullopt;
  return DecodedText{std::move(*text), {}, "GB18030"};
}

// Comma unless the first line has none and has tabs (Excel "Unicode text") or semicolons (CSV
// saved with a European list separator).
unsigned char DetectDelimiter(std::string_view text) {
  const std::string_view first_line = text.substr(0, text.find_first_of("\r\n"));
  size_t commas = 0, tabs = 0, semicolons = 0;
  for (char c : first_line) {
    if (c == ',') ++commas;
    else if (c == '\t') ++tabs;
    else if (c == ';') ++semicolons;
  }
  if (commas > 0) return ',';
  if (tabs > 0 && tabs >= semicolons) return '\t';
  if (semicolons > 0) return ';';
  return ',';
}

// State shared with the libcsv callbacks. Callbacks must not throw through the C library, so
// failures are recorded and parsing stops at the next line.
struct CsvState {
  const ReadLimits* limits = nullptr;
  Table table;
  std::vector<std::string> cells;
  int64_t line = 1;               // physical line being fed
  int64_t record_line = 0;        // line the current record started on
  int64_t field_line = 0;         // line the current field started on
  bool in_record = false;
  std::optional<ReadResult> failure;
};

void OnField(void* data, size_t length, void* context) {
  auto& state = *static_cast<CsvState*>(context);
  if (state.failure) return;
  if (length > state.limits->max_cell_bytes) {
    state.failure = CellTooLong(state.record_line, state.limits->max_cell_bytes, true);
    return;
  }
  try {
    std::string& cell = state.cells.emplace_back(static_cast<const char*>(data), length);
    NormalizeLineBreaks(cell);
  } catch (const std::bad_alloc&) {
    state.failure = ReadFailure("file_too_large", "CSV 文件过大，内存不足");
  }
  state.field_line = state.line;
}

void OnRow(int /*terminator*/, void* context) {
  auto& state = *static_cast<CsvState*>(context);
  state.in_record = false;
  if (state.failure) return;
  std::vector<std::string> cells = std::move(state.cells);
  state.cells.clear();
  if (IsBlankRow(cells)) return;
  if (state.table.rows.size() >= state.limits->max_rows) {
    state.failure = TooManyRows(state.limits->max_rows);
    return;
  }
  try {
    state.table.rows.push_back(TableRow{state.record_line, std::move(cells)});
  } catch (const std::bad_alloc&) {
    state.failure = ReadFailure("file_too_large", "CSV 文件过大，内存不足");
  }
}

ReadResult Malformed(int64_t line) {
  return ReadFailure("csv_malformed", "CSV 文件第 " + std::to_string(line) +
                                          " 行引号不配对：引号一直到文件末尾都没有闭合");
}

struct ParserGuard {
  csv_parser* parser;
  ~ParserGuard() { csv_free(parser); }
};

}  // namespace

ReadResult ReadCsv(std::string_view bytes, const ReadLimits& limits) {
  std::optional<DecodedText> decoded = Decode(bytes);
  if (!decoded) return UnknownEncoding();
  const std::string_view text = decoded->converted.empty() ? decoded->text : decoded->converted;

  csv_parser parser;
  // Lenient (not CSV_STRICT): department files have stray quotes inside unquoted fields.
  if (csv_init(&parser, 0) != 0) return ReadFailure("csv_malformed", "无法读取 CSV 文件");
  ParserGuard guard{&parser};
  const unsigned char delimiter = DetectDelimiter(text);
  csv_set_delim(&parser, delimiter);
  // What libcsv skips before a record: line breaks and its default spaces (space and tab, unless
  // tab is the delimiter).
  const std::string_view skipped_before_record = delimiter == '\t' ? "\r\n " : "\r\n \t";

  CsvState state;
  state.limits = &limits;
  state.table.format = "csv";
  state.table.encoding = decoded->encoding;

  // Feed one physical line at a time (CRLF, LF or a lone CR ends a line) so that the callbacks
  // know which line they are on. A record starts on the first line after the previous record
  // that holds anything besides line breaks; libcsv skips empty lines.
  size_t pos = 0;
  while (pos < text.size() && !state.failure) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) {
      end = text.size();
    } else {
      if (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ++end;
      ++end;
    }
    const std::string_view chunk = text.substr(pos, end - pos);
    if (!state.in_record &&
        chunk.find_first_not_of(skipped_before_record) != std::string_view::npos) {
      state.in_record = true;
      state.record_line = state.line;
      state.field_line = state.line;
    }
    if (csv_parse(&parser, chunk.data(), chunk.size(), OnField, OnRow, &state) != chunk.size())
      return ReadFailure("csv_malformed", "CSV 文件第 " + std::to_string(state.line) +
                                              " 行无法解析（" +
                                              csv_strerror(csv_error(&parser)) + "）");
    ++state.line;
    pos = end;
  }
  if (state.failure) return std::move(*state.failure);

  // Parsing was lenient; only at the end is a quote still open an error, since everything after
  // it would otherwise have become one cell.
  csv_set_opts(&parser, CSV_STRICT | CSV_STRICT_FINI);
  if (csv_fini(&parser, OnField, OnRow, &state) != 0) return Malformed(state.field_line);
  if (state.failure) return std::move(*state.failure);
  if (state.table.rows.empty()) return ReadFailure("file_empty", "文件中没有数据");

  ReadResult result;
  result.table = std::move(state.table);
  return result;
}

}  // namespace tongan::ingest
