// Passwords (Argon2id), session tokens, lockout, the TOTP second factor and login. Tokens are
// random; only their hash is stored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/audit_log.h"
#include "store/store.h"

namespace tongan {

std::string HashPassword(const std::string& password);  // Argon2id, libsodium string format
bool VerifyPassword(const std::string& hash, const std::string& password);

// The password rule (等保 2.0): 10 to 128 characters of at least three kinds (lower-case,
// upper-case, digits, other), not containing the user name. Returns the reason in Chinese when
// refused, empty when accepted.
std::string PasswordProblem(const std::string& password, const std::string& username);

struct AuthPolicy {
  int64_t idle_seconds = 30 * 60;          // a session unused this long ends
  int64_t lifetime_seconds = 12 * 3600;    // and any session ends this long after login
  int64_t max_failures = 5;                // consecutive failed logins before a lock
  int64_t lock_seconds = 15 * 60;
  bool allow_demo_accounts = false;        // only `tongan demo` serves the demo logins
};

struct LoginResult {
  std::string token;
  int64_t expires_at = 0;  // unix seconds
  User user;
};

class AuthService {
 public:
  AuthService(Store& store, AuditLog& audit, AuthPolicy policy = {})
      : store_(store), audit_(audit), policy_(policy) {}

  // Throws ApiError 401 login_failed with the same message whether the user is unknown, disabled
  // or the password wrong; 403 account_locked while locked; 401 otp_required / otp_failed for
  // the second factor. Every attempt is audited.
  LoginResult Login(const std::string& username, const std::string& password,
                    const std::string& otp, const std::string& remote);
  // The user behind a bearer token, extending the session; nullopt when unknown or expired.
  std::optional<User> Authenticate(const std::string& token);
  void Logout(const std::string& token, const User& user, const std::string& remote);
  // The user's own password change: checks the old one (failures count towards the lock) and the
  // rule, ends the user's other sessions.
  void ChangePassword(const User& user, const std::string& token, const std::string& old_password,
                      const std::string& new_password, const std::string& remote);
  // Second factor, by the user: a new pending secret, then enabling it with a code from the app,
  // or turning it off with the password.
  std::pair<std::string, std::string> BeginTotp(const User& user, const std::string& remote);
  void EnableTotp(const User& user, const std::string& code, const std::string& remote);
  void DisableTotp(const User& user, const std::string& password, const std::string& remote);

  const AuthPolicy& policy() const { return policy_; }

 private:
  // Counts a failure against the lock; throws account_locked when this one locks the account.
  void CountFailure(const User& user, const std::string& remote);

  Store& store_;
  AuditLog& audit_;
  AuthPolicy policy_;
};

// Token hash as stored in sessions.
std::string SessionHashOf(const std::string& token);

}  // namespace tongan
