#include "ingest/zip_archive.h"

#include <array>

namespace tongan::ingest {
namespace {

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = text[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

}  // namespace

std::unique_ptr<ZipArchive> ZipArchive::Open(std::string_view bytes,
                                             size_t max_uncompressed_bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    zip_error_fini(&error);
    return nullptr;
  }
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
  zip_error_fini(&error);
  if (archive == nullptr) {
    zip_source_free(source);  // still ours when opening failed
    return nullptr;
  }
  return std::unique_ptr<ZipArchive>(new ZipArchive(archive, max_uncompressed_bytes));
}

ZipArchive::~ZipArchive() { zip_discard(archive_); }

std::optional<zip_uint64_t> ZipArchive::Find(const std::string& name) const {
  const zip_int64_t index = zip_name_locate(archive_, name.c_str(), ZIP_FL_NOCASE);
  if (index < 0) return std::nullopt;
  return static_cast<zip_uint64_t>(index);
}

bool ZipArchive::HasEntryUnder(std::string_view prefix) const {
  const zip_int64_t count = zip_get_num_entries(archive_, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    const char* name = zip_get_name(archive_, static_cast<zip_uint64_t>(i), 0);
    if (name != nullptr && StartsWithNoCase(name, prefix)) return true;
  }
  return false;
}

ZipArchive::Status ZipArchive::Read(zip_uint64_t index,
                                    const std::function<bool(std::string_view)>& sink) {
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(archive_, index, 0, &stat) != 0) return Status::kCorrupt;
  if ((stat.valid & ZIP_STAT_SIZE) != 0 && stat.size > remaining_) return Status::kTooLarge;

  std::unique_ptr<zip_file_t, FileCloser> file(zip_fopen_index(archive_, index, 0));
  if (file == nullptr) return Status::kCorrupt;  // encrypted, unknown method, bad header
  std::array<char, 64 * 1024> buffer;
  while (true) {
    const zip_int64_t n = zip_fread(file.get(), buffer.data(), buffer.size());
    if (n < 0) return Status::kCorrupt;  // inflate or CRC error
    if (n == 0) break;
    const size_t size = static_cast<size_t>(n);
    if (size > remaining_) return Status::kTooLarge;
    remaining_ -= size;
    if (!sink(std::string_view(buffer.data(), size))) return Status::kStopped;
  }
  return zip_fclose(file.release()) == 0 ? Status::kOk : Status::kCorrupt;
}

bool ZipArchive::Charge(size_t bytes) {
  if (bytes > remaining_) return false;
  remaining_ -= bytes;
  return true;
}

}  // namespace tongan::ingest
