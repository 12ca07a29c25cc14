// Persistence of monitoring rounds (监测摸排, DOMAIN.md §1): a county's rounds, the villages'
// confirmations of their lists, and the snapshot of every child of the county taken when a round
// closes, with how each child changed since the previous round's snapshot. A round belongs to a
// county; it is visible from the county's subtree (a village director sees the round of their
// county) and from above it (a city sees its counties' rounds).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/store.h"

namespace tongan {

struct MonitoringRound {
  int64_t id = 0;
  std::string county_code;
  std::string title;
  std::string status;          // open closed
  std::string opened_on;       // YYYY-MM-DD
  std::string due_on;
  std::string opened_by_name;
  std::string closed_at;       // UTC timestamp; "" while open
  std::string closed_on;       // the date ages and classes were taken at; "" while open
  std::string closed_by_name;
  std::optional<int64_t> previous_round_id;  // the county's last closed round when this one opened
  int64_t child_watermark = 0; // highest child id at close: a higher id was registered since
  std::string summary = "{}";  // JSON written at close
  int64_t confirmed = 0;       // confirmations in the reader's scope (ListRounds, GetRound)
};

struct RoundConfirmation {
  int64_t round_id = 0;
  std::string village_code;
  std::string confirmed_at;
  std::string confirmed_by_name;
  int64_t children = 0;  // the village's count when confirmed
  std::string note;
};

// What a child's snapshot row says changed since the previous round (bits of `changes`).
enum class RoundChange : uint32_t {
  kNew = 1u << 0,           // registered since the previous round
  kMovedIn = 1u << 1,       // elsewhere (or outside the county) at the previous round
  kAgedOut = 1u << 2,       // under 16 then, 16 or older now
  kClassChanged = 1u << 3,  // classes differ (beyond what turning 16 alone changes)
  kUnconfirmed = 1u << 4,   // the village did not confirm its list
  kMovedAway = 1u << 5,     // in the previous snapshot, not in this one: never stored, read by
                            // comparing the two snapshots
};

struct SnapshotRow {
  int64_t child_id = 0;
  std::string region_code;
  std::string birth_date;
  uint32_t classes = 0;  // bit i: AllChildClasses()[i]
  uint32_t changes = 0;  // RoundChange bits
};

// One child of a change list. For kMovedAway the row is the previous snapshot's.
struct RoundChangeRow {
  SnapshotRow row;
  std::string name;                  // from the registry ("" if the record is gone)
  std::string current_region_code;   // where the registry has the child now
  std::optional<SnapshotRow> previous;  // the child's row in the previous round's snapshot
};

class RoundStore {
 public:
  virtual ~RoundStore() = default;

  // Inserts an open round (sets id and previous_round_id, the county's latest closed round).
  // False, with nothing written, when the county already has an open round.
  virtual bool OpenRound(MonitoringRound& round) = 0;
  // Rounds visible from `scope`, newest first; `confirmed` counts confirmations in the scope.
  virtual std::vector<MonitoringRound> ListRounds(const RegionScope& scope) = 0;
  virtual std::optional<MonitoringRound> GetRound(const RegionScope& scope, int64_t id) = 0;
  // opened_on of the county's latest round.
  virtual std::optional<std::string> LastOpenedOn(const std::string& county_code) = 0;

  // Confirmations of the round's villages inside `scope`, by village code.
  virtual std::vector<RoundConfirmation> Confirmations(const RegionScope& scope, int64_t round_id) = 0;
  enum class ConfirmResult { kConfirmed, kNoRound, kRoundClosed, kAlreadyConfirmed };
  // Records a village's confirmation, with confirmed_at and the village's current child count
  // set here, in one transaction with the checks.
  virtual ConfirmResult Confirm(RoundConfirmation& confirmation) = 0;

  // Current number of children per village code in `scope` (villages without children absent).
  virtual std::vector<std::pair<std::string, int64_t>> ChildrenPerVillage(const RegionScope& scope) = 0;
  // Highest child id so far (0 for none): children are never deleted, so ids only grow.
  virtual int64_t MaxChildId() = 0;

  // The whole snapshot of a closed round, by child id.
  virtual std::vector<SnapshotRow> Snapshot(int64_t round_id) = 0;
  // Writes the snapshot and marks the round closed with closed_on, closed_by_name,
  // child_watermark and summary from `round` (closed_at is set here), in one transaction. False,
  // with nothing written, when the round is not open any more.
  virtual bool CloseRound(MonitoringRound& round, const std::vector<SnapshotRow>& rows) = 0;

  // The children of a closed round behind one change, in `scope`, by village then id. Rows are
  // placed by their village in this round's snapshot, a moved-away child by its village in the
  // previous one.
  virtual std::vector<RoundChangeRow> Changes(const RegionScope& scope, const MonitoringRound& round,
                                              RoundChange kind, int64_t offset, int64_t limit,
                                              int64_t* total) = 0;
};

}  // namespace tongan
