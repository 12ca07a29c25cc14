// Durable audit with group commit: Record() returns only once its event is committed, but events
// arriving together share one transaction, so auditing every read costs one fsync per batch
// rather than per request.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "store/store.h"

namespace tongan {

class AuditLog {
 public:
  explicit AuditLog(Store& store);
  ~AuditLog();  // commits what is queued, then stops
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Blocks until the event is committed; throws std::runtime_error when it could not be.
  void Record(AuditEvent event);

 private:
  void FlushLoop();

  Store& store_;
  std::mutex mutex_;
  std::condition_variable work_;
  std::condition_variable done_;
  std::vector<AuditEvent> pending_;
  uint64_t enqueued_ = 0;
  uint64_t committed_ = 0;
  uint64_t failed_from_ = 0, failed_to_ = 0;  // sequence range of the last failed batch
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace tongan
