#include "app/auth.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "app/api_error.h"
#include "app/totp.h"

namespace tongan {
namespace {

std::string NewToken() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string LockedMessage(int64_t until) {
  const int64_t minutes = std::max<int64_t>(1, (until - Now() + 59) / 60);
  return "连续登录失败次数过多，账号已锁定，请" + std::to_string(minutes) +
         "分钟后再试，或请安全管理员解锁";
}

}  // namespace

std::string SessionHashOf(const std::string& token) {
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  char hex[sizeof hash * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

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

std::string PasswordProblem(const std::string& password, const std::string& username) {
  bool lower = false, upper = false, digit = false, other = false;
  size_t characters = 0;
  for (unsigned char c : password) {
    if ((c & 0xC0) != 0x80) ++characters;  // count UTF-8 characters, not bytes
    if (std::islower(c)) lower = true;
    else if (std::isupper(c)) upper = true;
    else if (std::isdigit(c)) digit = true;
    else other = true;
  }
  const char* rule = "密码须为10至128位，且包含大写字母、小写字母、数字、符号中的至少三类";
  if (characters < 10 || password.size() > 128) return rule;
  if (int{lower} + int{upper} + int{digit} + int{other} < 3) return rule;
  if (username.size() >= 3 && Lower(password).find(Lower(username)) != std::string::npos)
    return "密码不能包含用户名";
  return "";
}

LoginResult AuthService::Login(const std::string& username, const std::string& password,
                               const std::string& otp, const std::string& remote) {
  // A fixed hash to verify against when the user is unknown, so timing does not reveal names.
  static const std::string kDummyHash = HashPassword("tongan-no-such-user");
  const std::optional<User> user = store_.FindUserByName(username);
  const int64_t now = Now();
  const auto audit = [&](const std::string& result, const std::string& detail = "") {
    audit_.Record({"", user ? user->id : 0, username, "login", "user:" + username, detail, result,
                   remote});
  };
  if (user && user->locked_until > now) {
    audit("locked");
    throw ApiError(403, "account_locked", LockedMessage(user->locked_until));
  }
  const bool password_ok = VerifyPassword(user ? user->password_hash : kDummyHash, password);
  if (!user || !password_ok || user->disabled) {
    audit("denied");
    if (user && !password_ok) CountFailure(*user, remote);
    throw ApiError(401, "login_failed", "用户名或密码错误，或账号已停用");
  }
  if (user->demo_account && !policy_.allow_demo_accounts) {
    audit("denied", "demo account outside demo mode");
    throw ApiError(401, "demo_account_disabled", "演示账号只能在演示模式下使用，请联系管理员开设正式账号");
  }
  int64_t totp_step = 0;
  if (user->totp_enabled) {
    if (otp.empty()) {
      audit("otp_required");
      throw ApiError(401, "otp_required", "请输入手机验证器上的6位动态验证码", "otp");
    }
    totp_step = MatchTotp(user->totp_secret, otp, now);
    if (totp_step == 0 || totp_step <= user->totp_last_step) {  // a used code does not work twice
      audit("denied", "wrong one-time code");
      CountFailure(*user, remote);
      throw ApiError(401, "otp_failed", "动态验证码错误或已使用，请输入验证器上的新验证码", "otp");
    }
  }
  store_.RecordLoginSuccess(user->id, totp_step);
  audit("ok", user->totp_enabled ? "password+totp" : "password");
  LoginResult result;
  result.token = NewToken();
  result.expires_at = now + policy_.idle_seconds;
  result.user = *user;
  store_.CreateSession(SessionHashOf(result.token), {user->id, result.expires_at, now});
  return result;
}

void AuthService::CountFailure(const User& user, const std::string& remote) {
  const int64_t lock_until = Now() + policy_.lock_seconds;
  const int64_t failures = store_.RecordLoginFailure(user.id, policy_.max_failures, lock_until);
  if (failures >= policy_.max_failures) {
    audit_.Record({"", user.id, user.username, "account.lock", "user:" + user.username,
                   std::to_string(failures) + " failed logins", "ok", remote});
    throw ApiError(403, "account_locked", LockedMessage(lock_until));
  }
}

std::optional<User> AuthService::Authenticate(const std::string& token) {
  if (token.empty()) return std::nullopt;
  const std::string hash = SessionHashOf(token);
  auto found = store_.FindSession(hash);
  const int64_t now = Now();
  if (!found) return std::nullopt;
  auto& [session, user] = *found;
  if (session.expires_at < now || now - session.created_at > policy_.lifetime_seconds ||
      user.disabled || user.locked_until > now ||
      (user.demo_account && !policy_.allow_demo_accounts))
    return std::nullopt;
  // Extend the idle deadline at most once a minute, not on every request.
  if (session.expires_at - now < policy_.idle_seconds - 60)
    store_.TouchSession(hash, now + policy_.idle_seconds);
  return std::move(user);
}

void AuthService::Logout(const std::string& token, const User& user, const std::string& remote) {
  store_.DeleteSession(SessionHashOf(token));
  audit_.Record({"", user.id, user.username, "logout", "user:" + user.username, "", "ok", remote});
}

void AuthService::ChangePassword(const User& user, const std::string& token,
                                 const std::string& old_password, const std::string& new_password,
                                 const std::string& remote) {
  const auto audit = [&](const std::string& result) {
    audit_.Record({"", user.id, user.username, "password.change", "user:" + user.username, "",
                   result, remote});
  };
  if (!VerifyPassword(user.password_hash, old_password)) {
    audit("denied");
    CountFailure(user, remote);
    throw ApiError(400, "wrong_password", "原密码不正确", "old_password");
  }
  if (const std::string problem = PasswordProblem(new_password, user.username); !problem.empty())
    throw ApiError(400, "weak_password", problem, "new_password");
  if (old_password == new_password)
    throw ApiError(400, "weak_password", "新密码不能与原密码相同", "new_password");
  store_.SetPassword(user.id, HashPassword(new_password), false, SessionHashOf(token));
  audit("ok");
}

std::pair<std::string, std::string> AuthService::BeginTotp(const User& user, const std::string& remote) {
  if (user.totp_enabled)
    throw ApiError(409, "totp_enabled", "已启用动态验证码；如需更换，请先停用");
  const std::string secret = NewTotpSecret();
  store_.SetTotp(RegionScope{user.region_code}, user.id, secret, false);
  audit_.Record({"", user.id, user.username, "totp.begin", "user:" + user.username, "", "ok", remote});
  return {secret, TotpUri(secret, user.username)};
}

void AuthService::EnableTotp(const User& user, const std::string& code, const std::string& remote) {
  if (user.totp_enabled) throw ApiError(409, "totp_enabled", "已启用动态验证码");
  if (user.totp_secret.empty())
    throw ApiError(409, "totp_not_started", "请先生成密钥并在验证器中添加");
  const int64_t step = MatchTotp(user.totp_secret, code, Now());
  if (step == 0) {
    audit_.Record({"", user.id, user.username, "totp.enable", "user:" + user.username, "",
                   "denied", remote});
    throw ApiError(400, "otp_failed", "验证码不正确，请核对手机时间后输入验证器上的新验证码", "code");
  }
  store_.SetTotp(RegionScope{user.region_code}, user.id, user.totp_secret, true);
  store_.RecordLoginSuccess(user.id, step);  // the code that enabled it does not log in again
  audit_.Record({"", user.id, user.username, "totp.enable", "user:" + user.username, "", "ok", remote});
}

void AuthService::DisableTotp(const User& user, const std::string& password, const std::string& remote) {
  if (!VerifyPassword(user.password_hash, password)) {
    audit_.Record({"", user.id, user.username, "totp.disable", "user:" + user.username, "",
                   "denied", remote});
    CountFailure(user, remote);
    throw ApiError(400, "wrong_password", "密码不正确", "password");
  }
  store_.SetTotp(RegionScope{user.region_code}, user.id, "", false);
  audit_.Record({"", user.id, user.username, "totp.disable", "user:" + user.username, "", "ok", remote});
}

}  // namespace tongan
