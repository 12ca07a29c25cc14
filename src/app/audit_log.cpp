#include "app/audit_log.h"

#include <cstdio>
#include <stdexcept>

namespace tongan {

AuditLog::AuditLog(Store& store) : store_(store), flusher_([this] { FlushLoop(); }) {}

AuditLog::~AuditLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_one();
  flusher_.join();
}

void AuditLog::Record(AuditEvent event) {
  std::unique_lock lock(mutex_);
  pending_.push_back(std::move(event));
  const uint64_t sequence = ++enqueued_;
  work_.notify_one();
  done_.wait(lock, [&] { return committed_ >= sequence; });
  if (sequence >= failed_from_ && sequence <= failed_to_)
    throw std::runtime_error("audit log write failed");
}

void AuditLog::FlushLoop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    if (pending_.empty() && stopping_) return;
    std::vector<AuditEvent> batch;
    batch.swap(pending_);
    const uint64_t last = enqueued_;
    const uint64_t first = last - batch.size() + 1;
    lock.unlock();
    bool ok = true;
    try {
      store_.AppendAudit(batch);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "audit write failed: %s\n", e.what());
      ok = false;
    }
    lock.lock();
    if (!ok) {
      failed_from_ = first;
      failed_to_ = last;
    }
    committed_ = last;
    done_.notify_all();
  }
}

}  // namespace tongan
