// Shared by the SQLite store's parts (registry, department data): the reader pool and helpers.
#pragma once

#include <condition_variable>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/child_json.h"
#include "store/care_store.h"
#include "store/department_store.h"
#include "store/round_store.h"
#include "store/service_store.h"
#include "store/stats_store.h"
#include "store/sqlite_db.h"

namespace tongan::sqlite {

inline std::string NowUtcIso() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The first code past every code that starts with `prefix`: region subtrees become index ranges.
inline std::string PrefixUpperBound(const std::string& prefix) { return prefix + "\xff"; }

class ReaderPool {
 public:
  ReaderPool(const std::string& path, int size) {
    for (int i = 0; i < size; ++i) idle_.push_back(std::make_unique<Connection>(path, true));
  }
  class Lease {
   public:
    Lease(ReaderPool& pool, std::unique_ptr<Connection> c) : pool_(pool), c_(std::move(c)) {}
    ~Lease() { pool_.Return(std::move(c_)); }
    Connection& operator*() { return *c_; }
    Connection* operator->() { return c_.get(); }

   private:
    ReaderPool& pool_;
    std::unique_ptr<Connection> c_;
  };
  Lease Acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !idle_.empty(); });
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(c));
  }

 private:
  void Return(std::unique_ptr<Connection> c) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(c));
    }
    available_.notify_one();
  }
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
};


// What the parts of one SQLite store share: one writer (writes serialise on it) and the readers.
struct Handles {
  explicit Handles(const std::string& path) : path(path), writer(path) {}
  std::string path;
  std::mutex write_mutex;
  Connection writer;
  std::unique_ptr<ReaderPool> readers;  // opened after migrations
};

inline constexpr const char* kChildColumns =
    "id, doc, version, created_at, updated_at";

inline Child ChildFromRow(const Statement& row) {
  Child child;
  InputError ignored;
  ChildFromJson(nlohmann::json::parse(row.Text(1)), &child, &ignored);
  child.id = row.Int(0);
  child.version = row.Int(2);
  child.created_at = row.Text(3);
  child.updated_at = row.Text(4);
  return child;
}

// The department-data part of the store, on the same connections.
std::unique_ptr<DepartmentStore> MakeDepartmentStore(Handles& handles);
// The care-work part of the store, on the same connections.
std::unique_ptr<CareStore> MakeCareStore(Handles& handles);
// The services part of the store, on the same connections.
std::unique_ptr<ServiceStore> MakeServiceStore(Handles& handles);
// The monitoring-rounds part of the store, on the same connections.
std::unique_ptr<RoundStore> MakeRoundStore(Handles& handles);
// The statistics part of the store, on the same connections.
std::unique_ptr<StatsStore> MakeStatsStore(Handles& handles);

}  // namespace tongan::sqlite
