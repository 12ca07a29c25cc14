// Read-only access to a zip archive in memory, with a budget on the bytes it may inflate to.
#pragma once

#include <zip.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace tongan::ingest {

class ZipArchive {
 public:
  enum class Status { kOk, kTooLarge, kCorrupt, kStopped };

  // Opens `bytes`, which must outlive the archive; nullptr when it is not a readable zip.
  // Reading entries may inflate at most `max_uncompressed_bytes` in total.
  static std::unique_ptr<ZipArchive> Open(std::string_view bytes, size_t max_uncompressed_bytes);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  // Index of the entry named `name` (ASCII case ignored).
  std::optional<zip_uint64_t> Find(const std::string& name) const;
  // True when some entry's name starts with `prefix` (ASCII case ignored).
  bool HasEntryUnder(std::string_view prefix) const;

  // Inflates an entry and passes it to `sink` in chunks; `sink` returns false to stop. Both the
  // size the archive declares and the bytes actually inflated count against the budget, since
  // the declared size of a crafted archive may lie.
  Status Read(zip_uint64_t index, const std::function<bool(std::string_view)>& sink);

  // Charges `bytes` of memory made from nothing (cells filling a gap) against the same budget.
  bool Charge(size_t bytes);

  size_t max_uncompressed_bytes() const { return max_uncompressed_bytes_; }

 private:
  ZipArchive(zip_t* archive, size_t max_uncompressed_bytes)
      : archive_(archive),
        max_uncompressed_bytes_(max_uncompressed_bytes),
        remaining_(max_uncompressed_bytes) {}

  zip_t* archive_;
  size_t max_uncompressed_bytes_;
  size_t remaining_;
};

}  // namespace tongan::ingest
