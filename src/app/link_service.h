// The review of links between department rows and registry children: lists, one pair side by
// side with its explanation, and a person's decisions (accept, reject, undo), all kept as events.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "app/audit_log.h"
#include "app/child_service.h"
#include "app/department_view.h"
#include "store/store.h"

namespace tongan {

class LinkService {
 public:
  LinkService(Store& store, AuditLog& audit, ChildService& children, const ProfileCatalog& profiles)
      : store_(store), audit_(audit), children_(children), profiles_(profiles) {}

  nlohmann::json List(const RequestContext& ctx, const std::string& state, int64_t batch,
                      const std::string& kind, int64_t page, int64_t page_size);
  nlohmann::json Get(const RequestContext& ctx, int64_t record_id);
  nlohmann::json Accept(const RequestContext& ctx, int64_t record_id, const nlohmann::json& body);
  nlohmann::json Reject(const RequestContext& ctx, int64_t record_id, const nlohmann::json& body);
  nlohmann::json Undo(const RequestContext& ctx, int64_t record_id, const nlohmann::json& body);
  // Department rows linked to a child, for the child's file.
  nlohmann::json ChildSources(const RequestContext& ctx, int64_t child_id);
  // Called for each child whose linked department rows changed by a decision.
  void OnChildChanged(std::function<void(int64_t)> hook) { on_child_changed_ = std::move(hook); }

 private:
  RecordLink RequireLink(const RequestContext& ctx, int64_t record_id);
  nlohmann::json Decide(const RequestContext& ctx, const RecordLink& link,
                        const std::string& expected_state, const std::string& event,
                        const nlohmann::json& body);

  Store& store_;
  AuditLog& audit_;
  ChildService& children_;
  const ProfileCatalog& profiles_;
  std::function<void(int64_t)> on_child_changed_;
};

}  // namespace tongan
