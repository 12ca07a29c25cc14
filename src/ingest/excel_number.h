// How an .xlsx numeric cell is shown to the caller.
#pragma once

#include <string>
#include <string_view>

namespace tongan::ingest {

// Formats the text of a numeric <v> as Excel shows it in a General cell, but without scientific
// notation: "13800138000" stays, "4.1040220150101002E+17" (an ID number typed into a number
// cell) becomes "410402201501010020", "0.30000000000000004" becomes "0.3" (15 significant
// digits, as Excel displays). Text that is not a number is returned unchanged.
std::string FormatExcelNumber(std::string_view value);

}  // namespace tongan::ingest
