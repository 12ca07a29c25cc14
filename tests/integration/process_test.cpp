// The real `tongan` binary as an operator runs it: start, serve, stop on SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <regex>

#include "http/client.h"
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

}  // namespace
}  // namespace tongan::testing
