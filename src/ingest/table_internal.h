// Helpers shared by the CSV and .xlsx readers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ingest/table.h"

namespace tongan::ingest {

// A failed read.
ReadResult ReadFailure(std::string code, std::string message_zh);

// True when every cell is empty or only white space (ASCII, U+3000, U+00A0): such rows are
// spacing left in the sheet, not records.
bool IsBlankRow(const std::vector<std::string>& cells);

// Turns CRLF and a lone CR inside a cell into LF so that no stray CR reaches the caller.
void NormalizeLineBreaks(std::string& cell);

// A byte count for messages, e.g. "1 GB", "20 MB", "1000 字节".
std::string DescribeBytes(size_t bytes);

// Messages shared by both readers.
ReadResult TooManyRows(size_t max_rows);
ReadResult CellTooLong(int64_t line, size_t max_cell_bytes, bool is_csv);

}  // namespace tongan::ingest
