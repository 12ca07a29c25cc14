#include "app/auth.h"

#include <sodium.h>

#include <ctime>

#include "app/api_error.h"

namespace tongan {
namespace {

std::string TokenHash(const std::string& token) {
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[sizeof hash * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

std::string NewToken() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace

std::string HashPassword(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw std::runtime_error("out of memory hashing a password");
  return out;
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

LoginResult AuthService::Login(const std::string& username, const std::string& password,
                               const std::string& remote) {
  // A fixed hash to verify against when the user is unknown, so timing does not reveal names.
  static const std::string kDummyHash = HashPassword("tongan-no-such-user");
  const std::optional<User> user = store_.FindUserByName(username);
  const bool ok = VerifyPassword(user ? user->password_hash : kDummyHash, password) && user &&
                  !user->disabled;
  audit_.Record({"", user ? user->id : 0, username, "login", "user:" + username, "",
                 ok ? "ok" : "denied", remote});
  if (!ok) throw ApiError(401, "login_failed", "用户名或密码错误，或账号已停用");
  LoginResult result;
  result.token = NewToken();
  result.expires_at = Now() + idle_seconds_;
  result.user = *user;
  store_.CreateSession(TokenHash(result.token), {user->id, result.expires_at});
  return result;
}

std::optional<User> AuthService::Authenticate(const std::string& token) {
  if (token.empty()) return std::nullopt;
  const std::string hash = TokenHash(token);
  auto found = store_.FindSession(hash);
  const int64_t now = Now();
  if (!found) return std::nullopt;
  auto& [session, user] = *found;
  if (session.expires_at < now || user.disabled) return std::nullopt;
  // Extend the idle deadline at most once a minute, not on every request.
  if (session.expires_at - now < idle_seconds_ - 60) store_.TouchSession(hash, now + idle_seconds_);
  return std::move(user);
}

void AuthService::Logout(const std::string& token, const User& user, const std::string& remote) {
  store_.DeleteSession(TokenHash(token));
  audit_.Record({"", user.id, user.username, "logout", "user:" + user.username, "", "ok", remote});
}

}  // namespace tongan
