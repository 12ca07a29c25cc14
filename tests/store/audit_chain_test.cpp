// The audit log's hash chain detects a changed, deleted or inserted row even when the append-only
// triggers are removed by someone with direct access to the database.
#include <gtest/gtest.h>

#include "store/store.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

class AuditChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<AuditEvent> events;
    for (int i = 1; i <= 6; ++i)
      events.push_back({"", i, "user" + std::to_string(i), "child.read", "child:" + std::to_string(i),
                        "", "ok", "127.0.0.1"});
    store().AppendAudit({events.begin(), events.begin() + 3});  // two batches chain as one
    store().AppendAudit({events.begin() + 3, events.end()});
  }
  Store& store() { return *env_.d.store; }
  // What an intruder with the database's password does first.
  void DropAppendOnlyTriggers() {
    auto db = env_.db.Connect();
    for (const char* trigger : {"audit_log_no_update", "audit_log_no_delete"})
      db->Exec(std::string("DROP TRIGGER ") + trigger + (env_.db.postgres() ? " ON audit_log" : ""));
  }
  TestDeployment env_;
};

TEST_F(AuditChainTest, AnUntouchedLogVerifies) {
  const AuditChainCheck check = store().VerifyAuditChain();
  EXPECT_EQ(check.broken_at, 0) << check.problem;
  EXPECT_EQ(check.rows, 6);
  EXPECT_EQ(check.head_id, 6);
  EXPECT_EQ(check.head_hash.size(), 64u);
}

TEST_F(AuditChainTest, TheDatabaseRefusesEditsWhileItsTriggersStand) {
  auto db = env_.db.Connect();
  EXPECT_ANY_THROW(db->Exec("UPDATE audit_log SET detail = 'x' WHERE id = 2"));
  EXPECT_ANY_THROW(db->Exec("DELETE FROM audit_log WHERE id = 2"));
}

TEST_F(AuditChainTest, AChangedFieldBreaksTheChainAtItsRow) {
  DropAppendOnlyTriggers();
  env_.db.Connect()->Exec("UPDATE audit_log SET username = 'someone_else' WHERE id = 3");
  const AuditChainCheck check = store().VerifyAuditChain();
  EXPECT_EQ(check.broken_at, 3);
  EXPECT_FALSE(check.problem.empty());
}

TEST_F(AuditChainTest, ADeletedRowBreaksTheChainAtTheNextRow) {
  DropAppendOnlyTriggers();
  env_.db.Connect()->Exec("DELETE FROM audit_log WHERE id = 4");
  EXPECT_EQ(store().VerifyAuditChain().broken_at, 5);
}

TEST_F(AuditChainTest, ARowCopiedWithItsHashDoesNotFitElsewhere) {
  DropAppendOnlyTriggers();
  auto db = env_.db.Connect();
  db->Exec("DELETE FROM audit_log WHERE id = 6");
  db->Exec("INSERT INTO audit_log (id, at, user_id, username, action, target, detail, result, remote, hash) "
           "SELECT 6, at, user_id, username, action, target, detail, result, remote, hash "
           "FROM audit_log WHERE id = 5");
  EXPECT_EQ(store().VerifyAuditChain().broken_at, 6);
}

TEST_F(AuditChainTest, AppendingGoesOnFromTheHead) {
  store().AppendAudit({{"", 9, "later", "login", "user:later", "", "ok", "127.0.0.1"}});
  const AuditChainCheck check = store().VerifyAuditChain();
  EXPECT_EQ(check.broken_at, 0);
  EXPECT_EQ(check.rows, 7);
  const auto found = store().SearchAudit(RegionScope{""}, {.username = "later"});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].hash, check.head_hash);
}

}  // namespace
}  // namespace tongan::testing
