// The real `tongan` binary as an operator runs it: start, serve, stop on SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <regex>

#include "http/client.h"
#include "store/store.h"
#include "support/test_deployment.h"

namespace tongan::testing {
namespace {

struct RunningServer {
  pid_t pid = -1;
  FILE* out = nullptr;
  uint16_t port = 0;
};

// Starts `tongan serve` on a port the OS picks and reads stdout up to its "listening on" line.
RunningServer StartServer(const std::string& db) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  RunningServer s;
  s.pid = fork();
  if (s.pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    const std::string data = std::string(TONGAN_SOURCE_DIR) + "/data";
    execl(TONGAN_BINARY, TONGAN_BINARY, "serve", "--db", db.c_str(), "--data", data.c_str(),
          "--listen", "127.0.0.1:0", "--web", "", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  s.out = fdopen(fds[0], "r");
  char line[512];
  const std::regex listening(R"(listening on http://127\.0\.0\.1:(\d+))");
  while (std::fgets(line, sizeof line, s.out)) {
    std::cmatch m;
    if (std::regex_search(line, m, listening)) {
      s.port = static_cast<uint16_t>(std::stoi(m[1]));
      break;
    }
  }
  return s;
}

TEST(Process, ServesAndStopsGracefullyOnSigterm) {
  TempDir dir;
  TestDatabase database(dir.path());
  RunningServer server = StartServer(database.location());
  ASSERT_NE(server.port, 0) << "server printed its port";
  HttpClient client("127.0.0.1", server.port);
  const auto res = client.Get("/api/me");
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(res.Json()["error"]["code"], "unauthenticated");

  ASSERT_EQ(kill(server.pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(server.pid, &status, 0), server.pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  char line[256];
  bool stopped = false;
  while (std::fgets(line, sizeof line, server.out)) stopped = stopped || std::string(line).find("tongan stopped") != std::string::npos;
  EXPECT_TRUE(stopped);
  std::fclose(server.out);
}

// Runs the binary with `args` (after `env`'s settings, if any) and returns its exit code and
// what it printed (stdout and stderr).
std::pair<int, std::string> RunTongan(const std::string& args, const std::string& env = "") {
  const std::string command = env + " " + TONGAN_BINARY + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) out += buffer;
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(Process, AuditVerifyReportsTheHeadAndFailsOnATamperedRow) {
  TempDir dir;
  TestDatabase database(dir.path());
  {
    const auto store = OpenStore(database.location());
    for (int i = 1; i <= 4; ++i)
      store->AppendAudit({{"", i, "u" + std::to_string(i), "child.read", "child:1", "", "ok", "127.0.0.1"}});
  }
  const std::string db = "'" + database.location() + "'";
  const auto [intact, intact_out] = RunTongan("audit verify --db " + db);
  EXPECT_EQ(intact, 0) << intact_out;
  EXPECT_NE(intact_out.find("4 条记录"), std::string::npos) << intact_out;
  EXPECT_NE(intact_out.find(OpenStore(database.location())->VerifyAuditChain().head_hash), std::string::npos);
  auto raw = database.Connect();
  raw->Exec(std::string("DROP TRIGGER audit_log_no_update") + (database.postgres() ? " ON audit_log" : ""));
  raw->Exec("UPDATE audit_log SET result = 'denied' WHERE id = 2");
  const auto [broken, broken_out] = RunTongan("audit verify --db " + db);
  EXPECT_EQ(broken, 1) << broken_out;
  EXPECT_NE(broken_out.find("第 2 号记录"), std::string::npos) << broken_out;
}

TEST(Process, BackupSaysTheCopyIsSealedExactlyWhenTheDatabaseIs) {
  TempDir dir;
  const std::string plain = (dir.path() / "plain.db").string(), sealed = (dir.path() / "sealed.db").string();
  OpenStore(plain, std::nullopt);
  OpenStore(sealed);  // sealed under the test key
  const std::string sealed_note = "仍为密文";
  // A key in the environment does not make a plain database's backup sealed ...
  const auto [plain_code, plain_out] = RunTongan("backup --db '" + plain + "' --to '" + plain + ".bak'");
  EXPECT_EQ(plain_code, 0) << plain_out;
  EXPECT_EQ(plain_out.find(sealed_note), std::string::npos) << plain_out;
  // ... and a sealed database's backup is sealed though backing up needs no key.
  const auto [sealed_code, sealed_out] =
      RunTongan("backup --db '" + sealed + "' --to '" + sealed + ".bak'", "env -u TONGAN_DATA_KEY");
  EXPECT_EQ(sealed_code, 0) << sealed_out;
  EXPECT_NE(sealed_out.find(sealed_note), std::string::npos) << sealed_out;
}

}  // namespace
}  // namespace tongan::testing
