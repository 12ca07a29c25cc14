// The HTTP server (Boost.Beast): JSON API under /api, the built web UI for everything else.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "app/auth.h"
#include "http/router.h"
#include "http/tls.h"

namespace tongan {

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;          // 0: the OS picks one (tests)
  std::string web_dir;           // built front end (index.html); empty: API only
  int threads = 8;               // handlers block on SQLite, so more threads than cores
  size_t max_body_bytes = 1 << 20;
  int read_timeout_seconds = 30; // a client that has not sent its whole request by then is dropped
  size_t max_connections = 2000;
  // Both files set: HTTPS only, every response with Strict-Transport-Security. Start() fails
  // before listening if they do not load.
  TlsFiles tls;
};

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts later, so they wait
// for WaitForSignal() instead of killing the process mid-request. Call first thing in main().
void BlockStopSignals();

class HttpServer {
 public:
  HttpServer(ServerOptions options, const Router& router, AuthService& auth);
  ~HttpServer();

  // Binds and starts serving on background threads; returns the bound port. Throws
  // std::runtime_error when the TLS files do not load, and then does not listen.
  uint16_t Start();
  // Stops accepting, lets requests in flight finish (up to a grace period), then returns.
  void Stop();
  // Blocks until SIGTERM or SIGINT, then Stop()s. Call BlockStopSignals() first.
  void WaitForSignal();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tongan
