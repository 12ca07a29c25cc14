#include "app/import_service.h"

#include <chrono>
#include <unordered_set>

#include "app/scope.h"
#include "ingest/table.h"
#include "store/department_store.h"
#include "store/sha256.h"

namespace tongan {
namespace {

using nlohmann::json;

json ProblemsJson(const std::vector<RowProblem>& problems) {
  json out = json::array();
  for (const RowProblem& p : problems)
    out.push_back({{"code", p.code}, {"field", p.field}, {"message", p.message}, {"rejects", p.rejects}});
  return out;
}

// File names come from the browser; keep them printable and short.
std::string CleanFileName(const std::string& name) {
  std::string out;
  for (char c : name)
    if (static_cast<unsigned char>(c) >= 0x20 && c != '/' && c != '\\') out += c;
  if (out.size() > 200) out.resize(200);
  return out.empty() ? "未命名文件" : out;
}

}  // namespace

json ImportService::Profiles(const RequestContext& ctx) const {
  const RolePermissions p = PermissionsOf(ctx.user.role);
  Require(p.import_data || p.review_links, "导入部门数据");
  json out = json::array();
  for (const ImportProfile& profile : profiles_.all()) out.push_back(profile.ToJson());
  return out;
}

json ImportService::Import(const RequestContext& ctx, const std::string& profile_id,
                           const std::string& file_name, const std::string& bytes,
                           const std::function<void(const std::string&)>& progress) {
  const auto tell = [&progress](const std::string& stage) {
    if (progress) progress(stage);
  };
  Require(PermissionsOf(ctx.user.role).import_data, "导入部门数据");
  const ImportProfile* profile = profiles_.Find(profile_id);
  if (!profile) throw ApiError(400, "profile_unknown", "未知的导入模板：" + profile_id, "profile");
  const RegionScope scope = ScopeOf(ctx.user);
  const std::string sha = Sha256Hex(bytes);
  const auto audit = [&](const std::string& target, const std::string& detail, const char* result) {
    audit_.Record({"", ctx.user.id, ctx.user.username, "import", target, detail, result, ctx.remote});
  };

  if (auto earlier = store_.departments().FindBatchByFile(profile->id, scope.root_code, sha)) {
    audit("batch:" + std::to_string(earlier->id), "重复文件 " + CleanFileName(file_name), "duplicate");
    return {{"batch", BatchJson(*earlier, profiles_)}, {"duplicate_file", true},
            {"rejected", json::array()}, {"warnings", 0}, {"link", LinkSummary{}.ToJson()}};
  }
  tell("正在读取文件（" + std::to_string(bytes.size()) + " 字节）");
  ingest::ReadResult read = ingest::ReadTable(bytes);
  if (!read.table) {
    audit("profile:" + profile->id, CleanFileName(file_name) + "：" + read.error.message_zh, "invalid");
    throw ApiError(400, read.error.code, read.error.message_zh, "file");
  }
  MappingResult mapped = MapTable(*read.table, *profile, regions_, today_());
  if (!mapped.table) {
    audit("profile:" + profile->id, CleanFileName(file_name) + "：" + mapped.error.message, "invalid");
    throw ApiError(400, mapped.error.code, mapped.error.message, "file");
  }

  ImportBatch batch;
  batch.region_code = scope.root_code;
  batch.profile_id = profile->id;
  batch.department = profile->department;
  batch.record_kind = profile->record_kind;
  batch.file_name = CleanFileName(file_name);
  batch.file_sha256 = sha;
  batch.file_format = read.table->format;
  batch.file_encoding = read.table->encoding;
  batch.header_line = mapped.table->header_line;
  batch.columns = mapped.table->header;
  batch.created_by = ctx.user.id;
  batch.created_by_name = ctx.user.display_name;
  std::vector<SourceRecord> rows;
  rows.reserve(mapped.table->rows.size());
  int64_t warnings = 0;
  for (const MappedRow& m : mapped.table->rows) {
    SourceRecord r;
    r.line = m.line;
    r.row_sha256 = m.row_sha256;
    r.status = m.loaded ? "loaded" : "rejected";
    r.name = m.name;
    r.id_number = m.id_number;
    r.birth_date = m.birth_date;
    r.hukou_code = m.hukou_code;
    r.raw = m.raw.dump();
    r.fields = m.fields.dump();
    r.problems = ProblemsJson(m.problems).dump();
    if (m.loaded && !m.problems.empty()) ++warnings;
    rows.push_back(std::move(r));
  }

  // Linked before anything is stored, so that the rows and their links commit together: a batch
  // whose rows were stored but never linked would stay so (the same file again is a duplicate).
  // Only content new to this profile and region is linked; the rest is stored as duplicates.
  std::vector<std::string> hashes;
  for (const SourceRecord& r : rows) hashes.push_back(r.row_sha256);
  const std::vector<bool> loaded_before = store_.departments().LoadedBefore(profile->id, scope.root_code, hashes);
  std::unordered_set<std::string> new_in_file;
  std::vector<SourceRecord> to_link;
  std::vector<size_t> to_link_rows;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].status != "loaded" || loaded_before[i] || !new_in_file.insert(rows[i].row_sha256).second) continue;
    to_link.push_back(rows[i]);
    to_link_rows.push_back(i);
  }
  tell("已读取 " + std::to_string(rows.size()) + " 行，正在与儿童底册比对 " + std::to_string(to_link.size()) + " 行");
  LinkSummary link;
  std::vector<RecordLink> proposed = ProposeLinks(store_, scope, to_link, linkage_, link);
  std::vector<RecordLink> links(rows.size());
  for (size_t k = 0; k < proposed.size(); ++k) links[to_link_rows[k]] = std::move(proposed[k]);

  tell("正在写入数据库（批次、" + std::to_string(rows.size()) + " 行及比对结果，一个事务）");
  const auto write_started = std::chrono::steady_clock::now();
  store_.departments().InsertBatch(batch, rows, links, {ctx.user.id, ctx.user.username});
  // The summary counts what was stored: a row another import stored meanwhile is a duplicate.
  link.records = link.linked = link.review = link.unmatched = link.exact_id = 0;
  json rejected = json::array();
  for (size_t i = 0; i < rows.size(); ++i) {
    const SourceRecord& r = rows[i];
    if (r.id == 0) continue;  // a row loaded before
    if (r.status == "loaded") {
      ++link.records;
      ++(links[i].state == "linked" ? link.linked : links[i].state == "review" ? link.review : link.unmatched);
      if (links[i].method == "exact_id") ++link.exact_id;
    } else if (rejected.size() < 50) {
      rejected.push_back(RecordJson(r, profiles_, PermissionsOf(ctx.user.role).see_identifiers));
    }
  }
  link.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - write_started).count();
  audit("batch:" + std::to_string(batch.id),
        batch.file_name + "：" + std::to_string(batch.rows_loaded) + " 行导入，" +
            std::to_string(batch.rows_rejected) + " 行拒绝，" + std::to_string(batch.rows_duplicate) + " 行重复",
        "ok");
  if (on_linked_) on_linked_(batch.region_code);
  const ImportBatch stored = store_.departments().GetBatch(scope, batch.id).value_or(batch);
  return {{"batch", BatchJson(stored, profiles_)}, {"duplicate_file", false}, {"rejected", rejected},
          {"warnings", warnings}, {"link", link.ToJson()}};
}

json ImportService::Batches(const RequestContext& ctx) {
  const RolePermissions p = PermissionsOf(ctx.user.role);
  Require(p.import_data || p.review_links, "查看导入批次");
  json out = json::array();
  for (const ImportBatch& b : store_.departments().ListBatches(ScopeOf(ctx.user), 200))
    out.push_back(BatchJson(b, profiles_));
  return out;
}

ImportBatch ImportService::RequireBatch(const RequestContext& ctx, int64_t id) {
  const RolePermissions p = PermissionsOf(ctx.user.role);
  Require(p.import_data || p.review_links, "查看导入批次");
  auto batch = store_.departments().GetBatch(ScopeOf(ctx.user), id);
  // A liaison sees the batches they sent, not other departments' files.
  if (!batch || (!p.review_links && batch->created_by != ctx.user.id))
    throw ApiError(404, "not_found", "导入批次不存在或不在您的管辖范围内");
  return *batch;
}

json ImportService::Batch(const RequestContext& ctx, int64_t id) {
  return BatchJson(RequireBatch(ctx, id), profiles_);
}

json ImportService::Rows(const RequestContext& ctx, int64_t id, const std::string& status,
                         int64_t page, int64_t page_size) {
  const ImportBatch batch = RequireBatch(ctx, id);
  if (status != "" && status != "loaded" && status != "rejected")
    throw ApiError(400, "invalid_field", "status 应为 loaded 或 rejected", "status");
  if (page < 1) page = 1;
  if (page_size < 1 || page_size > 200) page_size = 20;
  const auto rows = store_.departments().BatchRows(ScopeOf(ctx.user), batch.id, status);
  const bool see = PermissionsOf(ctx.user.role).see_identifiers;
  json items = json::array();
  for (size_t i = (page - 1) * page_size; i < rows.size() && items.size() < static_cast<size_t>(page_size); ++i)
    items.push_back(RecordJson(rows[i], profiles_, see));
  audit_.Record({"", ctx.user.id, ctx.user.username, "import.rows", "batch:" + std::to_string(id),
                 status, "ok", ctx.remote});
  return {{"items", items}, {"total", rows.size()}};
}

DownloadFile ImportService::Rejected(const RequestContext& ctx, int64_t id, const std::string& format) {
  const ImportBatch batch = RequireBatch(ctx, id);
  const bool see = PermissionsOf(ctx.user.role).see_identifiers;
  std::vector<std::string> header = {"行号", "原因"};
  header.insert(header.end(), batch.columns.begin(), batch.columns.end());
  std::vector<std::vector<std::string>> rows;
  for (const SourceRecord& r : store_.departments().BatchRows(ScopeOf(ctx.user), batch.id, "rejected")) {
    const json view = RecordJson(r, profiles_, see);
    std::string reasons;
    for (const auto& p : view["problems"]) {
      if (!reasons.empty()) reasons += "；";
      reasons += p["message"].get<std::string>();
    }
    std::vector<std::string> cells = {std::to_string(r.line), reasons};
    for (const std::string& column : batch.columns) cells.push_back(view["raw"].value(column, ""));
    rows.push_back(std::move(cells));
  }
  audit_.Record({"", ctx.user.id, ctx.user.username, "import.rejected_download",
                 "batch:" + std::to_string(id), format, "ok", ctx.remote});
  const std::string base = "被拒绝行_批次" + std::to_string(batch.id);
  if (format == "csv")
    return {"text/csv; charset=utf-8", base + ".csv", ingest::WriteCsv(header, rows)};
  return {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", base + ".xlsx",
          ingest::WriteXlsx("被拒绝行", header, rows)};
}

json ImportService::Relink(const RequestContext& ctx, int64_t id) {
  Require(PermissionsOf(ctx.user.role).review_links, "重新比对");
  const ImportBatch batch = RequireBatch(ctx, id);
  const RegionScope scope = ScopeOf(ctx.user);
  const LinkSummary summary =
      LinkRows(store_, RegionScope{batch.region_code}, store_.departments().RowsToLink(scope, batch.id),
               linkage_, {ctx.user.id, ctx.user.username});
  audit_.Record({"", ctx.user.id, ctx.user.username, "import.relink", "batch:" + std::to_string(id),
                 "", "ok", ctx.remote});
  if (on_linked_) on_linked_(batch.region_code);
  return summary.ToJson();
}

}  // namespace tongan
