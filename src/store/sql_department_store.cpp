// SQLite implementation of DepartmentStore, on the registry store's writer and readers.
#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <unordered_set>

#include "core/region.h"
#include "store/department_store.h"
#include "store/sql_internal.h"

namespace tongan::sql {
namespace {

// kChildColumns with the table alias used in joins.
constexpr const char* kChildColumnsOfC = "c.id, c.doc, c.version, c.created_at, c.updated_at";

constexpr const char* kBatchColumns =
    "b.id, b.region_code, b.profile_id, b.department, b.record_kind, b.file_name, b.file_sha256, "
    "b.file_format, b.file_encoding, b.header_line, b.columns, b.rows_total, b.rows_loaded, b.rows_rejected, "
    "b.rows_duplicate, b.created_at, b.created_by, b.created_by_name, "
    "(SELECT count(*) FROM record_links l WHERE l.batch_id = b.id AND l.state = 'linked'), "
    "(SELECT count(*) FROM record_links l WHERE l.batch_id = b.id AND l.state = 'review'), "
    "(SELECT count(*) FROM record_links l WHERE l.batch_id = b.id AND l.state = 'new')";

ImportBatch BatchFromRow(const Statement& s) {
  ImportBatch b;
  b.id = s.Int(0);
  b.region_code = s.Text(1);
  b.profile_id = s.Text(2);
  b.department = s.Text(3);
  b.record_kind = s.Text(4);
  b.file_name = s.Text(5);
  b.file_sha256 = s.Text(6);
  b.file_format = s.Text(7);
  b.file_encoding = s.Text(8);
  b.header_line = s.Int(9);
  b.columns = nlohmann::json::parse(s.Text(10)).get<std::vector<std::string>>();
  b.rows_total = s.Int(11);
  b.rows_loaded = s.Int(12);
  b.rows_rejected = s.Int(13);
  b.rows_duplicate = s.Int(14);
  b.created_at = s.Text(15);
  b.created_by = s.Int(16);
  b.created_by_name = s.Text(17);
  b.linked = s.Int(18);
  b.review = s.Int(19);
  b.unmatched = s.Int(20);
  return b;
}

constexpr const char* kRecordColumns =
    "r.id, r.batch_id, r.region_code, r.profile_id, r.record_kind, r.line, r.row_sha256, "
    "r.status, r.name, r.id_number, r.birth_date, r.hukou_code, r.raw, r.fields, r.problems";

SourceRecord RecordFromRow(const Statement& s, const FieldCipher& cipher, int at = 0) {
  SourceRecord r;
  r.id = s.Int(at + 0);
  r.batch_id = s.Int(at + 1);
  r.region_code = s.Text(at + 2);
  r.profile_id = s.Text(at + 3);
  r.record_kind = s.Text(at + 4);
  r.line = s.Int(at + 5);
  r.row_sha256 = s.Text(at + 6);
  r.status = s.Text(at + 7);
  r.name = s.Text(at + 8);
  r.id_number = cipher.Open(s.Text(at + 9), kSealedRecordIdNumber);
  r.birth_date = s.Text(at + 10);
  r.hukou_code = s.Text(at + 11);
  r.raw = cipher.Open(s.Text(at + 12), kSealedRecordRaw);
  r.fields = OpenRecordFields(s.Text(at + 13), cipher);
  r.problems = cipher.Open(s.Text(at + 14), kSealedRecordProblems);
  return r;
}

constexpr const char* kLinkColumns =
    "l.source_record_id, l.batch_id, l.state, l.method, l.child_id, l.candidate_id, l.probability, "
    "l.explanation, l.decided_by_person, l.updated_at";
constexpr int kLinkColumnCount = 10;

RecordLink LinkFromRow(const Statement& s, int at = 0) {
  RecordLink l;
  l.source_record_id = s.Int(at + 0);
  l.batch_id = s.Int(at + 1);
  l.state = s.Text(at + 2);
  l.method = s.Text(at + 3);
  l.child_id = s.OptionalInt(at + 4);
  l.candidate_id = s.OptionalInt(at + 5);
  l.probability = s.Real(at + 6);
  l.explanation = s.Text(at + 7);
  l.decided_by_person = s.Int(at + 8) != 0;
  l.updated_at = s.Text(at + 9);
  return l;
}

const char* AutoLinkEvent(const std::string& state) {
  return state == "linked" ? "auto_link" : state == "review" ? "auto_review" : "auto_new";
}

class SqlDepartmentStore final : public DepartmentStore {
 public:
  explicit SqlDepartmentStore(Handles& h) : h_(h) {}

  std::optional<ImportBatch> FindBatchByFile(const std::string& profile_id,
                                             const std::string& region_code,
                                             const std::string& file_sha256) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kBatchColumns +
                             " FROM import_batches b WHERE profile_id = ? AND region_code = ? AND "
                             "file_sha256 = ?");
    s.Bind(1, profile_id).Bind(2, region_code).Bind(3, file_sha256);
    if (!s.Step()) return std::nullopt;
    return BatchFromRow(s);
  }

  std::vector<bool> LoadedBefore(const std::string& profile_id, const std::string& region_code,
                                 const std::vector<std::string>& row_sha256s) override {
    // Hashes in groups, so a large file costs a few hundred queries (round trips on PostgreSQL)
    // rather than one per row; served by the unique index source_records_row.
    constexpr size_t kHashesPerQuery = 500;
    std::unordered_set<std::string> stored;
    auto reader = h_.readers->Acquire();
    for (size_t start = 0; start < row_sha256s.size(); start += kHashesPerQuery) {
      const size_t n = std::min(kHashesPerQuery, row_sha256s.size() - start);
      std::string placeholders;
      for (size_t i = 0; i < n; ++i) placeholders += i ? ", ?" : "?";
      auto s = reader->Prepare("SELECT row_sha256 FROM source_records WHERE profile_id = ? AND "
                               "region_code = ? AND status = 'loaded' AND row_sha256 IN (" +
                               placeholders + ")");
      s.Bind(1, profile_id).Bind(2, region_code);
      for (size_t i = 0; i < n; ++i) s.Bind(static_cast<int>(i + 3), row_sha256s[start + i]);
      while (s.Step()) stored.insert(s.Text(0));
    }
    std::vector<bool> out;
    out.reserve(row_sha256s.size());
    for (const std::string& sha : row_sha256s) out.push_back(stored.count(sha) > 0);
    return out;
  }

  void InsertBatch(ImportBatch& batch, std::vector<SourceRecord>& rows, std::vector<RecordLink>& links,
                   const Actor& actor) override {
    if (links.size() != rows.size()) throw std::logic_error("InsertBatch: one proposed link per row");
    std::lock_guard lock(h_.write_mutex);
    Transaction tx(h_.writer);
    RefuseIfSealedSinceOpen(h_);
    batch.created_at = NowUtcIso();
    const std::string province = ProvinceCodeOf(batch.region_code);
    batch.rows_total = static_cast<int64_t>(rows.size());
    batch.rows_loaded = batch.rows_rejected = batch.rows_duplicate = 0;
    h_.writer
        .Prepare("INSERT INTO import_batches (province_code, region_code, profile_id, department, "
                 "record_kind, file_name, file_sha256, file_format, file_encoding, header_line, "
                 "columns, rows_total, rows_loaded, rows_rejected, rows_duplicate, created_at, "
                 "created_by, created_by_name) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?, ?, ?)")
        .Bind(1, province)
        .Bind(2, batch.region_code)
        .Bind(3, batch.profile_id)
        .Bind(4, batch.department)
        .Bind(5, batch.record_kind)
        .Bind(6, batch.file_name)
        .Bind(7, batch.file_sha256)
        .Bind(8, batch.file_format)
        .Bind(9, batch.file_encoding)
        .Bind(10, batch.header_line)
        .Bind(11, nlohmann::json(batch.columns).dump())
        .Bind(12, batch.rows_total)
        .Bind(13, batch.created_at)
        .Bind(14, batch.created_by)
        .Bind(15, batch.created_by_name)
        .Run();
    batch.id = h_.writer.LastInsertId();
    for (size_t i = 0; i < rows.size(); ++i) {
      SourceRecord& r = rows[i];
      r.batch_id = batch.id;
      r.region_code = batch.region_code;
      r.profile_id = batch.profile_id;
      r.record_kind = batch.record_kind;
      // Same content loaded before for this profile and region: nothing new to store.
      if (r.status == "loaded") {
        auto seen = h_.writer.Prepare(
            "SELECT 1 FROM source_records WHERE profile_id = ? AND region_code = ? AND "
            "row_sha256 = ? AND status = 'loaded'");
        seen.Bind(1, r.profile_id).Bind(2, r.region_code).Bind(3, r.row_sha256);
        if (seen.Step()) {
          r.id = 0;
          ++batch.rows_duplicate;
          continue;
        }
      }
      h_.writer
          .Prepare("INSERT INTO source_records (batch_id, province_code, region_code, profile_id, "
                   "record_kind, line, row_sha256, status, name, id_number, birth_date, "
                   "hukou_code, raw, fields, problems) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .Bind(1, batch.id)
          .Bind(2, province)
          .Bind(3, r.region_code)
          .Bind(4, r.profile_id)
          .Bind(5, r.record_kind)
          .Bind(6, r.line)
          .Bind(7, r.row_sha256)
          .Bind(8, r.status)
          .Bind(9, r.name)
          .Bind(10, h_.cipher.Seal(r.id_number, kSealedRecordIdNumber))
          .Bind(11, r.birth_date)
          .Bind(12, r.hukou_code)
          .Bind(13, h_.cipher.Seal(r.raw, kSealedRecordRaw))
          .Bind(14, SealRecordFields(r.fields, h_.cipher))
          .Bind(15, h_.cipher.Seal(r.problems, kSealedRecordProblems))
          .Run();
      r.id = h_.writer.LastInsertId();
      ++(r.status == "loaded" ? batch.rows_loaded : batch.rows_rejected);
      if (r.status != "loaded") continue;
      RecordLink& link = links[i];
      if (link.state.empty()) throw std::logic_error("InsertBatch: a new loaded row without a proposed link");
      link.source_record_id = r.id;
      link.batch_id = batch.id;
      WriteLink(link, batch.created_at, false);
      WriteEvent(link, AutoLinkEvent(link.state), "", actor, batch.created_at);
    }
    h_.writer
        .Prepare("UPDATE import_batches SET rows_loaded = ?, rows_rejected = ?, rows_duplicate = ? "
                 "WHERE id = ?")
        .Bind(1, batch.rows_loaded)
        .Bind(2, batch.rows_rejected)
        .Bind(3, batch.rows_duplicate)
        .Bind(4, batch.id)
        .Run();
    tx.Commit();
  }

  std::optional<ImportBatch> GetBatch(const RegionScope& scope, int64_t id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kBatchColumns +
                             " FROM import_batches b WHERE b.id = ? AND b.region_code >= ? AND b.region_code < ?" +
                             h_.dialect.ProvinceFilter(scope.root_code, "b."));
    s.Bind(1, id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    if (!s.Step()) return std::nullopt;
    return BatchFromRow(s);
  }

  std::vector<ImportBatch> ListBatches(const RegionScope& scope, int64_t limit) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kBatchColumns +
                             " FROM import_batches b WHERE b.region_code >= ? AND b.region_code < ?" +
                             h_.dialect.ProvinceFilter(scope.root_code, "b.") + " ORDER BY b.id DESC LIMIT ?");
    s.Bind(1, scope.root_code).Bind(2, PrefixUpperBound(scope.root_code)).Bind(3, limit);
    std::vector<ImportBatch> out;
    while (s.Step()) out.push_back(BatchFromRow(s));
    return out;
  }

  std::vector<SourceRecord> BatchRows(const RegionScope& scope, int64_t batch_id,
                                      const std::string& status) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kRecordColumns +
                             " FROM source_records r WHERE batch_id = ? AND (? = '' OR status = ?) "
                             "AND r.region_code >= ? AND r.region_code < ?" +
                             h_.dialect.ProvinceFilter(scope.root_code, "r.") + " ORDER BY line");
    s.Bind(1, batch_id).Bind(2, status).Bind(3, status).Bind(4, scope.root_code)
        .Bind(5, PrefixUpperBound(scope.root_code));
    std::vector<SourceRecord> out;
    while (s.Step()) out.push_back(RecordFromRow(s, h_.cipher));
    return out;
  }

  std::vector<SourceRecord> RowsToLink(const RegionScope& scope, int64_t batch_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        std::string("SELECT ") + kRecordColumns +
        " FROM source_records r LEFT JOIN record_links l ON l.source_record_id = r.id "
        "WHERE r.status = 'loaded' AND (? = 0 OR r.batch_id = ?) AND r.region_code >= ? AND "
        "r.region_code < ?" + h_.dialect.ProvinceFilter(scope.root_code, "r.") +
        " AND (l.source_record_id IS NULL OR l.decided_by_person = 0) ORDER BY r.id");
    s.Bind(1, batch_id).Bind(2, batch_id).Bind(3, scope.root_code)
        .Bind(4, PrefixUpperBound(scope.root_code));
    std::vector<SourceRecord> out;
    while (s.Step()) out.push_back(RecordFromRow(s, h_.cipher));
    return out;
  }

  std::optional<SourceRecord> GetRecord(const RegionScope& scope, int64_t id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kRecordColumns +
                             " FROM source_records r WHERE r.id = ? AND r.region_code >= ? AND r.region_code < ?" +
                             h_.dialect.ProvinceFilter(scope.root_code, "r."));
    s.Bind(1, id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    if (!s.Step()) return std::nullopt;
    return RecordFromRow(s, h_.cipher);
  }

  void SaveAutoLinks(const std::vector<RecordLink>& links, const Actor& actor) override {
    std::lock_guard lock(h_.write_mutex);
    Transaction tx(h_.writer);
    const std::string now = NowUtcIso();
    for (const RecordLink& l : links) {
      auto decided = h_.writer.Prepare(
          "SELECT decided_by_person, state, child_id, candidate_id FROM record_links "
          "WHERE source_record_id = ?");
      decided.Bind(1, l.source_record_id);
      if (decided.Step()) {
        if (decided.Int(0) != 0) continue;
        // Unchanged outcome: no new event, so re-running the linker is idempotent.
        if (decided.Text(1) == l.state && decided.OptionalInt(2) == l.child_id &&
            decided.OptionalInt(3) == l.candidate_id)
          continue;
      }
      WriteLink(l, now, false);
      WriteEvent(l, AutoLinkEvent(l.state), "", actor, now);
    }
    tx.Commit();
  }

  bool DecideLink(const RegionScope& scope, const RecordLink& link,
                  const std::string& expected_state, const std::string& event,
                  const std::string& note, const Actor& actor) override {
    std::lock_guard lock(h_.write_mutex);
    Transaction tx(h_.writer);
    auto current = h_.writer.Prepare(
        "SELECT state FROM record_links WHERE source_record_id = ? AND region_code >= ? AND region_code < ?" +
        h_.dialect.ProvinceFilter(scope.root_code));
    current.Bind(1, link.source_record_id).Bind(2, scope.root_code)
        .Bind(3, PrefixUpperBound(scope.root_code));
    if (!current.Step() || current.Text(0) != expected_state) return false;
    const std::string now = NowUtcIso();
    WriteLink(link, now, true);
    WriteEvent(link, event, note, actor, now);
    tx.Commit();
    return true;
  }

  std::optional<RecordLink> GetLink(const RegionScope& scope, int64_t source_record_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(std::string("SELECT ") + kLinkColumns +
                             " FROM record_links l WHERE l.source_record_id = ? AND l.region_code >= ? AND "
                             "l.region_code < ?" + h_.dialect.ProvinceFilter(scope.root_code, "l."));
    s.Bind(1, source_record_id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    if (!s.Step()) return std::nullopt;
    return LinkFromRow(s);
  }

  std::vector<LinkEvent> LinkEvents(const RegionScope& scope, int64_t source_record_id) override {
    if (!GetRecord(scope, source_record_id)) return {};
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        "SELECT at, username, event, state, child_id, probability, note FROM link_events "
        "WHERE source_record_id = ? ORDER BY id DESC");
    s.Bind(1, source_record_id);
    std::vector<LinkEvent> out;
    while (s.Step())
      out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.OptionalInt(4), s.Real(5),
                     s.Text(6)});
    return out;
  }

  LinkedPage ListLinks(const RegionScope& scope, const LinkQuery& q) override {
    const std::string where =
        " FROM record_links l JOIN source_records r ON r.id = l.source_record_id "
        "WHERE l.region_code >= ? AND l.region_code < ?" + h_.dialect.ProvinceFilter(scope.root_code, "l.") +
        " AND (? = '' OR l.state = ?) AND "
        "(? = 0 OR l.batch_id = ?) AND (? = '' OR r.record_kind = ?)";
    const auto bind = [&](Statement& s) {
      s.Bind(1, scope.root_code).Bind(2, PrefixUpperBound(scope.root_code)).Bind(3, q.state)
          .Bind(4, q.state).Bind(5, q.batch_id).Bind(6, q.batch_id).Bind(7, q.record_kind)
          .Bind(8, q.record_kind);
    };
    return Page("SELECT count(*)" + where,
                std::string("SELECT ") + kLinkColumns + ", " + kRecordColumns + where +
                    " ORDER BY l.probability DESC, r.id LIMIT ? OFFSET ?",
                bind, 8, q.offset, q.limit);
  }

  std::vector<LinkedRecord> ChildSources(const RegionScope& scope, int64_t child_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        std::string("SELECT ") + kLinkColumns + ", " + kRecordColumns +
        " FROM record_links l JOIN source_records r ON r.id = l.source_record_id "
        "JOIN children c ON c.id = l.child_id WHERE l.child_id = ? AND l.state = 'linked' AND "
        "c.region_code >= ? AND c.region_code < ?" + h_.dialect.ProvinceFilter(scope.root_code, "c.") +
        " ORDER BY r.id DESC");
    s.Bind(1, child_id).Bind(2, scope.root_code).Bind(3, PrefixUpperBound(scope.root_code));
    std::vector<LinkedRecord> out;
    while (s.Step()) out.push_back({RecordFromRow(s, h_.cipher, kLinkColumnCount), LinkFromRow(s)});
    return out;
  }

  std::vector<std::string> ImportedKinds(const RegionScope& scope) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        "SELECT DISTINCT record_kind FROM import_batches WHERE ((region_code >= ? AND "
        "region_code < ?) OR substr(?, 1, length(region_code)) = region_code)" +
        h_.dialect.ProvinceFilter(scope.root_code) + " ORDER BY record_kind");
    // A county's file covers its villages too: a batch of an enclosing region counts (and lies,
    // like the subtree, in the scope's province).
    s.Bind(1, scope.root_code).Bind(2, PrefixUpperBound(scope.root_code)).Bind(3, scope.root_code);
    std::vector<std::string> out;
    while (s.Step()) out.push_back(s.Text(0));
    return out;
  }

  ChildPage ChildrenLacking(const RegionScope& scope, const LackingQuery& q) override {
    const std::string where =
        " FROM children c WHERE c.region_code >= ? AND c.region_code < ?" +
        h_.dialect.ProvinceFilter(scope.root_code, "c.") +
        " AND c.birth_date >= ? AND c.birth_date <= ? AND NOT EXISTS (SELECT 1 FROM record_links l JOIN source_records r "
        "ON r.id = l.source_record_id WHERE l.child_id = c.id AND l.state = 'linked' AND "
        "r.record_kind = ?)";
    const auto bind = [&](Statement& s) {
      s.Bind(1, scope.root_code).Bind(2, PrefixUpperBound(scope.root_code))
          .Bind(3, FormatIsoDate(q.born.first)).Bind(4, FormatIsoDate(q.born.second))
          .Bind(5, q.record_kind);
    };
    auto reader = h_.readers->Acquire();
    ChildPage page;
    auto count = reader->Prepare("SELECT count(*)" + where);
    bind(count);
    count.Step();
    page.total = count.Int(0);
    auto rows = reader->Prepare(std::string("SELECT ") + kChildColumnsOfC + where +
                                " ORDER BY c.region_code, c.id LIMIT ? OFFSET ?");
    bind(rows);
    rows.Bind(6, q.limit).Bind(7, q.offset);
    while (rows.Step()) page.items.push_back(ChildFromRow(rows, h_.cipher));
    return page;
  }

  LinkedPage Separated(const RegionScope& scope, int64_t offset, int64_t limit) override {
    const std::string where =
        " FROM source_records r JOIN record_links l ON l.source_record_id = r.id "
        "WHERE r.region_code >= ? AND r.region_code < ?" + h_.dialect.ProvinceFilter(scope.root_code, "r.") +
        " AND r.status = 'loaded' AND "
        "r.hukou_code != '' AND substr(r.hukou_code, 1, 6) != substr(r.region_code, 1, 6)";
    const auto bind = [&](Statement& s) {
      s.Bind(1, scope.root_code).Bind(2, PrefixUpperBound(scope.root_code));
    };
    return Page("SELECT count(*)" + where,
                std::string("SELECT ") + kLinkColumns + ", " + kRecordColumns + where +
                    " ORDER BY r.id LIMIT ? OFFSET ?",
                bind, 2, offset, limit);
  }

  LinkedPage RowsWithField(const RegionScope& scope, const std::string& record_kind,
                           const std::string& field, const std::vector<std::string>& values,
                           int64_t offset, int64_t limit) override {
    // Values travel as one JSON array so the statement text stays fixed.
    const std::string where =
        " FROM source_records r JOIN record_links l ON l.source_record_id = r.id "
        "WHERE r.region_code >= ? AND r.region_code < ?" + h_.dialect.ProvinceFilter(scope.root_code, "r.") +
        " AND r.status = 'loaded' AND "
        "r.record_kind = ? AND " + h_.dialect.JsonMember("r.fields") + " IN " +
        h_.dialect.JsonArrayParameter();
    const std::string values_json = nlohmann::json(values).dump();
    const auto bind = [&](Statement& s) {
      s.Bind(1, scope.root_code).Bind(2, PrefixUpperBound(scope.root_code)).Bind(3, record_kind)
          .Bind(4, field).Bind(5, values_json);
    };
    return Page("SELECT count(*)" + where,
                std::string("SELECT ") + kLinkColumns + ", " + kRecordColumns + where +
                    " ORDER BY r.id LIMIT ? OFFSET ?",
                bind, 5, offset, limit);
  }

 private:
  template <typename BindFn>
  LinkedPage Page(const std::string& count_sql, const std::string& rows_sql, BindFn bind,
                  int bound, int64_t offset, int64_t limit) {
    auto reader = h_.readers->Acquire();
    LinkedPage page;
    auto count = reader->Prepare(count_sql);
    bind(count);
    count.Step();
    page.total = count.Int(0);
    auto rows = reader->Prepare(rows_sql);
    bind(rows);
    rows.Bind(bound + 1, limit).Bind(bound + 2, offset);
    while (rows.Step()) page.items.push_back({RecordFromRow(rows, h_.cipher, kLinkColumnCount), LinkFromRow(rows)});
    return page;
  }

  void WriteLink(const RecordLink& l, const std::string& now, bool by_person) {
    h_.writer
        .Prepare("INSERT INTO record_links (source_record_id, province_code, region_code, "
                 "batch_id, state, method, child_id, candidate_id, probability, explanation, "
                 "decided_by_person, updated_at) "
                 "SELECT id, province_code, region_code, batch_id, ?, ?, ?, ?, ?, ?, ?, ? "
                 "FROM source_records WHERE id = ? "
                 "ON CONFLICT(source_record_id) DO UPDATE SET state = excluded.state, "
                 "method = excluded.method, child_id = excluded.child_id, "
                 "candidate_id = excluded.candidate_id, probability = excluded.probability, "
                 "explanation = excluded.explanation, "
                 "decided_by_person = excluded.decided_by_person, updated_at = excluded.updated_at")
        .Bind(1, l.state)
        .Bind(2, l.method)
        .BindOptionalInt(3, l.child_id)
        .BindOptionalInt(4, l.candidate_id)
        .BindReal(5, l.probability)
        .Bind(6, l.explanation.empty() ? std::string("{}") : l.explanation)
        .Bind(7, int64_t{by_person ? 1 : 0})
        .Bind(8, now)
        .Bind(9, l.source_record_id)
        .Run();
  }

  void WriteEvent(const RecordLink& l, const std::string& event, const std::string& note,
                  const Actor& actor, const std::string& now) {
    h_.writer
        .Prepare("INSERT INTO link_events (source_record_id, province_code, at, user_id, "
                 "username, event, state, child_id, probability, note) "
                 "SELECT id, province_code, ?, ?, ?, ?, ?, ?, ?, ? FROM source_records WHERE id = ?")
        .Bind(1, now)
        .Bind(2, actor.user_id)
        .Bind(3, actor.username)
        .Bind(4, event)
        .Bind(5, l.state)
        .BindOptionalInt(6, l.child_id ? l.child_id : l.candidate_id)
        .BindReal(7, l.probability)
        .Bind(8, note)
        .Bind(9, l.source_record_id)
        .Run();
  }

  Handles& h_;
};

}  // namespace

std::unique_ptr<DepartmentStore> MakeDepartmentStore(Handles& handles) {
  return std::make_unique<SqlDepartmentStore>(handles);
}

}  // namespace tongan::sql
