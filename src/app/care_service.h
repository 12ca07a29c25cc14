// Care work on a child (DOMAIN.md §3–5): the key-care ledger, visits and their schedule, warnings
// and the colour class. A child's care status is derived from its record, visits, cases,
// referrals and department findings, and recomputed whenever one of them changes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <thread>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/audit_log.h"
#include "app/child_service.h"
#include "app/findings_service.h"
#include "care/assessment.h"
#include "care/case_flow.h"
#include "care/visit_schedule.h"
#include "care/warning_rules.h"
#include "store/care_store.h"
#include "store/store.h"

namespace tongan {

struct CarePolicy {
  care::RuleSet rules;              // data/warning_rules.json, or the admin's saved version
  care::VisitPolicy visits;         // data/care.json "visits"
  care::CaseFlowConfig case_flow;   // data/care.json "case_flow"
  care::AssessmentForm assessment;  // data/assessment.json
};

class CareService {
 public:
  CareService(Store& store, AuditLog& audit, ChildService& children, const CarePolicy& policy,
              const std::vector<NeedRule>& need_rules, std::function<Date()> today = TodayInChina);
  ~CareService();  // Stop()
  // Finishes the recomputation under way and drops the queued ones. Owners call it before
  // destroying the services whose hooks the recomputation calls.
  void Stop();
  CareService(const CareService&) = delete;
  CareService& operator=(const CareService&) = delete;

  // Recomputes and stores the care status of one child (any change to it calls this).
  void Recompute(int64_t child_id);
  // Recomputes every child of a region (after the rules change, and for the demo).
  int64_t RecomputeAll(const std::string& region_code);
  // Queues RecomputeAll for a background thread: an import can change the findings of every
  // child of its region, and the importer should not wait for that.
  void RecomputeLater(const std::string& region_code);
  // Blocks until the queue is empty (tests, CLI).
  void WaitForRecompute();

  // The child's care page: status, warnings, ledger history, visits, cases, referrals.
  nlohmann::json ChildCare(const RequestContext& ctx, int64_t child_id);
  // Ledger / colour / due lists: `view` is ledger, due (visits due within a week or overdue),
  // or all; optional colour.
  nlohmann::json List(const RequestContext& ctx, const std::string& view, const std::string& region,
                      const std::string& colour, int64_t page, int64_t page_size);
  nlohmann::json Summary(const RequestContext& ctx, const std::string& region);
  nlohmann::json LedgerDecision(const RequestContext& ctx, int64_t child_id, bool enter,
                                const nlohmann::json& body);
  nlohmann::json RecordVisit(const RequestContext& ctx, int64_t child_id, const nlohmann::json& body);

  nlohmann::json Rules(const RequestContext& ctx) const;
  // Validates and saves new rules (admin); on error nothing changes and the message says why.
  nlohmann::json SaveRules(const RequestContext& ctx, const nlohmann::json& body);
  const care::RuleSet& rules() const;
  const CarePolicy& policy() const { return policy_; }

  // Other services add facts (the service catalogue's need codes) and act on each recomputation
  // (entitlements, statistics); set once at wiring, before any recomputation. A hook's facts also
  // carry "colour" and "warning_count" of the new status.
  using FactSource = std::function<void(const Child&, const std::vector<Visit>&, nlohmann::json& facts)>;
  using RecomputeHook = std::function<void(const Child&, const std::vector<Visit>&, const nlohmann::json& facts)>;
  void AddFactSource(FactSource source) { fact_sources_.push_back(std::move(source)); }
  void OnRecomputed(RecomputeHook hook) { on_recomputed_.push_back(std::move(hook)); }

 private:
  // The rule facts of a child except its ledger state and visit schedule, which Recompute adds.
  nlohmann::json Facts(const Child& child, const std::vector<Visit>& visits);

  Store& store_;
  AuditLog& audit_;
  ChildService& children_;
  CarePolicy policy_;
  std::shared_ptr<const care::RuleSet> rules_;
  mutable std::mutex rules_mutex_;
  const std::vector<NeedRule>& need_rules_;
  std::function<Date()> today_;
  std::vector<FactSource> fact_sources_;
  std::vector<RecomputeHook> on_recomputed_;

  void RecomputeLoop();
  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<std::string> queue_;
  bool busy_ = false;
  std::atomic<bool> stopping_{false};
  std::thread worker_;
};

}  // namespace tongan
