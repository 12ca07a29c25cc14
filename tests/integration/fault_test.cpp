// kill -9 against the real binary: during a large import, and during heavy writes to the server.
// Whatever the moment, what was committed (acknowledged) is there afterwards, the database passes
// its integrity check, and no import batch is left half stored.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <mutex>
#include <regex>
#include <thread>

#include "app/auth.h"
#include "core/child_json.h"
#include "http/client.h"
#include "ingest/table.h"
#include "store/backup.h"
#include "store/field_cipher.h"
#include "store/sql_db.h"
#include "store/sql_internal.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

const std::string kDataDir = std::string(TONGAN_SOURCE_DIR) + "/data";

// `tongan …` as a child process with its stdout (and stderr) read line by line.
class TonganProcess {
 public:
  explicit TonganProcess(std::vector<std::string> args) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      dup2(fds[1], STDERR_FILENO);
      std::vector<char*> argv{const_cast<char*>(TONGAN_BINARY)};
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(TONGAN_BINARY, argv.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
  }
  ~TonganProcess() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      Wait();
    }
    close(out_);
  }

  // Reads lines until one contains `text` (returned) or the deadline or EOF passes ("" then).
  std::string WaitForLine(const std::string& text, std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    for (;;) {
      for (size_t end; (end = pending_.find('\n')) != std::string::npos;) {
        std::string line = pending_.substr(0, end);
        pending_.erase(0, end + 1);
        output_ += line + "\n";
        if (line.find(text) != std::string::npos) return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return "";
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buffer[4096];
      const ssize_t n = read(out_, buffer, sizeof buffer);
      if (n <= 0) return "";
      pending_.append(buffer, static_cast<size_t>(n));
    }
  }

  void Kill9() { ASSERT_EQ(kill(pid_, SIGKILL), 0); }
  void Terminate() { ASSERT_EQ(kill(pid_, SIGTERM), 0); }

  // Waits for the exit; the raw waitpid status.
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    WaitForLine("\x01", std::chrono::seconds(5));  // drain what it printed, for messages
    return status;
  }
  const std::string& output() const { return output_; }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool reaped_ = false;
  std::string pending_, output_;
};

// A child whose ID number is its own for every `n` below ~2.6 million (`county` tells sets apart).
Child NumberedChild(const std::string& name, const std::string& county, int n) {
  Child c = MakeChild(name, kVillageA, n);
  c.birth_date = Date{std::chrono::year(2010 + n / 336 % 8), std::chrono::month(1 + n / 28 % 12),
                      std::chrono::day(1 + n % 28)};
  const std::string birth = FormatIsoDate(c.birth_date);
  const int sequence = n / 2688 % 1000;
  c.id_number = MakeId(county, birth.substr(0, 4) + birth.substr(5, 2) + birth.substr(8, 2), sequence);
  c.sex = sequence % 2 == 1 ? Sex::kMale : Sex::kFemale;
  return c;
}

std::string ChineseName(int n) {
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"};
  static const char* kGiven[] = {"浩然", "子涵", "欣怡", "梓轩", "雨桐", "宇航", "思琪", "俊杰", "佳怡", "明轩",
                                 "诗涵", "博文", "一诺", "子墨", "可馨", "天佑"};
  return std::string(kSurnames[n % 12]) + kGiven[n / 12 % 16] + (n % 7 == 0 ? "儿" : "");
}

int64_t Count(sql::Connection& db, const std::string& query) {
  auto s = db.Prepare(query);
  s.Step();
  return s.Int(0);
}

// A batch is whole when every row the file had is accounted for (rows_total = loaded + rejected +
// duplicate), the stored rows are exactly rows_loaded loaded and rows_rejected rejected ones, and
// every loaded row has its automatic link and at least one link event. Anything else (a batch row
// with fewer rows, rows without links) is a half-imported batch. Returns what is wrong, "" if all
// batches in the database are whole and no row or link lies outside a batch.
std::string HalfImportedBatches(sql::Connection& db) {
  std::string problems;
  auto batches = db.Prepare("SELECT id, rows_total, rows_loaded, rows_rejected, rows_duplicate FROM import_batches");
  std::vector<std::array<int64_t, 5>> all;
  while (batches.Step())
    all.push_back({batches.Int(0), batches.Int(1), batches.Int(2), batches.Int(3), batches.Int(4)});
  int64_t rows_in_batches = 0, loaded_in_batches = 0;
  for (const auto& [id, total, loaded, rejected, duplicate] : all) {
    const std::string b = std::to_string(id);
    const int64_t stored_loaded = Count(db, "SELECT count(*) FROM source_records WHERE batch_id = " + b + " AND status = 'loaded'");
    const int64_t stored_rejected = Count(db, "SELECT count(*) FROM source_records WHERE batch_id = " + b + " AND status = 'rejected'");
    const int64_t links = Count(db, "SELECT count(*) FROM record_links l JOIN source_records r ON r.id = l.source_record_id "
                                    "WHERE r.batch_id = " + b + " AND r.status = 'loaded'");
    const int64_t unlinked_events = Count(db, "SELECT count(*) FROM source_records r WHERE r.batch_id = " + b +
                                              " AND r.status = 'loaded' AND NOT EXISTS (SELECT 1 FROM link_events e "
                                              "WHERE e.source_record_id = r.id)");
    if (total != loaded + rejected + duplicate) problems += "batch " + b + ": rows_total ≠ loaded+rejected+duplicate; ";
    if (stored_loaded != loaded || stored_rejected != rejected)
      problems += "batch " + b + ": " + std::to_string(stored_loaded) + "/" + std::to_string(stored_rejected) +
                  " rows stored for " + std::to_string(loaded) + "/" + std::to_string(rejected) + "; ";
    if (links != loaded) problems += "batch " + b + ": " + std::to_string(links) + " links for " + std::to_string(loaded) + " loaded rows; ";
    if (unlinked_events != 0) problems += "batch " + b + ": loaded rows without a link event; ";
    rows_in_batches += loaded + rejected;
    loaded_in_batches += loaded;
  }
  if (Count(db, "SELECT count(*) FROM source_records") != rows_in_batches) problems += "rows outside the batches' counts; ";
  if (Count(db, "SELECT count(*) FROM record_links") != loaded_in_batches) problems += "links outside the batches' counts; ";
  return problems;
}

std::string IntegrityProblems(const TestDatabase& db) {
  if (db.postgres()) return "";  // PostgreSQL recovers by its WAL; nothing like integrity_check
  const std::string integrity = SqliteIntegrityCheck(db.location());
  return integrity == "ok" ? "" : integrity;
}

// A department file of `rows` school records: two in three name registry children (some without
// the ID number, as real files are), the rest children the registry lacks; every row distinct.
std::string SchoolFile(const std::vector<Child>& registry, int rows) {
  const std::vector<std::string> header = {"学生姓名", "身份证件号", "性别", "出生日期", "监护人姓名",
                                           "监护人联系电话", "现住址", "学校名称", "年级", "全国学籍号"};
  std::vector<std::vector<std::string>> out;
  out.reserve(rows);
  for (int i = 0; i < rows; ++i) {
    const Child c = i % 3 != 0 ? registry[i % registry.size()] : NumberedChild(ChineseName(i), "410402", i);
    out.push_back({c.name, i % 5 == 1 ? "" : c.id_number, c.sex == Sex::kMale ? "男" : "女",
                   FormatIsoDate(c.birth_date), c.mother.name, c.mother.phone, c.address,
                   "新华区第" + std::to_string(1 + i % 40) + "小学", std::to_string(1 + i % 6) + "年级",
                   "G41040220" + std::to_string(1000000 + i)});
  }
  return ingest::WriteCsv(header, out);
}

TEST(Fault, KillNineDuringAnImportLeavesNoHalfBatch) {
  TempDir dir;
  TestDatabase database(dir.path());
  std::vector<Child> registry;
  {
    Deployment d = OpenDeployment(database.location(), kDataDir);
    d.store->UpsertVillage(kVillageA, "测试甲村");
    User county;
    county.username = county.display_name = "county";
    county.role = Role::kCountyCivilAffairs;
    county.region_code = "410402";
    county.password_hash = "unused";
    d.store->CreateUser(county);
    std::vector<uint32_t> basis;
    for (int n = 0; n < 400; ++n) {
      registry.push_back(NumberedChild(ChineseName(n + 7), "410422", n));
      basis.push_back(ClassBasisOf(registry.back(), d.config));
    }
    d.store->InsertChildrenBulk(registry, basis, {0, "fault-test"});
  }
  constexpr int kRows = 15000;
  const std::string file = (dir.path() / "学籍名单.csv").string();
  std::ofstream(file, std::ios::binary) << SchoolFile(registry, kRows);
  const std::vector<std::string> import_args = {"import", "--db", database.location(), "--data", kDataDir,
                                                "--profile", "jiaoyu_suiqian", "--file", file, "--user", "county"};

  // Killed while linking, then while writing (the line is printed just before the transaction).
  for (const std::string stage : {"正在与儿童底册比对", "正在写入数据库"}) {
    TonganProcess import(import_args);
    ASSERT_NE(import.WaitForLine(stage, std::chrono::seconds(300)), "") << "the import reached " << stage << ":\n"
                                                                      << import.output();
    import.Kill9();
    const int status = import.Wait();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << import.output();

    EXPECT_EQ(IntegrityProblems(database), "") << "after kill -9 at " << stage;
    auto db = database.Connect();
    EXPECT_EQ(HalfImportedBatches(*db), "") << "after kill -9 at " << stage;
    const int64_t batches = Count(*db, "SELECT count(*) FROM import_batches");
    EXPECT_LE(batches, 1);
    std::cout << "kill -9 at “" << stage << "”: " << (batches ? "batch complete" : "no trace of the batch") << ", "
              << Count(*db, "SELECT count(*) FROM source_records") << " rows stored\n";
  }

  // Run again to the end: the file ends up imported exactly once, whole.
  TonganProcess again(import_args);
  const int status = again.Wait();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << again.output();
  auto db = database.Connect();
  EXPECT_EQ(IntegrityProblems(database), "");
  EXPECT_EQ(HalfImportedBatches(*db), "");
  EXPECT_EQ(Count(*db, "SELECT count(*) FROM import_batches"), 1);
  EXPECT_EQ(Count(*db, "SELECT rows_total FROM import_batches"), kRows);
  EXPECT_EQ(Count(*db, "SELECT rows_loaded + rows_rejected FROM import_batches"), kRows);
  EXPECT_GT(Count(*db, "SELECT count(*) FROM record_links WHERE state = 'linked'"), kRows / 3);
}

// Registers children through the API from several clients; remembers every acknowledged one.
class Registrations {
 public:
  Registrations(uint16_t port, const std::string& token, int clients) {
    for (int t = 0; t < clients; ++t)
      threads_.emplace_back([this, port, token, t] {
        HttpClient client("127.0.0.1", port);
        try {
          for (int n = 0; !stop_; ++n) {
            const Child child = NumberedChild("并发登记" + std::to_string(n), "410422", t * 50000 + n);
            const ClientResponse res = client.Post("/api/children", ChildToJson(child), token);
            if (res.status < 200 || res.status >= 300) {
              Fail("HTTP " + std::to_string(res.status) + " " + res.body);
              return;
            }
            std::lock_guard lock(mutex_);
            acknowledged_.emplace_back(res.Json()["id"].get<int64_t>(), child.id_number);
            changed_.notify_all();
          }
        } catch (const std::exception&) {
          // The server is gone (killed): this client stops.
        }
      });
  }
  ~Registrations() {
    stop_ = true;  // only if a failed assertion left the server running
    Join();
  }
  bool WaitFor(size_t count, std::chrono::seconds limit) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return acknowledged_.size() >= count || !error_.empty(); }) &&
           error_.empty();
  }
  void Join() {
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }
  std::vector<std::pair<int64_t, std::string>> acknowledged() {
    std::lock_guard lock(mutex_);
    return acknowledged_;
  }
  std::string error() {
    std::lock_guard lock(mutex_);
    return error_;
  }

 private:
  void Fail(const std::string& message) {
    std::lock_guard lock(mutex_);
    error_ = message;
    changed_.notify_all();
  }
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::pair<int64_t, std::string>> acknowledged_;  // child id, ID number
  std::string error_;
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

uint16_t ListeningPort(TonganProcess& server) {
  const std::string line = server.WaitForLine("listening on", std::chrono::seconds(120));
  std::smatch m;
  if (!std::regex_search(line, m, std::regex(R"(127\.0\.0\.1:(\d+))"))) return 0;
  return static_cast<uint16_t>(std::stoi(m[1]));
}

std::string Login(uint16_t port) {
  HttpClient client("127.0.0.1", port);
  const auto res = client.Post("/api/login", {{"username", "director_a"}, {"password", kPassword}});
  EXPECT_EQ(res.status, 200) << res.body;
  return res.Json().value("token", "");
}

TEST(Fault, KillNineDuringHeavyWritesLosesNoAcknowledgedChild) {
  TempDir dir;
  TestDatabase database(dir.path());
  {
    Deployment d = OpenDeployment(database.location(), kDataDir);
    d.store->UpsertVillage(kVillageA, "测试甲村");
    User director;
    director.username = director.display_name = "director_a";
    director.role = Role::kChildDirector;
    director.region_code = kVillageA;
    director.password_hash = HashPassword(kPassword);
    d.store->CreateUser(director);
  }
  const std::vector<std::string> serve_args = {"serve", "--db", database.location(), "--data", kDataDir,
                                               "--listen", "127.0.0.1:0", "--web", ""};
  constexpr size_t kAcknowledgedBeforeKill = 300;
  std::vector<std::pair<int64_t, std::string>> acknowledged;
  {
    TonganProcess server(serve_args);
    const uint16_t port = ListeningPort(server);
    ASSERT_NE(port, 0) << server.output();
    const std::string token = Login(port);
    ASSERT_FALSE(token.empty());
    Registrations clients(port, token, 4);
    ASSERT_TRUE(clients.WaitFor(kAcknowledgedBeforeKill, std::chrono::seconds(300))) << clients.error();
    server.Kill9();  // with requests in flight on every client
    const int status = server.Wait();
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    clients.Join();
    EXPECT_EQ(clients.error(), "");
    acknowledged = clients.acknowledged();
  }
  ASSERT_GE(acknowledged.size(), kAcknowledgedBeforeKill);

  EXPECT_EQ(IntegrityProblems(database), "");
  size_t found = 0;
  {
    auto db = database.Connect();
    const FieldCipher cipher(DataKey::FromHex(kTestDataKeyHex));  // the key the server ran with
    for (const auto& [id, id_number] : acknowledged) {
      auto s = db->Prepare("SELECT doc FROM children WHERE id = ?");
      s.Bind(1, id);
      if (s.Step() && json::parse(cipher.Open(s.Text(0), sql::kSealedChildDoc)).value("id_number", "") == id_number)
        ++found;
      else ADD_FAILURE() << "acknowledged child " << id << " (" << id_number << ") is missing";
    }
  }
  std::cout << "kill -9 during writes: " << acknowledged.size() << " acknowledged, " << found
            << " found after restart\n";

  // The server starts again on the same database and serves them.
  TonganProcess server(serve_args);
  const uint16_t port = ListeningPort(server);
  ASSERT_NE(port, 0) << server.output();
  HttpClient client("127.0.0.1", port);
  const auto page = client.Get("/api/children?page_size=1", Login(port));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_GE(page.Json()["total"].get<int64_t>(), static_cast<int64_t>(acknowledged.size()));
  server.Terminate();
  const int status = server.Wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << server.output();
}

}  // namespace
}  // namespace tongan::testing
