// Items made ahead on a thread of their own: a bulk load generates its next batches while the
// current ones are sealed and written, so every core has work.
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace tongan {

template <typename T>
class Prefetch {
 public:
  // `make` returns the next item, or nullopt at the end; it runs on the prefetch thread only.
  Prefetch(std::function<std::optional<T>()> make, size_t ahead)
      : make_(std::move(make)), ahead_(ahead), thread_([this] { Run(); }) {}
  ~Prefetch() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  Prefetch(const Prefetch&) = delete;
  Prefetch& operator=(const Prefetch&) = delete;

  // The next item, nullopt at the end; rethrows what `make` threw.
  std::optional<T> Pop() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !ready_.empty() || finished_; });
    if (!ready_.empty()) {
      T item = std::move(ready_.front());
      ready_.pop_front();
      changed_.notify_all();
      return item;
    }
    if (error_) std::rethrow_exception(error_);
    return std::nullopt;
  }

 private:
  void Run() {
    try {
      while (std::optional<T> item = make_()) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return ready_.size() < ahead_ || stopping_; });
        if (stopping_) break;
        ready_.push_back(std::move(*item));
        changed_.notify_all();
      }
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
    }
    std::lock_guard lock(mutex_);
    finished_ = true;
    changed_.notify_all();
  }

  std::function<std::optional<T>()> make_;
  const size_t ahead_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<T> ready_;
  bool finished_ = false, stopping_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once the rest is ready
};

}  // namespace tongan
