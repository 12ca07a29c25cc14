// CSV department files: encoding and delimiter detection, then parsing with libcsv.
#pragma once

#include <string_view>

#include "ingest/table.h"

namespace tongan::ingest {

// Reads CSV (or tab/semicolon separated text) in UTF-8, GB18030 or UTF-16 with a BOM.
ReadResult ReadCsv(std::string_view bytes, const ReadLimits& limits);

}  // namespace tongan::ingest
