// Encryption at rest of the fields that identify a child or reach the family: ID numbers, phones,
// addresses (the child's document, change history, department rows, second-factor secrets).
// The key lives outside the database (a file or the environment); the database holds only
// ciphertext, keyed blind indexes for lookups, and a check value that tells a wrong key.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace tongan {

// 32 random bytes. Written and read as 64 hexadecimal characters.
class DataKey {
 public:
  static DataKey Generate();
  // Throws std::invalid_argument unless `hex` is 64 hexadecimal characters (whitespace trimmed).
  static DataKey FromHex(std::string_view hex);
  std::string Hex() const;
  const std::array<unsigned char, 32>& bytes() const { return bytes_; }

 private:
  std::array<unsigned char, 32> bytes_{};
};

// Reads a key file; throws std::runtime_error (in Chinese) when it is missing or malformed.
DataKey ReadDataKeyFile(const std::string& path);
// Creates a key file readable by its owner only; refuses to overwrite one.
void WriteDataKeyFile(const std::string& path, const DataKey& key);
// The key file an embedded database looks for beside itself: "<path>.key".
std::string KeyFileBeside(const std::string& sqlite_path);

// Where a store's key comes from, first found wins: TONGAN_DATA_KEY_FILE (a path),
// TONGAN_DATA_KEY (the hex itself), then the file beside an embedded database. None: plaintext.
std::optional<DataKey> ResolveDataKey(const std::string& location);

// Seals and opens stored fields. Without a key it passes text through (a database that has never
// been given a key), so the store's code paths are the same either way.
class FieldCipher {
 public:
  FieldCipher() = default;
  explicit FieldCipher(const DataKey& key);

  bool enabled() const { return enabled_; }

  // XChaCha20-Poly1305 with a random nonce, bound to `column` so a value cannot be moved to
  // another column unnoticed. "" stays "" (emptiness is not secret, and keeps NULL-like checks).
  std::string Seal(std::string_view plain, std::string_view column) const;
  // Text not sealed comes back as it is, and so does everything without a key. Throws
  // std::runtime_error when a sealed value does not open: tampered, or another key.
  std::string Open(std::string_view stored, std::string_view column) const;
  static bool IsSealed(std::string_view stored);

  // Deterministic keyed hash (BLAKE2b, 128 bits) for equality lookups; `purpose` separates
  // indexes. Without a key, the value itself.
  std::string BlindIndex(std::string_view value, std::string_view purpose) const;

  // What the database keeps to recognise this key; empty without a key.
  std::string KeyCheck() const;

 private:
  bool enabled_ = false;
  std::array<unsigned char, 32> seal_key_{};
  std::array<unsigned char, 32> index_key_{};
};

}  // namespace tongan
