// Persistence of department data: import batches, source rows with provenance, and the links of
// source rows to registry children. Every read takes a RegionScope, as for children.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "store/store.h"

namespace tongan {

struct ImportBatch {
  int64_t id = 0;
  std::string region_code;
  std::string profile_id;
  std::string department;
  std::string record_kind;
  std::string file_name;
  std::string file_sha256;
  std::string file_format;
  std::string file_encoding;
  int64_t header_line = 0;
  std::vector<std::string> columns;  // the file's headings, in order
  int64_t rows_total = 0;
  int64_t rows_loaded = 0;
  int64_t rows_rejected = 0;
  int64_t rows_duplicate = 0;
  std::string created_at;
  int64_t created_by = 0;
  std::string created_by_name;
  // Link states of the batch's loaded rows (filled by reads).
  int64_t linked = 0, review = 0, unmatched = 0;
};

// One row of a department file as stored.
struct SourceRecord {
  int64_t id = 0;
  int64_t batch_id = 0;
  std::string region_code;
  std::string profile_id;
  std::string record_kind;
  int64_t line = 0;
  std::string row_sha256;
  std::string status;  // loaded | rejected
  std::string name;
  std::string id_number;
  std::string birth_date;
  std::string hukou_code;
  std::string raw;       // JSON object: column → value as sent
  std::string fields;    // JSON object: mapped field → value
  std::string problems;  // JSON array
};

struct RecordLink {
  int64_t source_record_id = 0;
  int64_t batch_id = 0;
  std::string state;   // linked | review | new
  std::string method;  // exact_id | probabilistic | manual | none
  std::optional<int64_t> child_id;
  std::optional<int64_t> candidate_id;
  double probability = 0;
  std::string explanation;  // JSON
  bool decided_by_person = false;
  std::string updated_at;
};

struct LinkEvent {
  std::string at;
  std::string username;
  std::string event;
  std::string state;
  std::optional<int64_t> child_id;
  double probability = 0;
  std::string note;
};

struct LinkedRecord {
  SourceRecord record;
  RecordLink link;
};

struct LinkQuery {
  std::string state;     // linked | review | new; "" = any
  int64_t batch_id = 0;  // 0 = any
  std::string record_kind;
  int64_t offset = 0;
  int64_t limit = 20;
};

struct LinkedPage {
  std::vector<LinkedRecord> items;
  int64_t total = 0;
};

// Children of the scope (born within `born`) without any linked source row of `record_kind`.
struct LackingQuery {
  std::string record_kind;
  std::pair<Date, Date> born;  // inclusive
  int64_t offset = 0;
  int64_t limit = 20;
};

class DepartmentStore {
 public:
  virtual ~DepartmentStore() = default;

  // An earlier batch of the same file for the same profile and region.
  virtual std::optional<ImportBatch> FindBatchByFile(const std::string& profile_id,
                                                     const std::string& region_code,
                                                     const std::string& file_sha256) = 0;
  // For each content hash, whether a loaded row with that content is stored for the profile and
  // region (rows are append-only, so a true answer stays true).
  virtual std::vector<bool> LoadedBefore(const std::string& profile_id, const std::string& region_code,
                                         const std::vector<std::string>& row_sha256s) = 0;
  // Stores the batch, its rows and the automatic links of its newly stored loaded rows (one event
  // each) in one transaction, so that a crash leaves either no trace of the batch or all of it. A
  // loaded row already stored for the same profile and region is skipped and counted in
  // rows_duplicate (its id stays 0). `links[i]` is rows[i]'s proposed link (ids filled in here;
  // ignored for rejected and duplicate rows); a new loaded row without one is a logic error and
  // stores nothing. Sets ids.
  virtual void InsertBatch(ImportBatch& batch, std::vector<SourceRecord>& rows,
                           std::vector<RecordLink>& links, const Actor& actor) = 0;
  virtual std::optional<ImportBatch> GetBatch(const RegionScope& scope, int64_t id) = 0;
  virtual std::vector<ImportBatch> ListBatches(const RegionScope& scope, int64_t limit) = 0;
  // Rows of a batch by line; status "" = all.
  virtual std::vector<SourceRecord> BatchRows(const RegionScope& scope, int64_t batch_id,
                                              const std::string& status) = 0;
  // Loaded rows not decided by a person, for (re)linking: of one batch, or of the whole scope
  // when batch_id is 0.
  virtual std::vector<SourceRecord> RowsToLink(const RegionScope& scope, int64_t batch_id) = 0;
  virtual std::optional<SourceRecord> GetRecord(const RegionScope& scope, int64_t id) = 0;

  // Writes links and one event each, in one transaction. Rows decided by a person are left as
  // they are.
  virtual void SaveAutoLinks(const std::vector<RecordLink>& links, const Actor& actor) = 0;
  // A person's decision: replaces the link if it is still at `expected_state`; false otherwise.
  virtual bool DecideLink(const RegionScope& scope, const RecordLink& link,
                          const std::string& expected_state, const std::string& event,
                          const std::string& note, const Actor& actor) = 0;
  virtual std::optional<RecordLink> GetLink(const RegionScope& scope, int64_t source_record_id) = 0;
  virtual std::vector<LinkEvent> LinkEvents(const RegionScope& scope, int64_t source_record_id) = 0;
  virtual LinkedPage ListLinks(const RegionScope& scope, const LinkQuery& query) = 0;
  // Source rows linked to a child (the child must be in scope).
  virtual std::vector<LinkedRecord> ChildSources(const RegionScope& scope, int64_t child_id) = 0;

  // Findings.
  // Record kinds with at least one import batch in the scope or for a region enclosing it.
  virtual std::vector<std::string> ImportedKinds(const RegionScope& scope) = 0;
  virtual ChildPage ChildrenLacking(const RegionScope& scope, const LackingQuery& query) = 0;
  // Loaded rows whose registration county differs from the county they were reported in.
  virtual LinkedPage Separated(const RegionScope& scope, int64_t offset, int64_t limit) = 0;
  // Loaded rows of a kind whose mapped `field` is one of `values` ("" matches a missing field).
  virtual LinkedPage RowsWithField(const RegionScope& scope, const std::string& record_kind,
                                   const std::string& field, const std::vector<std::string>& values,
                                   int64_t offset, int64_t limit) = 0;
};

}  // namespace tongan
