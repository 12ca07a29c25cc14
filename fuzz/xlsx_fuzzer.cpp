// Fuzzes .xlsx department files: raw zip bytes (libzip, limits), and — for inputs that are not a
// zip — the XML parts zipped by the harness so mutations reach the workbook, relationship, shared
// string and sheet parsers intact. A failure is a crash, a sanitizer report, an exception or a
// broken invariant (FUZZ_CHECK).
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz_support.h"
#include "ingest/table.h"
#include "ingest/text_encoding.h"
#include "ingest/xlsx_reader.h"

#include <zlib.h>

namespace tongan::fuzz {
namespace {

constexpr char kContentTypes[] =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>)";
constexpr char kDefaultWorkbook[] =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    R"(<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
    R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)"
    R"(<sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>)";
constexpr char kEmptySharedStrings[] =
    R"(<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>)";
constexpr char kDefaultRelationships[] =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>)"
    R"(<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>)"
    R"(</Relationships>)";

// A zip of `files` stored without compression, written by hand: deflating on every run (libzip
// and zlib allocate large windows) made the harness ten times slower; inflating is covered by
// inputs that are zips themselves.
std::string StoredZip(std::initializer_list<std::pair<std::string_view, std::string_view>> files) {
  std::string archive, directory;
  const auto put16 = [](std::string& out, uint32_t v) { out += char(v & 0xFF); out += char((v >> 8) & 0xFF); };
  const auto put32 = [&](std::string& out, uint32_t v) { put16(out, v & 0xFFFF); put16(out, v >> 16); };
  uint16_t count = 0;
  for (const auto& file : files) {
    const std::string_view name = file.first, content = file.second;  // plain names: lambdas use them
    const uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(content.data()), static_cast<uInt>(content.size()));
    const uint32_t offset = static_cast<uint32_t>(archive.size());
    const auto common = [&](std::string& out) {  // version needed … file name length
      put16(out, 20); put16(out, 0x0800); put16(out, 0); put16(out, 0); put16(out, 0x21);  // UTF-8 names, stored
      put32(out, crc); put32(out, static_cast<uint32_t>(content.size())); put32(out, static_cast<uint32_t>(content.size()));
      put16(out, static_cast<uint32_t>(name.size())); put16(out, 0);
    };
    put32(archive, 0x04034b50);
    common(archive);
    archive.append(name).append(content);
    put32(directory, 0x02014b50);
    put16(directory, 20);  // version made by
    common(directory);
    put16(directory, 0); put16(directory, 0); put16(directory, 0); put32(directory, 0); put32(directory, offset);
    directory.append(name);
    ++count;
  }
  const uint32_t directory_offset = static_cast<uint32_t>(archive.size());
  archive += directory;
  put32(archive, 0x06054b50);
  put16(archive, 0); put16(archive, 0); put16(archive, count); put16(archive, count);
  put32(archive, static_cast<uint32_t>(directory.size())); put32(archive, directory_offset); put16(archive, 0);
  return archive;
}

// Parts separated by NUL bytes, in this order; a part left out gets a well-formed default so
// that a mutated sheet alone still reaches the sheet parser.
std::string ZipFromParts(std::string_view input) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (parts.size() < 4) {
    const size_t end = input.find('\0', start);
    parts.emplace_back(input.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  parts.resize(4);
  const auto part_or = [&](size_t i, const char* fallback) {
    return parts[i].empty() ? std::string_view(fallback) : std::string_view(parts[i]);
  };
  return StoredZip({
      {"[Content_Types].xml", kContentTypes},
      {"xl/workbook.xml", part_or(2, kDefaultWorkbook)},
      {"xl/_rels/workbook.xml.rels", part_or(3, kDefaultRelationships)},
      {"xl/sharedStrings.xml", part_or(1, kEmptySharedStrings)},
      {"xl/worksheets/sheet1.xml", parts[0]},
  });
}

void CheckTable(const ingest::ReadResult& result, const ingest::ReadLimits& limits) {
  if (!result.table) {
    FUZZ_CHECK(!result.error.code.empty() && ingest::IsValidUtf8(result.error.message_zh));
    return;
  }
  const ingest::Table& table = *result.table;
  FUZZ_CHECK(ingest::IsValidUtf8(table.sheet));
  FUZZ_CHECK(!table.rows.empty() && table.rows.size() <= limits.max_rows);
  for (const ingest::TableRow& row : table.rows) {
    FUZZ_CHECK(row.line >= 1 && row.line <= 1'048'576);  // Excel's rows
    FUZZ_CHECK(row.cells.size() <= 16'384);                 // Excel's columns, A to XFD
    for (const std::string& cell : row.cells) {
      FUZZ_CHECK(cell.size() <= limits.max_cell_bytes);
      FUZZ_CHECK(ingest::IsValidUtf8(cell));
    }
  }
}

void ReadAndCheck(std::string_view zip_bytes) {
  const ingest::ReadLimits server_limits;
  const ingest::ReadLimits tiny_limits{.max_rows = 3, .max_cell_bytes = 8, .max_uncompressed_bytes = 4096};
  // ReadTable as the import does: it takes a "PK" file without the zip signature for CSV.
  const ingest::ReadResult as_uploaded = ingest::ReadTable(zip_bytes, server_limits);
  if (as_uploaded.table && zip_bytes.starts_with("PK\x03\x04")) FUZZ_CHECK(as_uploaded.table->format == "xlsx");
  CheckTable(as_uploaded, server_limits);
  CheckTable(ingest::ReadXlsx(zip_bytes, tiny_limits), tiny_limits);
}

}  // namespace
}  // namespace tongan::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.starts_with("PK")) {
    tongan::fuzz::ReadAndCheck(input);
  } else {
    tongan::fuzz::ReadAndCheck(tongan::fuzz::ZipFromParts(input));
  }
  return 0;
}
