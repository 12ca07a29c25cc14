// The password rule, TOTP codes (RFC 6238 vectors) and session lifetimes, without a server.
#include <gtest/gtest.h>

#include <ctime>

#include "app/api_error.h"
#include "app/auth.h"
#include "app/totp.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

TEST(PasswordRule, NeedsLengthAndThreeKindsAndNoUserName) {
  EXPECT_NE(PasswordProblem("Abc12345", "zhang"), "") << "too short";
  EXPECT_NE(PasswordProblem("abcdefghij12", "zhang"), "") << "two kinds";
  EXPECT_NE(PasswordProblem("ABCDEFGH!!", "zhang"), "") << "two kinds";
  EXPECT_NE(PasswordProblem("Zhang@2026x", "zhang"), "") << "contains the user name";
  EXPECT_NE(PasswordProblem(std::string(129, 'a') + "A1", "zhang"), "") << "too long";
  EXPECT_EQ(PasswordProblem("Abcdefg123", "zhang"), "");
  EXPECT_EQ(PasswordProblem("tongan@2026x", "zhang"), "");
  EXPECT_EQ(PasswordProblem("儿童保护工作2026ab", "zhang"), "") << "other characters count as a kind";
}

TEST(Totp, MatchesTheRfc6238Vectors) {
  // RFC 6238 appendix B, SHA-1 secret "12345678901234567890"; the last six of its eight digits.
  const std::string secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
  EXPECT_EQ(Base32Decode(secret), "12345678901234567890");
  EXPECT_EQ(TotpCode(secret, 59 / 30), "287082");
  EXPECT_EQ(TotpCode(secret, 1111111109 / 30), "081804");
  EXPECT_EQ(TotpCode(secret, 1234567890 / 30), "005924");
  EXPECT_EQ(TotpCode(secret, 2000000000 / 30), "279037");
  EXPECT_EQ(MatchTotp(secret, "005924", 1234567890), 1234567890 / 30);
  EXPECT_EQ(MatchTotp(secret, "005924", 1234567890 + 30), 1234567890 / 30) << "one step of drift";
  EXPECT_EQ(MatchTotp(secret, "005924", 1234567890 + 90), 0) << "three steps late";
  EXPECT_EQ(MatchTotp(secret, "00592", 1234567890), 0);
  EXPECT_FALSE(Base32Decode("not base32!"));
}

TEST(Totp, NewSecretsDifferAndWorkInAnApp) {
  const std::string a = NewTotpSecret(), b = NewTotpSecret();
  EXPECT_NE(a, b);
  EXPECT_EQ(Base32Decode(a)->size(), 20u);
  const std::string uri = TotpUri(a, "zhuren1");
  EXPECT_EQ(uri.rfind("otpauth://totp/", 0), 0u);
  EXPECT_NE(uri.find("secret=" + a), std::string::npos);
}

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override { env_.AddUser("director", Role::kChildDirector, kVillageA); }
  TestDeployment env_;
  AuditLog audit_{*env_.d.store};
};

TEST_F(SessionTest, SessionEndsWhenIdleOrTooOld) {
  AuthService normal(*env_.d.store, audit_);
  const std::string token = normal.Login("director", kPassword, "", "test").token;
  EXPECT_TRUE(normal.Authenticate(token));
  // The same session under policies whose limits have already passed: no clock needs to move.
  AuthService lifetime_over(*env_.d.store, audit_, AuthPolicy{.lifetime_seconds = -1});
  EXPECT_FALSE(lifetime_over.Authenticate(token));
  AuthService idle_over(*env_.d.store, audit_, AuthPolicy{.idle_seconds = -1});
  const std::string idle_token = idle_over.Login("director", kPassword, "", "test").token;
  EXPECT_FALSE(idle_over.Authenticate(idle_token));
  EXPECT_TRUE(normal.Authenticate(token)) << "the first session is still within its limits";
  normal.Logout(token, *env_.d.store->FindUserByName("director"), "test");
  EXPECT_FALSE(normal.Authenticate(token));
}

TEST_F(SessionTest, DemoAccountsWorkOnlyInDemoMode) {
  User demo;
  demo.username = "demo_director";
  demo.display_name = "演示";
  demo.role = Role::kChildDirector;
  demo.region_code = kVillageA;
  demo.password_hash = HashPassword(kPassword);
  demo.demo_account = true;
  env_.d.store->CreateUser(demo);
  AuthService serving(*env_.d.store, audit_);
  try {
    serving.Login("demo_director", kPassword, "", "test");
    FAIL() << "a demo account logged in outside demo mode";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "demo_account_disabled");
  }
  AuthService demo_mode(*env_.d.store, audit_, AuthPolicy{.allow_demo_accounts = true});
  const std::string token = demo_mode.Login("demo_director", kPassword, "", "test").token;
  EXPECT_TRUE(demo_mode.Authenticate(token));
  EXPECT_FALSE(serving.Authenticate(token)) << "a demo session is refused once served for real";
}

}  // namespace
}  // namespace tongan::testing
