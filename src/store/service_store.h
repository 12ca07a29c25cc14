// Persistence of services (DOMAIN.md §8–9): each child's derived entitlements and needs, delivery
// records, and the supply side (providers, activities with sign-up and attendance, pairings).
// Child rows are read through a RegionScope like every child query. Supply is read by the region
// it serves: a user sees the providers and activities inside their subtree and those serving a
// region above them (a township's 儿童之家 serves its villages), see ServesScope.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace tongan {

struct EntitlementRow {
  int64_t child_id = 0;
  std::string item_id;
  std::string region_code;
  std::string department;
  bool received = false;
  std::string received_via;    // fact | delivery | ''
  std::string last_delivered;  // YYYY-MM-DD or ''
};

struct NeedRow {
  int64_t child_id = 0;
  std::string need_code;
  std::string region_code;
  std::string source;  // file | visit
  std::string met_by;  // '' | pairing:ID | activity:ID | item:ID
};

struct Delivery {
  int64_t id = 0;
  int64_t child_id = 0;
  std::string region_code;
  std::string item_id;
  std::string department;
  std::string delivered_on;  // YYYY-MM-DD
  std::optional<int64_t> provider_id;
  std::string provider_name;
  std::string content;
  std::string source;  // manual | import
  std::optional<int64_t> source_record_id;
  int64_t recorded_by = 0;
  std::string recorded_by_name;
  std::string created_at;
  std::string voided_at;  // '' while valid
  std::string void_reason;
};

struct Provider {
  int64_t id = 0;
  std::string region_code;
  std::string kind;            // school children_home after_school social_org volunteer health_centre other
  std::string name;
  std::string volunteer_type;  // 爱心妈妈 五老 … or ''
  std::string address;
  std::string contact_name;
  std::string contact_phone;
  std::vector<std::string> services;  // need-type codes
  int64_t capacity = 0;               // 0 = not limited
  std::string project;                // JSON object, "{}" when none
  bool active = true;
  std::string created_at, updated_at;
  int64_t version = 0;
  int64_t active_pairings = 0;        // filled by reads
};

struct Activity {
  int64_t id = 0;
  int64_t provider_id = 0;
  std::string provider_name;  // filled by reads
  std::string region_code;
  std::string title;
  std::vector<std::string> services;
  std::string starts_on, ends_on;
  int64_t capacity = 0;
  std::string description;
  std::string status;  // open closed cancelled
  std::string created_at, created_by_name;
  int64_t participants = 0;  // signed up and not withdrawn, filled by reads
  int64_t attendances = 0;   // attendance rows, filled by reads
};

struct Participant {
  int64_t activity_id = 0;
  int64_t child_id = 0;
  std::string child_name;  // filled by reads
  std::string region_code;
  std::string signed_up_at, signed_up_by_name, withdrawn_at;
  std::vector<std::string> attended;  // session dates, ascending
};

struct Pairing {
  int64_t id = 0;
  int64_t provider_id = 0;
  std::string provider_name;  // filled by reads
  std::string provider_kind;  // filled by reads
  int64_t child_id = 0;
  std::string child_name;     // filled by reads
  std::string region_code;
  std::string need_code;
  std::string started_on, ended_on, end_reason, notes;
  std::string created_at, created_by_name;
};

struct ProviderQuery {
  std::string region_code;  // "" = all the viewer may see
  std::string kind;         // "" = any
  std::string service;      // need code offered, "" = any
  bool active_only = true;
};

// Counts of one (region, key) cell, for coverage and supply/demand tables. `region_code` is the
// child's (or provider's) region cut to the requested level's code length.
struct CountCell {
  std::string region_code;
  std::string key;  // item id, department or need code
  int64_t total = 0;
  int64_t done = 0;  // received (entitlements) or met (needs)
};

class ServiceStore {
 public:
  virtual ~ServiceStore() = default;

  // Derived rows of one child, replaced whole (the caller computed them).
  virtual void PutChildServices(int64_t child_id, const std::vector<EntitlementRow>& entitlements,
                                const std::vector<NeedRow>& needs) = 0;
  virtual std::vector<EntitlementRow> ChildEntitlements(const RegionScope& scope, int64_t child_id) = 0;
  virtual std::vector<NeedRow> ChildNeeds(const RegionScope& scope, int64_t child_id) = 0;

  // Entitled / received children per (region cut to `code_length`, item) under region_code.
  virtual std::vector<CountCell> EntitlementCoverage(const RegionScope& scope, const std::string& region_code,
                                                     size_t code_length) = 0;
  // Entitled / received children per department (key = department) under region_code.
  virtual std::vector<CountCell> DepartmentCoverage(const RegionScope& scope, const std::string& region_code) = 0;
  // Children with needs per (region cut to code_length, need code); done = met.
  virtual std::vector<CountCell> NeedCounts(const RegionScope& scope, const std::string& region_code,
                                            size_t code_length) = 0;
  // Not received entitlements under region_code, optionally of one department and/or item, with
  // the child's name and birth date; ordered by region then child id.
  struct OpenItem {
    EntitlementRow row;
    std::string child_name;
    std::string birth_date;
  };
  virtual std::vector<OpenItem> OpenItems(const RegionScope& scope, const std::string& region_code,
                                          const std::string& department, const std::string& item_id,
                                          int64_t offset, int64_t limit, int64_t* total) = 0;
  // Unmet needs under region_code, optionally of one need code; ordered by region then child id.
  struct OpenNeed {
    NeedRow row;
    std::string child_name;
    std::string birth_date;
  };
  virtual std::vector<OpenNeed> UnmetNeeds(const RegionScope& scope, const std::string& region_code,
                                           const std::string& need_code, int64_t offset, int64_t limit,
                                           int64_t* total) = 0;

  virtual int64_t AddDelivery(Delivery& delivery) = 0;
  virtual std::optional<Delivery> GetDelivery(const RegionScope& scope, int64_t id) = 0;
  // False unless the delivery exists in scope and is not voided yet.
  virtual bool VoidDelivery(const RegionScope& scope, int64_t id, const std::string& reason) = 0;
  // Valid and voided, newest first.
  virtual std::vector<Delivery> ChildDeliveries(const RegionScope& scope, int64_t child_id) = 0;
  // Deliveries under region_code, newest first; department "" = any.
  virtual std::vector<Delivery> ListDeliveries(const RegionScope& scope, const std::string& region_code,
                                               const std::string& department, int64_t offset, int64_t limit,
                                               int64_t* total) = 0;

  // Supply. A provider or activity is visible when its region is inside the scope or is an
  // ancestor of the scope's root (ServesScope).
  virtual int64_t CreateProvider(Provider& provider) = 0;
  virtual std::optional<Provider> GetProvider(const RegionScope& scope, int64_t id) = 0;
  // Writes at expected_version + 1; false on a version mismatch or when not in scope.
  virtual bool UpdateProvider(const RegionScope& scope, const Provider& provider, int64_t expected_version) = 0;
  virtual std::vector<Provider> ListProviders(const RegionScope& scope, const ProviderQuery& query) = 0;

  virtual int64_t CreateActivity(Activity& activity) = 0;
  virtual std::optional<Activity> GetActivity(const RegionScope& scope, int64_t id) = 0;
  virtual bool SetActivityStatus(const RegionScope& scope, int64_t id, const std::string& status) = 0;
  // Activities visible to the scope; region_code "" = all; service "" = any; open_only: status open
  // and ends_on >= today.
  virtual std::vector<Activity> ListActivities(const RegionScope& scope, const std::string& region_code,
                                               const std::string& service, bool open_only,
                                               const std::string& today) = 0;
  // Signs a child up (again after a withdrawal); false when already signed up.
  virtual bool SignUp(int64_t activity_id, int64_t child_id, const std::string& region_code,
                      const std::string& by_name) = 0;
  virtual bool Withdraw(int64_t activity_id, int64_t child_id) = 0;
  // False when the child is not signed up or the session is already recorded.
  virtual bool RecordAttendance(int64_t activity_id, int64_t child_id, const std::string& session_date,
                                const std::string& by_name) = 0;
  // Participants whose child is inside the scope.
  virtual std::vector<Participant> Participants(const RegionScope& scope, int64_t activity_id) = 0;
  // The child's activities (signed up, withdrawn included) with attendance.
  virtual std::vector<std::pair<Activity, Participant>> ChildActivities(const RegionScope& scope,
                                                                        int64_t child_id) = 0;

  virtual int64_t CreatePairing(Pairing& pairing) = 0;
  virtual std::optional<Pairing> GetPairing(const RegionScope& scope, int64_t id) = 0;
  // False unless active and in scope.
  virtual bool EndPairing(const RegionScope& scope, int64_t id, const std::string& ended_on,
                          const std::string& reason) = 0;
  virtual std::vector<Pairing> ChildPairings(const RegionScope& scope, int64_t child_id) = 0;
  // Pairings of children inside the scope; provider_id 0 = any; active_only: ended_on = ''.
  virtual std::vector<Pairing> ListPairings(const RegionScope& scope, int64_t provider_id, bool active_only) = 0;
};

// True when a supply row of `region_code` is visible to `scope`: inside it, or serving a region
// above it (its code is a prefix of the scope's root).
inline bool ServesScope(const RegionScope& scope, const std::string& region_code) {
  return region_code.starts_with(scope.root_code) || scope.root_code.starts_with(region_code);
}

}  // namespace tongan
