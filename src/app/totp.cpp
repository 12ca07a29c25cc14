#include "app/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <cctype>
#include <cstdio>

namespace tongan {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string Base32Encode(const unsigned char* data, size_t size) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < size; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 5) {
      out += kBase32Alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32Alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

// Percent-encodes an otpauth label or parameter (UTF-8 bytes outside unreserved characters).
std::string UriComponent(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", c);
      out += escaped;
    }
  }
  return out;
}

}  // namespace

std::string NewTotpSecret() {
  unsigned char bytes[20];
  randombytes_buf(bytes, sizeof bytes);
  return Base32Encode(bytes, sizeof bytes);
}

std::string TotpUri(const std::string& secret_base32, const std::string& account) {
  return "otpauth://totp/" + UriComponent("童安") + ":" + UriComponent(account) +
         "?secret=" + secret_base32 + "&issuer=" + UriComponent("童安") +
         "&algorithm=SHA1&digits=6&period=30";
}

std::optional<std::string> Base32Decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == ' ') continue;
    const char upper = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    const size_t value = kBase32Alphabet.find(upper);
    if (value == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

std::string TotpCode(const std::string& secret_base32, int64_t step) {
  const std::optional<std::string> key = Base32Decode(secret_base32);
  if (!key || key->empty()) return "";
  unsigned char counter[8];
  for (int i = 7; i >= 0; --i) {
    counter[i] = static_cast<unsigned char>(step & 0xff);
    step >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  if (!HMAC(EVP_sha1(), key->data(), static_cast<int>(key->size()), counter, sizeof counter, mac,
            &mac_size) ||
      mac_size < 20)
    return "";
  // RFC 4226 dynamic truncation.
  const int offset = mac[mac_size - 1] & 0x0f;
  const uint32_t binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) |
                          (mac[offset + 2] << 8) | mac[offset + 3];
  char code[8];
  std::snprintf(code, sizeof code, "%06u", binary % 1000000);
  return code;
}

int64_t MatchTotp(const std::string& secret_base32, std::string_view code, int64_t now_unix) {
  if (code.size() != 6) return 0;
  const int64_t now_step = now_unix / kTotpStepSeconds;
  for (int64_t step : {now_step, now_step - 1, now_step + 1}) {
    const std::string expected = TotpCode(secret_base32, step);
    if (!expected.empty() && sodium_memcmp(expected.data(), code.data(), 6) == 0) return step;
  }
  return 0;
}

}  // namespace tongan
