// Passwords (Argon2id), session tokens and login. Tokens are random; only their hash is stored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/audit_log.h"
#include "store/store.h"

namespace tongan {

std::string HashPassword(const std::string& password);  // Argon2id, libsodium string format
bool VerifyPassword(const std::string& hash, const std::string& password);

struct LoginResult {
  std::string token;
  int64_t expires_at = 0;  // unix seconds
  User user;
};

class AuthService {
 public:
  // Sessions end after `idle_seconds` without use.
  AuthService(Store& store, AuditLog& audit, int64_t idle_seconds = 2 * 3600)
      : store_(store), audit_(audit), idle_seconds_(idle_seconds) {}

  // Throws ApiError 401 login_failed with the same message whether the user is unknown, disabled
  // or the password wrong; every attempt is audited.
  LoginResult Login(const std::string& username, const std::string& password,
                    const std::string& remote);
  // The user behind a bearer token, extending the session; nullopt when unknown or expired.
  std::optional<User> Authenticate(const std::string& token);
  void Logout(const std::string& token, const User& user, const std::string& remote);

 private:
  Store& store_;
  AuditLog& audit_;
  int64_t idle_seconds_;
};

}  // namespace tongan
