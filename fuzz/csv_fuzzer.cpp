// Fuzzes department CSV files (encoding detection UTF-8/GB18030/UTF-16, delimiters, libcsv) and
// the UTF-8 helpers; a failure is a crash, a sanitizer report, an exception or a broken invariant.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "ingest/csv_reader.h"
#include "ingest/table.h"
#include "ingest/text_encoding.h"

namespace tongan::fuzz {
namespace {

void CheckTable(const ingest::ReadResult& result, const ingest::ReadLimits& limits) {
  if (!result.table) {
    FUZZ_CHECK(!result.error.code.empty() && ingest::IsValidUtf8(result.error.message_zh));
    return;
  }
  const ingest::Table& table = *result.table;
  FUZZ_CHECK(table.format == "csv");
  FUZZ_CHECK(!table.rows.empty() && table.rows.size() <= limits.max_rows);
  int64_t previous_line = 0;
  for (const ingest::TableRow& row : table.rows) {
    // Lines name rejected rows to the user: positive and in file order.
    FUZZ_CHECK(row.line > previous_line);
    previous_line = row.line;
    for (const std::string& cell : row.cells) {
      FUZZ_CHECK(cell.size() <= limits.max_cell_bytes);
      FUZZ_CHECK(ingest::IsValidUtf8(cell));  // whatever the file's encoding, cells are UTF-8
    }
  }
}

void CheckEncodingHelpers(std::string_view bytes) {
  const std::string repaired = ingest::ToValidUtf8(bytes);
  FUZZ_CHECK(ingest::IsValidUtf8(repaired));
  if (ingest::IsValidUtf8(bytes)) FUZZ_CHECK(repaired == bytes);
  for (const char* charset : {"GB18030", "UTF-16LE"}) {
    const auto converted = ingest::ConvertToUtf8(bytes, charset);
    if (converted) FUZZ_CHECK(ingest::IsValidUtf8(*converted));
  }
}

}  // namespace
}  // namespace tongan::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tongan;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The server's limits, and tiny ones so the row and cell limits are reached by small inputs.
  const ingest::ReadLimits server_limits;
  const ingest::ReadLimits tiny_limits{.max_rows = 3, .max_cell_bytes = 8, .max_uncompressed_bytes = 4096};
  fuzz::CheckTable(ingest::ReadCsv(bytes, server_limits), server_limits);
  fuzz::CheckTable(ingest::ReadCsv(bytes, tiny_limits), tiny_limits);
  fuzz::CheckEncodingHelpers(bytes);
  return 0;
}
