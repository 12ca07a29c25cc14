// `tongan backup` / `tongan restore` at the library level: a backup taken while a writer keeps
// committing holds everything committed before it started, passes its integrity check, and
// restores into an empty database with the counts it reported.
#include "store/backup.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

#include "store/sql_db.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

using Clock = std::chrono::steady_clock;

// A child with an ID number of its own for every `n` below ~2.6 million.
Child NumberedChild(int n) {
  Child c = MakeChild("备份测试" + std::to_string(n), kVillageA, n);
  c.birth_date = Date{std::chrono::year(2010 + n / 336 % 8), std::chrono::month(1 + n / 28 % 12),
                      std::chrono::day(1 + n % 28)};
  const std::string birth = FormatIsoDate(c.birth_date);
  const int sequence = n / 2688 % 1000;
  c.id_number = MakeId("410422", birth.substr(0, 4) + birth.substr(5, 2) + birth.substr(8, 2), sequence);
  c.sex = sequence % 2 == 1 ? Sex::kMale : Sex::kFemale;
  return c;
}

// Registers children one transaction at a time until stopped; remembers every committed one.
class Writer {
 public:
  explicit Writer(TestDeployment& env) : env_(env), thread_([this] { Run(); }) {}
  ~Writer() { Stop(); }

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int64_t committed() const {
    std::lock_guard lock(mutex_);
    return static_cast<int64_t>(ids_.size());
  }
  std::vector<int64_t> CommittedIds() const {
    std::lock_guard lock(mutex_);
    return ids_;
  }
  // Polls (bounded) until `count` children were committed; false on timeout.
  bool WaitForCommitted(int64_t count, std::chrono::seconds limit = std::chrono::seconds(60)) const {
    std::unique_lock lock(mutex_);
    return committed_changed_.wait_for(lock, limit, [&] {
      return failed_ || static_cast<int64_t>(ids_.size()) >= count;
    }) && !failed_;
  }
  std::string error() const {
    std::lock_guard lock(mutex_);
    return error_;
  }

 private:
  void Run() {
    try {
      for (int n = 0; !stop_; ++n) {
        Child child = NumberedChild(n);
        env_.d.store->InsertChild(child, ClassBasisOf(child, env_.d.config), {0, "backup-test"});
        std::lock_guard lock(mutex_);
        ids_.push_back(child.id);
        committed_changed_.notify_all();
      }
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex_);
      error_ = e.what();
      failed_ = true;
      committed_changed_.notify_all();
    }
  }

  TestDeployment& env_;
  mutable std::mutex mutex_;
  mutable std::condition_variable committed_changed_;
  std::vector<int64_t> ids_;
  bool failed_ = false;
  std::string error_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::set<int64_t> ChildIds(const TestDatabase& db) {
  auto connection = db.Connect();
  auto s = connection->Prepare("SELECT id FROM children");
  std::set<int64_t> out;
  while (s.Step()) out.insert(s.Int(0));
  return out;
}

std::map<std::string, int64_t> ByTable(const std::vector<TableRows>& tables) {
  std::map<std::string, int64_t> out;
  for (const TableRows& t : tables) out[t.table] = t.rows;
  return out;
}

std::vector<std::string> FilesIn(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) out.push_back(entry.path().filename());
  return out;
}

TEST(Backup, TakenWhileAWriterCommitsAndRestoredIntoAFreshDatabase) {
  TestDeployment env;
  env.AddUser("director_a", Role::kChildDirector, kVillageA);
  Writer writer(env);
  ASSERT_TRUE(writer.WaitForCommitted(20)) << writer.error();

  TempDir backups;
  const std::string backup_file = (backups.path() / "tongan-backup.db").string();
  const std::vector<int64_t> before_backup = writer.CommittedIds();
  int64_t commits_during_backup = 0;
  bool waited = false;
  const auto started = Clock::now();
  const BackupReport report = BackupDatabase(env.db.location(), backup_file, [&](int64_t, int64_t) {
    // Writers go on committing while the backup holds its snapshot: wait for some once.
    if (std::exchange(waited, true)) return;
    const int64_t at = writer.committed();
    EXPECT_TRUE(writer.WaitForCommitted(at + 5)) << "a writer was blocked by the backup: " << writer.error();
    commits_during_backup = writer.committed() - at;
  });
  const double backup_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  writer.Stop();
  ASSERT_TRUE(writer.error().empty()) << writer.error();
  EXPECT_GE(commits_during_backup, 5);
  EXPECT_EQ(report.online_sqlite, !env.db.postgres());
  std::cout << "backup of " << before_backup.size() << "+ children in " << backup_seconds << " s, "
            << report.bytes << " bytes; " << commits_during_backup << " commits while it ran\n";

  // The file is complete and self-contained, and holds what the report says.
  EXPECT_EQ(SqliteIntegrityCheck(backup_file), "ok");
  EXPECT_FALSE(std::filesystem::exists(backup_file + "-wal"));
  EXPECT_EQ(FilesIn(backups.path()), std::vector<std::string>{"tongan-backup.db"}) << "no partial file left";
  EXPECT_EQ(report.bytes, static_cast<int64_t>(std::filesystem::file_size(backup_file)));
  const auto reported = ByTable(report.tables);
  EXPECT_EQ(ByTable(SqliteTableRows(backup_file)), reported);
  ASSERT_TRUE(reported.count("children"));
  EXPECT_FALSE(reported.count("schema_migrations"));
  EXPECT_GE(reported.at("children"), static_cast<int64_t>(before_backup.size()));
  EXPECT_LE(reported.at("children"), writer.committed());
  EXPECT_EQ(reported.at("users"), 1);
  if (!report.online_sqlite) {
    for (const TableCopy& t : report.copied) EXPECT_TRUE(t.checksum_equal && t.source_rows == t.target_rows) << t.table;
  }

  // Restored into an empty database of the backend under test.
  TempDir restored_dir;
  TestDatabase restored(restored_dir.path(), "restored.db");
  const CopyReport restore = RestoreDatabase(backup_file, restored.location());
  ASSERT_TRUE(restore.verified);
  for (const TableCopy& t : restore.tables) {
    EXPECT_TRUE(t.checksum_equal) << t.table;
    ASSERT_TRUE(reported.count(t.table)) << t.table;
    EXPECT_EQ(t.target_rows, reported.at(t.table)) << t.table;
  }
  EXPECT_EQ(restore.tables.size(), report.tables.size());
  const std::set<int64_t> restored_ids = ChildIds(restored);
  EXPECT_EQ(static_cast<int64_t>(restored_ids.size()), reported.at("children"));
  for (int64_t id : before_backup) EXPECT_TRUE(restored_ids.count(id)) << "child " << id << " committed before the backup";
  // The restored database is a working store.
  auto store = OpenStore(restored.location());
  EXPECT_TRUE(store->FindUserByName("director_a").has_value());
  if (!restored.postgres()) {
    EXPECT_EQ(SqliteIntegrityCheck(restored.location()), "ok");
  }
}

TEST(Backup, NeverOverwritesAnExistingFile) {
  TestDeployment env;
  env.AddUser("director_a", Role::kChildDirector, kVillageA);
  TempDir backups;
  const auto backup_file = backups.path() / "existing.db";
  std::ofstream(backup_file) << "an earlier backup";
  EXPECT_THROW(BackupDatabase(env.db.location(), backup_file.string()), std::runtime_error);
  std::ifstream in(backup_file);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "an earlier backup");
  EXPECT_EQ(FilesIn(backups.path()), std::vector<std::string>{"existing.db"}) << "no partial file left";
}

TEST(Backup, RefusesAMissingSourceAndANonTonganFile) {
  TempDir dir;
  EXPECT_THROW(BackupDatabase((dir.path() / "missing.db").string(), (dir.path() / "b.db").string()),
               std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "missing.db")) << "not created by the attempt";
  const std::string other = (dir.path() / "other.db").string();
  sql::OpenSqlite(other)->Exec("CREATE TABLE t (x INTEGER)");
  EXPECT_THROW(BackupDatabase(other, (dir.path() / "b.db").string()), std::runtime_error);
  EXPECT_THROW(RestoreDatabase(other, (dir.path() / "r.db").string()), std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "b.db"));
}

TEST(Backup, RestoreRefusesANonEmptyTargetAndLeavesItAsItWas) {
  TestDeployment source;
  source.AddUser("director_a", Role::kChildDirector, kVillageA);
  source.AddChild(NumberedChild(1));
  TempDir backups;
  const std::string backup_file = (backups.path() / "b.db").string();
  BackupDatabase(source.db.location(), backup_file);

  TestDeployment target;
  target.AddUser("someone_else", Role::kCountyCivilAffairs, "410402");
  EXPECT_THROW(RestoreDatabase(backup_file, target.db.location()), std::runtime_error);
  EXPECT_TRUE(target.d.store->FindUserByName("someone_else").has_value());
  EXPECT_FALSE(target.d.store->FindUserByName("director_a").has_value());
  EXPECT_EQ(target.d.store->CountChildren(), 0);
  EXPECT_EQ(SqliteIntegrityCheck(backup_file), "ok") << "the backup is unharmed";
}

}  // namespace
}  // namespace tongan::testing
