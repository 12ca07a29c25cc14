// Persistence of care work: each child's derived care status (ledger, colour, warnings, visit
// schedule), visits, cases with their steps, referrals. Every read takes a RegionScope; referrals
// read by a receiving department are further limited to that department.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace tongan {

struct CareStatus {
  int64_t child_id = 0;
  std::string region_code;
  bool in_ledger = false;
  std::string ledger_source;    // auto | manual | ''
  std::string ledger_since;
  std::string ledger_reason;
  std::string ledger_override;  // '' | in | out
  std::string colour;
  std::string warnings;         // JSON array
  std::string last_visit;
  std::string visit_due;
  std::string last_update;
};

struct LedgerEvent {
  std::string at, username, event, reason;
};

struct Visit {
  int64_t id = 0;
  int64_t child_id = 0;
  std::string region_code;
  std::string visit_date;
  int64_t visitor_id = 0;
  std::string visitor_name;
  std::string doc;  // JSON
  std::string created_at;
};

struct CaseRecord {
  int64_t id = 0;
  int64_t child_id = 0;
  std::string region_code;
  std::string source;
  std::string stage;
  std::string stage_entered;
  std::string deadline;
  std::optional<int64_t> assignee_id;
  std::string assignee_name;
  std::string title;
  std::string reporter;  // JSON
  std::string created_at;
  int64_t created_by = 0;
  std::string closed_at;
  int64_t version = 0;
};

struct CaseEvent {
  int64_t id = 0;
  std::string at, username, kind, from_stage, to_stage, detail;
};

struct Referral {
  int64_t id = 0;
  int64_t child_id = 0;
  std::optional<int64_t> case_id;
  std::string region_code;
  std::string to_department;
  std::string request;
  std::string shared_fields;  // JSON list
  std::string due_date;
  std::string status;  // sent accepted rejected done
  std::string reply;
  std::string created_at;
  int64_t created_by = 0;
  std::string created_by_name;
  std::string updated_at;
};

struct Transfer {
  int64_t id = 0;
  int64_t child_id = 0;
  std::string from_region;
  std::string to_county;
  std::string reason;
  std::string status;  // pending accepted rejected
  std::string reply;
  std::string to_region;
  std::string created_at, created_by_name, decided_at, decided_by_name;
};

struct Push {
  int64_t id = 0;
  int64_t child_id = 0;
  std::string from_region;
  std::string to_county;
  std::string kind;
  std::string note;
  std::string status;  // sent received accepted rejected
  std::string reply;
  std::string created_at, created_by_name, replied_at, replied_by_name;
};

struct CareListQuery {
  std::string region_code;  // within the scope; "" = the scope
  bool ledger_only = false;
  std::string colour;       // "" = any
  bool due_only = false;    // visit due on or before `due_by`
  std::string due_by;       // YYYY-MM-DD
  int64_t offset = 0;
  int64_t limit = 20;
};

struct CareListItem {
  CareStatus status;
  std::string name;
  std::string birth_date;
};

struct CaseQuery {
  std::string stage;          // "" = any open, "closed", or a stage code
  bool overdue_only = false;  // deadline before `today`
  std::string today;
  std::optional<int64_t> assignee_id;
  int64_t offset = 0;
  int64_t limit = 20;
};

class CareStore {
 public:
  virtual ~CareStore() = default;

  virtual std::optional<CareStatus> GetStatus(const RegionScope& scope, int64_t child_id) = 0;
  // Replaces the derived status (the caller computed it from the child and its care records).
  virtual void PutStatus(const CareStatus& status) = 0;
  virtual std::vector<CareListItem> ListStatus(const RegionScope& scope, const CareListQuery& query,
                                               int64_t* total) = 0;
  // Children of the scope by colour ("" for none yet).
  virtual std::vector<std::pair<std::string, int64_t>> CountByColour(const RegionScope& scope) = 0;
  virtual void AppendLedgerEvent(int64_t child_id, const LedgerEvent& event, const Actor& actor) = 0;
  virtual std::vector<LedgerEvent> LedgerEvents(const RegionScope& scope, int64_t child_id) = 0;

  virtual int64_t AddVisit(Visit& visit) = 0;
  virtual std::vector<Visit> ChildVisits(const RegionScope& scope, int64_t child_id) = 0;

  virtual int64_t CreateCase(CaseRecord& record, const CaseEvent& first, const Actor& actor) = 0;
  virtual std::optional<CaseRecord> GetCase(const RegionScope& scope, int64_t id) = 0;
  // Writes the case at expected_version + 1 and appends the event; false on a version mismatch.
  virtual bool UpdateCase(const CaseRecord& record, int64_t expected_version, const CaseEvent& event,
                          const Actor& actor) = 0;
  virtual std::vector<CaseEvent> CaseEvents(int64_t case_id) = 0;
  virtual std::vector<CaseRecord> ListCases(const RegionScope& scope, const CaseQuery& query,
                                            int64_t* total) = 0;
  virtual std::vector<CaseRecord> ChildCases(const RegionScope& scope, int64_t child_id) = 0;

  virtual int64_t CreateReferral(Referral& referral, const Actor& actor) = 0;
  // In scope and, for a receiver (`department` set), addressed to that department.
  virtual std::optional<Referral> GetReferral(const RegionScope& scope, const std::string& department,
                                              int64_t id) = 0;
  virtual bool UpdateReferral(const Referral& referral, const std::string& expected_status,
                              const std::string& note, const Actor& actor) = 0;
  virtual std::vector<Referral> ListReferrals(const RegionScope& scope, const std::string& department,
                                              const std::string& status) = 0;
  virtual std::vector<Referral> ChildReferrals(const RegionScope& scope, int64_t child_id) = 0;

  // Transfers of a child's file to another county, and pushes to the registration place. Lists:
  // outgoing = the child is in `scope`; incoming = addressed to a county under `scope`.
  virtual int64_t CreateTransfer(Transfer& transfer) = 0;
  virtual std::optional<Transfer> GetTransfer(int64_t id) = 0;
  virtual std::vector<Transfer> ListTransfers(const RegionScope& scope, bool incoming) = 0;
  virtual std::vector<Transfer> ChildTransfers(int64_t child_id) = 0;
  // Refuses (false) unless the transfer is still pending.
  virtual bool RejectTransfer(int64_t id, const std::string& reply, const std::string& by_name) = 0;
  virtual int64_t CreatePush(Push& push) = 0;
  virtual std::optional<Push> GetPush(int64_t id) = 0;
  virtual std::vector<Push> ListPushes(const RegionScope& scope, bool incoming) = 0;
  virtual std::vector<Push> ChildPushes(int64_t child_id) = 0;
  virtual bool ReplyPush(int64_t id, const std::string& expected_status, const std::string& status,
                         const std::string& reply, const std::string& by_name) = 0;

  // Policy saved from the UI (e.g. "warning_rules"), overriding the shipped data file.
  virtual std::optional<std::string> GetSetting(const std::string& key) = 0;
  virtual void PutSetting(const std::string& key, const std::string& value, const Actor& actor) = 0;
};

}  // namespace tongan
