#include "store/field_cipher.h"

#include <sodium.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "store/sql_db.h"

namespace tongan {

namespace {

constexpr std::string_view kSealedPrefix = "enc1:";
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "tongandk";  // exactly 8 bytes
constexpr uint64_t kSealSubkey = 1, kIndexSubkey = 2;
constexpr std::string_view kKeyCheckText = "tongan data key check";

void InitSodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string Base64(const unsigned char* data, size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string Hex(const unsigned char* data, size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.resize(size * 2);
  return out;
}

std::string Trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace

DataKey DataKey::Generate() {
  InitSodium();
  DataKey key;
  randombytes_buf(key.bytes_.data(), key.bytes_.size());
  return key;
}

DataKey DataKey::FromHex(std::string_view hex) {
  InitSodium();
  const std::string text = Trimmed(hex);
  DataKey key;
  size_t length = 0;
  const char* end = nullptr;
  if (text.size() != 64 ||
      sodium_hex2bin(key.bytes_.data(), key.bytes_.size(), text.data(), text.size(), nullptr,
                     &length, &end) != 0 ||
      length != key.bytes_.size() || end != text.data() + text.size())
    throw std::invalid_argument("数据密钥应为 64 位十六进制字符（32 字节）");
  return key;
}

std::string DataKey::Hex() const { return tongan::Hex(bytes_.data(), bytes_.size()); }

DataKey ReadDataKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("无法读取数据密钥文件 " + path);
  std::ostringstream text;
  text << in.rdbuf();
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && (info.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    std::fprintf(stderr, "警告：数据密钥文件 %s 对其他用户可读，应设为仅属主可读（chmod 600）\n",
                 path.c_str());
  try {
    return DataKey::FromHex(text.str());
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(path + "：" + e.what());
  }
}

void WriteDataKeyFile(const std::string& path, const DataKey& key) {
  // Owner-only from its creation, and on disk before any data are sealed with it.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
  if (fd < 0) {
    if (errno == EEXIST) throw std::runtime_error("数据密钥文件已存在，不会覆盖：" + path);
    throw std::runtime_error("无法创建数据密钥文件 " + path);
  }
  const std::string text = key.Hex() + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  const bool closed = ::close(fd) == 0;
  if (!written || !synced || !closed) throw std::runtime_error("无法写入数据密钥文件 " + path);
  const std::string dir = std::filesystem::absolute(path).parent_path().string();
  if (const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

std::string KeyFileBeside(const std::string& sqlite_path) { return sqlite_path + ".key"; }

std::optional<DataKey> ResolveDataKey(const std::string& location) {
  if (const char* file = std::getenv("TONGAN_DATA_KEY_FILE"); file != nullptr && *file != '\0')
    return ReadDataKeyFile(file);
  if (const char* hex = std::getenv("TONGAN_DATA_KEY"); hex != nullptr && *hex != '\0') {
    try {
      return DataKey::FromHex(hex);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(std::string("TONGAN_DATA_KEY：") + e.what());
    }
  }
  if (!sql::IsPostgresUri(location) && location != ":memory:" &&
      std::filesystem::exists(KeyFileBeside(location)))
    return ReadDataKeyFile(KeyFileBeside(location));
  return std::nullopt;
}

FieldCipher::FieldCipher(const DataKey& key) : enabled_(true) {
  InitSodium();
  crypto_kdf_derive_from_key(seal_key_.data(), seal_key_.size(), kSealSubkey, kKdfContext,
                             key.bytes().data());
  crypto_kdf_derive_from_key(index_key_.data(), index_key_.size(), kIndexSubkey, kKdfContext,
                             key.bytes().data());
}

bool FieldCipher::IsSealed(std::string_view stored) { return stored.starts_with(kSealedPrefix); }

std::string FieldCipher::Seal(std::string_view plain, std::string_view column) const {
  if (!enabled_ || plain.empty()) return std::string(plain);
  std::vector<unsigned char> box(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plain.size() +
                                 crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned char* nonce = box.data();
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long sealed_size = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &sealed_size,
      reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
      reinterpret_cast<const unsigned char*>(column.data()), column.size(), nullptr, nonce,
      seal_key_.data());
  return std::string(kSealedPrefix) +
         Base64(box.data(), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + sealed_size);
}

std::string FieldCipher::Open(std::string_view stored, std::string_view column) const {
  // Without a key nothing is sealed (a sealed database is refused at open), so text that merely
  // starts like a sealed value is a user's own.
  if (!enabled_ || !IsSealed(stored)) return std::string(stored);
  const std::string_view encoded = stored.substr(kSealedPrefix.size());
  std::vector<unsigned char> box(encoded.size());
  size_t box_size = 0;
  if (sodium_base642bin(box.data(), box.size(), encoded.data(), encoded.size(), nullptr, &box_size,
                        nullptr, sodium_base64_VARIANT_ORIGINAL_NO_PADDING) != 0 ||
      box_size < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)
    throw std::runtime_error("加密字段已损坏（" + std::string(column) + "）");
  const unsigned char* nonce = box.data();
  const size_t sealed_size = box_size - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string plain(sealed_size - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long plain_size = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &plain_size, nullptr,
          nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, sealed_size,
          reinterpret_cast<const unsigned char*>(column.data()), column.size(), nonce,
          seal_key_.data()) != 0)
    throw std::runtime_error("加密字段无法解密（" + std::string(column) + "）：密钥不符或数据被篡改");
  plain.resize(plain_size);
  return plain;
}

std::string FieldCipher::BlindIndex(std::string_view value, std::string_view purpose) const {
  if (!enabled_) return std::string(value);
  std::string input(purpose);
  input.push_back('\0');
  input.append(value);
  unsigned char hash[16];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), index_key_.data(), index_key_.size());
  return Hex(hash, sizeof hash);
}

std::string FieldCipher::KeyCheck() const {
  return enabled_ ? BlindIndex(kKeyCheckText, "key_check") : "";
}

}  // namespace tongan
