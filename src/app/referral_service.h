// Referrals (转介, DOMAIN.md §7) from a case or a child's file to the responsible department or an
// organisation, with a due date and a reply. The receiving department's liaison sees only the
// referrals addressed to it, and of the child only the fields the sender chose to share.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "app/audit_log.h"
#include "app/care_service.h"
#include "store/store.h"

namespace tongan {

class ReferralService {
 public:
  ReferralService(Store& store, AuditLog& audit, CareService& care, ChildService& children,
                  std::function<Date()> today = TodayInChina)
      : store_(store), audit_(audit), care_(care), children_(children), today_(std::move(today)) {}

  nlohmann::json Create(const RequestContext& ctx, const nlohmann::json& body);
  nlohmann::json List(const RequestContext& ctx, const std::string& status);
  nlohmann::json Get(const RequestContext& ctx, int64_t id);
  // accept / reject / done (receiver); reject and done need a reply.
  nlohmann::json Act(const RequestContext& ctx, int64_t id, const nlohmann::json& body);
  nlohmann::json ChildReferrals(const RequestContext& ctx, int64_t child_id);

  // The child's fields a sender may share.
  static const std::vector<std::pair<std::string, std::string>>& ShareableFields();

 private:
  // The department a receiving user answers for; "" for senders.
  std::string ReceiverDepartment(const User& user) const;
  nlohmann::json View(const RequestContext& ctx, const Referral& r, bool with_child);

  Store& store_;
  AuditLog& audit_;
  CareService& care_;
  ChildService& children_;
  std::function<Date()> today_;
};

}  // namespace tongan
