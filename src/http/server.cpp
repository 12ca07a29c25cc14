#include "http/server.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <type_traits>
#include <vector>

#include "app/api_error.h"
#include "app/request_body.h"
#include "http/client.h"

namespace tongan {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using nlohmann::json;

constexpr size_t kMaxHeaderBytes = 16 * 1024;
constexpr int kTlsShutdownSeconds = 5;

json ErrorBody(const std::string& code, const std::string& message, const std::string& field = "") {
  json error = {{"code", code}, {"message", message}};
  if (!field.empty()) error["field"] = field;
  return {{"error", error}};
}


std::string ContentType(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".ttf") return "font/ttf";
  return "application/octet-stream";
}

}  // namespace

struct HttpServer::Impl {
  ServerOptions options;
  const Router& router;
  AuthService& auth;
  net::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::vector<std::thread> threads;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> connections{0};
  std::filesystem::path web_root;
  std::unique_ptr<net::ssl::context> tls;  // set when serving HTTPS

  Impl(ServerOptions o, const Router& r, AuthService& a) : options(std::move(o)), router(r), auth(a) {}

  class SessionBase;
  template <class Stream>
  class Session;
  std::mutex sessions_mutex;
  std::set<std::shared_ptr<SessionBase>> sessions;

  http::response<http::string_body> Handle(const http::request<http::string_body>& req,
                                           const std::string& remote);
  ApiResponse HandleApi(const http::request<http::string_body>& req, const std::string& remote);
  http::response<http::string_body> ServeStatic(const http::request<http::string_body>& req);
  void Accept();
};

// What Stop() needs of a session, whichever stream it runs on.
class HttpServer::Impl::SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void Start() = 0;
  // Closes the connection if it is waiting for a request; a busy one closes after its response.
  virtual void CloseIfIdle() = 0;
};

// One connection: plain (beast::tcp_stream) or TLS (beast::ssl_stream over it).
template <class Stream>
class HttpServer::Impl::Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  Session(Stream stream, Impl& server) : stream_(std::move(stream)), server_(server) {
    boost::system::error_code ec;
    const auto endpoint = Tcp().socket().remote_endpoint(ec);
    remote_ = ec ? "" : endpoint.address().to_string();
  }

  void Start() override {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) self->Handshake();
      else self->Read();
    });
  }

  void CloseIfIdle() override {
    net::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (!self->busy_) self->Tcp().socket().close();
    });
  }

 private:
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  // Under the read timeout, so a client that stalls the handshake is dropped like a slow request.
  // A plain-HTTP request fails here and the connection closes without an answer.
  void Handshake() {
    Tcp().expires_after(std::chrono::seconds(server_.options.read_timeout_seconds));
    stream_.async_handshake(net::ssl::stream_base::server,
                            [self = this->shared_from_this()](beast::error_code ec) {
                              if (ec) return self->Close();
                              self->handshake_done_ = true;
                              self->Read();
                            });
  }

  void Read() {
    // Stopping: a connection that finished its response after Stop() looked for idle ones closes
    // here rather than wait for the drain deadline.
    if (server_.stopping) return Close();
    parser_.emplace();
    parser_->body_limit(server_.options.max_body_bytes);
    parser_->header_limit(kMaxHeaderBytes);
    Tcp().expires_after(std::chrono::seconds(server_.options.read_timeout_seconds));
    busy_ = false;
    http::async_read_header(stream_, buffer_, *parser_, [self = this->shared_from_this()](
                                                            beast::error_code ec, size_t) {
      self->OnHeader(ec);
    });
  }

  // The body limit depends on the route: file uploads may be larger than JSON requests, and get
  // more time to arrive.
  void OnHeader(beast::error_code ec) {
    if (ec) return OnRead(ec);
    const auto& req = parser_->get();
    const std::string target(req.target());
    std::map<std::string, std::string> ignored;
    bool path_known = false;
    const Route* route = server_.router.Match(std::string(req.method_string()),
                                              target.substr(0, target.find('?')), &ignored,
                                              &path_known);
    if (route && route->max_body > server_.options.max_body_bytes) {
      parser_->body_limit(route->max_body);
      Tcp().expires_after(std::chrono::seconds(server_.options.read_timeout_seconds * 10));
    }
    http::async_read(stream_, buffer_, *parser_, [self = this->shared_from_this()](
                                                     beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    busy_ = true;
    if (ec == http::error::body_limit) {
      SendError(413, "body_too_large", "请求体过大");
      return;
    }
    if (ec == http::error::header_limit) {
      SendError(431, "header_too_large", "请求头过大");
      return;
    }
    if (ec) {
      // Timeouts, resets and malformed requests: a malformed one gets an answer, others just close.
      if (ec.category() == make_error_code(http::error::end_of_stream).category() &&
          ec != http::error::end_of_stream)
        SendError(400, "bad_request", "HTTP 请求格式错误");
      else
        Close();
      return;
    }
    auto response = server_.Handle(parser_->get(), remote_);
    response.keep_alive(parser_->get().keep_alive() && !server_.stopping);
    Send(std::move(response));
  }

  void SendError(int status, const std::string& code, const std::string& message) {
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.body() = ErrorBody(code, message).dump();
    res.keep_alive(false);
    res.prepare_payload();
    Send(std::move(res));
  }

  void Send(http::response<http::string_body> res) {
    // A browser that reached the server over HTTPS then refuses plain HTTP to it for a year.
    if constexpr (kTls) res.set(http::field::strict_transport_security, "max-age=31536000");
    auto response = std::make_shared<http::response<http::string_body>>(std::move(res));
    Tcp().expires_after(std::chrono::seconds(server_.options.read_timeout_seconds));
    http::async_write(stream_, *response,
                      [self = this->shared_from_this(), response](beast::error_code ec, size_t) {
                        if (ec || !response->keep_alive()) return self->Close();
                        self->Read();
                      });
  }

  // TLS: sends close_notify and waits briefly for the client's before closing, so the client can
  // tell the end of the connection from a truncation.
  void Close() {
    if (closing_) return;
    closing_ = true;
    if constexpr (kTls) {
      if (handshake_done_ && Tcp().socket().is_open()) {
        Tcp().expires_after(
            std::chrono::seconds(std::min(server_.options.read_timeout_seconds, kTlsShutdownSeconds)));
        stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->Release(); });
        return;
      }
    }
    Release();
  }

  void Release() {
    beast::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    Tcp().socket().close(ignored);
    --server_.connections;
    std::lock_guard lock(server_.sessions_mutex);
    server_.sessions.erase(this->shared_from_this());
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Impl& server_;
  std::string remote_;
  bool busy_ = false;
  bool closing_ = false;
  bool handshake_done_ = false;
};

void HttpServer::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!stopping && ec != net::error::operation_aborted) Accept();
      return;
    }
    if (connections >= options.max_connections) {
      socket.close();  // shed load rather than fall over
    } else {
      ++connections;
      using TlsStream = beast::ssl_stream<beast::tcp_stream>;
      std::shared_ptr<SessionBase> session;
      if (tls) {
        // TLS 1.3 session tickets go out in their own small write just before the first response;
        // with Nagle's algorithm that response then waits for the client's delayed ACK (~40 ms).
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        session = std::make_shared<Session<TlsStream>>(TlsStream(std::move(socket), *tls), *this);
      } else {
        session = std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), *this);
      }
      {
        std::lock_guard lock(sessions_mutex);
        sessions.insert(session);
      }
      session->Start();
    }
    Accept();
  });
}

ApiResponse HttpServer::Impl::HandleApi(const http::request<http::string_body>& req,
                                        const std::string& remote) {
  const std::string target(req.target());
  const size_t question = target.find('?');
  ApiRequest api;
  api.method = std::string(req.method_string());
  api.path = target.substr(0, question);
  if (question != std::string::npos) api.query = ParseQuery(std::string_view(target).substr(question + 1));
  api.remote = remote;

  bool path_known = false;
  const Route* route = router.Match(api.method, api.path, &api.params, &path_known);
  if (!route) {
    if (path_known) return {405, ErrorBody("method_not_allowed", "不支持该请求方法")};
    return {404, ErrorBody("not_found", "接口不存在")};
  }
  const auto auth_header = req[http::field::authorization];
  if (auth_header.starts_with("Bearer ")) api.bearer_token = std::string(auth_header.substr(7));
  if (route->needs_login) {
    auto user = auth.Authenticate(api.bearer_token);
    if (!user) return {401, ErrorBody("unauthenticated", "未登录或登录已过期，请重新登录")};
    if (user->must_change_password && !route->before_password_change)
      return {403, ErrorBody("password_change_required", "请先修改初始密码")};
    api.ctx = RequestContext{std::move(*user), remote};
  }
  if (route->raw_body) {
    api.raw_body = req.body();
  } else if (!req.body().empty()) {
    if (!JsonNestingWithin(req.body()))
      return {400, ErrorBody("bad_json", "请求体 JSON 嵌套过深")};
    api.body = json::parse(req.body(), nullptr, /*allow_exceptions=*/false);
    if (api.body.is_discarded()) return {400, ErrorBody("bad_json", "请求体不是有效的 JSON")};
  }
  try {
    return route->handler(api);
  } catch (const ApiError& e) {
    return {e.status(), ErrorBody(e.code(), e.what(), e.field())};
  } catch (const json::exception& e) {
    return {400, ErrorBody("invalid_field", "请求字段类型不正确")};
  }
}

http::response<http::string_body> HttpServer::Impl::Handle(const http::request<http::string_body>& req,
                                                          const std::string& remote) {
  const bool api = req.target().starts_with("/api/") || req.target() == "/api";
  if (!api) return ServeStatic(req);
  ApiResponse result;
  try {
    result = HandleApi(req, remote);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "internal error on %s %s: %s\n", std::string(req.method_string()).c_str(),
                 std::string(req.target()).c_str(), e.what());
    result = {500, ErrorBody("internal", "服务器内部错误，请稍后重试")};
  }
  http::response<http::string_body> res{static_cast<http::status>(result.status), req.version()};
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  if (result.file) {
    res.set(http::field::content_type, result.file->content_type);
    res.set(http::field::content_disposition,
            "attachment; filename*=UTF-8''" + UrlEncode(result.file->file_name));
    res.body() = std::move(result.file->bytes);
  } else {
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.body() = result.body.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  res.prepare_payload();
  return res;
}

http::response<http::string_body> HttpServer::Impl::ServeStatic(const http::request<http::string_body>& req) {
  http::response<http::string_body> res{http::status::ok, req.version()};
  const auto fail = [&](http::status status, const char* text) {
    res.result(status);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = text;
    res.prepare_payload();
    return res;
  };
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return fail(http::status::method_not_allowed, "不支持该请求方法");
  if (web_root.empty()) return fail(http::status::not_found, "未配置前端页面目录");
  std::string path = PercentDecode(std::string(req.target().substr(0, req.target().find('?'))), false);
  if (path.find("..") != std::string::npos || path.find('\0') != std::string::npos)
    return fail(http::status::bad_request, "路径无效");
  std::filesystem::path file = web_root / std::filesystem::path(path).relative_path();
  std::error_code ec;
  // Unknown paths are routes of the single-page app: answer with its index.
  if (path == "/" || !std::filesystem::is_regular_file(file, ec)) file = web_root / "index.html";
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(http::status::not_found, "页面不存在");
  std::ostringstream content;
  content << in.rdbuf();
  res.set(http::field::content_type, ContentType(file));
  // Built assets carry a content hash in their names; index.html must always be fresh.
  res.set(http::field::cache_control, file.filename() == "index.html" ? "no-cache" : "public, max-age=31536000, immutable");
  res.body() = content.str();
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();
  return res;
}

HttpServer::HttpServer(ServerOptions options, const Router& router, AuthService& auth)
    : impl_(std::make_unique<Impl>(std::move(options), router, auth)) {}

HttpServer::~HttpServer() { Stop(); }

uint16_t HttpServer::Start() {
  Impl& s = *impl_;
  if (!s.options.web_dir.empty()) s.web_root = std::filesystem::absolute(s.options.web_dir);
  if (s.options.tls.enabled()) s.tls = LoadTlsContext(s.options.tls);
  const tcp::endpoint endpoint(net::ip::make_address(s.options.address), s.options.port);
  s.acceptor.open(endpoint.protocol());
  s.acceptor.set_option(net::socket_base::reuse_address(true));
  s.acceptor.bind(endpoint);
  s.acceptor.listen(net::socket_base::max_listen_connections);
  s.Accept();
  for (int i = 0; i < s.options.threads; ++i) s.threads.emplace_back([&s] { s.ioc.run(); });
  return s.acceptor.local_endpoint().port();
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  if (s.threads.empty()) return;
  s.stopping = true;
  net::post(s.ioc, [&s] {
    beast::error_code ignored;
    s.acceptor.close(ignored);
  });
  {
    std::lock_guard lock(s.sessions_mutex);
    for (const auto& session : s.sessions) session->CloseIfIdle();
  }
  // Requests in flight finish; the io_context runs out of work when the last connection closes.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (s.connections > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
}

namespace {
sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}
}  // namespace

void BlockStopSignals() {
  const sigset_t set = StopSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void HttpServer::WaitForSignal() {
  const sigset_t set = StopSignals();
  int signal = 0;
  sigwait(&set, &signal);
  Stop();
}

}  // namespace tongan
