// Department files in: read (CSV/.xlsx), mapped through the department's profile, every row
// stored with its provenance (loaded, or rejected with reasons) in one transaction, then linked
// to the registry. The same file twice adds nothing.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "app/audit_log.h"
#include "app/child_service.h"
#include "app/department_view.h"
#include "app/record_linker.h"
#include "core/region.h"
#include "linkage/linkage.h"
#include "store/store.h"

namespace tongan {

struct DownloadFile {
  std::string content_type;
  std::string file_name;
  std::string bytes;
};

class ImportService {
 public:
  static constexpr size_t kMaxUploadBytes = 64u << 20;

  ImportService(Store& store, AuditLog& audit, const RegionTree& regions,
                const ProfileCatalog& profiles, const linkage::LinkageConfig& linkage,
                std::function<Date()> today = TodayInChina)
      : store_(store), audit_(audit), regions_(regions), profiles_(profiles), linkage_(linkage),
        today_(std::move(today)) {}

  nlohmann::json Profiles(const RequestContext& ctx) const;
  // The whole import: read, map, link, then store the batch, its rows and their links in one
  // transaction (a crash leaves no part of a batch). Answers the batch, the first rejected rows
  // and the link summary; a file seen before answers the earlier batch with duplicate_file.
  // `progress` hears each stage as a sentence in Chinese (the CLI prints them).
  nlohmann::json Import(const RequestContext& ctx, const std::string& profile_id,
                        const std::string& file_name, const std::string& bytes,
                        const std::function<void(const std::string&)>& progress = {});
  nlohmann::json Batches(const RequestContext& ctx);
  nlohmann::json Batch(const RequestContext& ctx, int64_t id);
  nlohmann::json Rows(const RequestContext& ctx, int64_t id, const std::string& status,
                      int64_t page, int64_t page_size);
  // Rejected rows as a file: "xlsx" or "csv".
  DownloadFile Rejected(const RequestContext& ctx, int64_t id, const std::string& format);
  nlohmann::json Relink(const RequestContext& ctx, int64_t id);
  // Called with the batch's region after rows were loaded or linked again (findings change).
  void OnLinked(std::function<void(const std::string&)> hook) { on_linked_ = std::move(hook); }

 private:
  ImportBatch RequireBatch(const RequestContext& ctx, int64_t id);

  Store& store_;
  AuditLog& audit_;
  const RegionTree& regions_;
  const ProfileCatalog& profiles_;
  const linkage::LinkageConfig& linkage_;
  std::function<Date()> today_;
  std::function<void(const std::string&)> on_linked_;
};

}  // namespace tongan
