// Excel .xlsx department files: the first visible worksheet, read from memory.
#pragma once

#include <string_view>

#include "ingest/table.h"

namespace tongan::ingest {

ReadResult ReadXlsx(std::string_view bytes, const ReadLimits& limits);

}  // namespace tongan::ingest
