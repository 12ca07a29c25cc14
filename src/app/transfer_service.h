// Residence place ↔ registration place (DOMAIN.md §10): a child moving to another county takes the
// file along once the receiving county accepts it; key-care children and benefit claims (低保, 孤儿
// and 事实无人抚养 认定, 残疾人两项补贴) are pushed to the registration place's civil affairs, whose reply
// is tracked (跨省通办). The receiving side sees only what it needs to decide.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "app/audit_log.h"
#include "app/care_service.h"
#include "app/child_service.h"
#include "core/region.h"
#include "store/store.h"

namespace tongan {

class TransferService {
 public:
  TransferService(Store& store, AuditLog& audit, ChildService& children, CareService& care,
                  const RegionTree& regions, std::function<Date()> today = TodayInChina)
      : store_(store), audit_(audit), children_(children), care_(care), regions_(regions),
        today_(std::move(today)) {}

  nlohmann::json RequestTransfer(const RequestContext& ctx, int64_t child_id, const nlohmann::json& body);
  nlohmann::json Transfers(const RequestContext& ctx, const std::string& direction);
  nlohmann::json AcceptTransfer(const RequestContext& ctx, int64_t id, const nlohmann::json& body);
  nlohmann::json RejectTransfer(const RequestContext& ctx, int64_t id, const nlohmann::json& body);

  nlohmann::json Push(const RequestContext& ctx, int64_t child_id, const nlohmann::json& body);
  nlohmann::json Pushes(const RequestContext& ctx, const std::string& direction);
  nlohmann::json ReplyPush(const RequestContext& ctx, int64_t id, const nlohmann::json& body);

  // The child's transfers and pushes, for its file.
  nlohmann::json ChildMoves(const RequestContext& ctx, int64_t child_id);

  static const std::vector<std::pair<std::string, std::string>>& PushKinds();

 private:
  // What the other county sees of a child it is asked to receive or answer for.
  nlohmann::json Brief(int64_t child_id);
  nlohmann::json TransferJson(const Transfer& t, bool with_child);
  nlohmann::json PushJson(const ::tongan::Push& p, bool with_child);

  Store& store_;
  AuditLog& audit_;
  ChildService& children_;
  CareService& care_;
  const RegionTree& regions_;
  std::function<Date()> today_;
};

}  // namespace tongan
