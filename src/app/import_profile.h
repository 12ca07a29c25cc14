// Import profiles: how one department's file maps to our fields (data files under
// data/import_profiles/, one per department; a new department is a new file, not code), and the
// mapping of a read table to rows that are loaded or rejected with reasons.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/date.h"
#include "core/region.h"
#include "ingest/table.h"

namespace tongan {

struct ImportProfile {
  std::string id;
  std::string department;   // 公安, 教育 …
  std::string name_zh;
  std::string record_kind;  // residence, enrolment, health_record, vaccination, insurance, disability
  std::string description;
  // Our field → the column headings departments use for it, in order of preference.
  std::vector<std::pair<std::string, std::vector<std::string>>> columns;
  std::vector<std::string> required_columns;
  // Fields every row must have a value for (a delivery needs its item and date); a row without
  // one is rejected with the reason.
  std::vector<std::string> required_fields;

  // Throws std::invalid_argument with a Chinese message naming the problem.
  static ImportProfile FromJson(const nlohmann::json& json);
  nlohmann::json ToJson() const;
};

struct RowProblem {
  std::string code;     // name_missing, birth_date_missing, id_invalid, not_a_minor …
  std::string field;
  std::string message;  // Chinese
  bool rejects = false; // true: the row is not loaded; false: a warning kept with the row
};

struct MappedRow {
  int64_t line = 0;
  bool loaded = false;
  nlohmann::ordered_json raw = nlohmann::ordered_json::object();  // heading → cell as sent
  nlohmann::json fields = nlohmann::json::object();  // our field → normalised value
  std::vector<RowProblem> problems;
  std::string name, id_number, birth_date, hukou_code;
  std::string row_sha256;  // of the profile and the cells, not the line: same row, same hash
};

struct MappedTable {
  int64_t header_line = 0;
  std::vector<std::string> header;
  std::vector<std::string> unmapped_columns;  // kept in raw, not used
  std::vector<MappedRow> rows;
};

struct MappingError {
  std::string code;  // header_not_found, column_missing
  std::string message;
};

struct MappingResult {
  std::optional<MappedTable> table;
  MappingError error;
};

// Finds the header row (title rows above it are skipped), maps every later row and checks it:
// a row needs a name and a birth date (from its column or a valid ID) of a person under 18.
MappingResult MapTable(const ingest::Table& table, const ImportProfile& profile,
                       const RegionTree& regions, Date today);


}  // namespace tongan
