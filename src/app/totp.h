// Time-based one-time passwords (RFC 6238 with HMAC-SHA1, 30-second steps, 6 digits): the
// defaults every authenticator app understands, for the optional second login factor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tongan {

inline constexpr int64_t kTotpStepSeconds = 30;

// A new random 160-bit secret in base32 (RFC 4648, no padding).
std::string NewTotpSecret();
// The otpauth:// address an authenticator app reads from a QR code.
std::string TotpUri(const std::string& secret_base32, const std::string& account);
std::optional<std::string> Base32Decode(std::string_view text);
// The code of time step `step` (unix time / 30).
std::string TotpCode(const std::string& secret_base32, int64_t step);
// The step (within one step of `now_unix`, for clock drift) whose code is `code`; 0 when none.
int64_t MatchTotp(const std::string& secret_base32, std::string_view code, int64_t now_unix);

}  // namespace tongan
