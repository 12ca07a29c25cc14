// `tongan serve --tls-cert … --tls-key …`: HTTPS only, TLS 1.2 at least, HSTS on every answer, and
// no start at all when the files are missing, do not load or do not belong together. Each run
// makes its own self-signed certificate for 127.0.0.1 with the OpenSSL API.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <stdexcept>

#include "http/api_stack.h"
#include "http/server.h"
#include "support/test_deployment.h"

extern char** environ;

namespace tongan::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

const std::string kDataDir = std::string(TONGAN_SOURCE_DIR) + "/data";
constexpr auto kExchangeLimit = std::chrono::seconds(10);

// ---- certificates --------------------------------------------------------------------------

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

Key NewKey() {
  Key key(EVP_EC_gen("P-256"));
  if (!key) throw std::runtime_error("EVP_EC_gen failed");
  return key;
}

// `passphrase` empty: an unencrypted key, as the server needs.
void WriteKey(const std::filesystem::path& file, EVP_PKEY* key, const std::string& passphrase = "") {
  FILE* out = std::fopen(file.c_str(), "w");
  ASSERT_NE(out, nullptr);
  const bool encrypted = !passphrase.empty();
  EXPECT_EQ(PEM_write_PrivateKey(out, key, encrypted ? EVP_aes_256_cbc() : nullptr,
                                 encrypted ? reinterpret_cast<const unsigned char*>(passphrase.data()) : nullptr,
                                 static_cast<int>(passphrase.size()), nullptr, nullptr),
            1);
  std::fclose(out);
}

// A self-signed certificate for 127.0.0.1 (common name and IP subjectAltName), valid for a day.
void WriteCertificate(const std::filesystem::path& file, EVP_PKEY* key) {
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509* x = cert.get();
  X509_set_version(x, 2);  // v3, for the extension
  ASN1_INTEGER_set(X509_get_serialNumber(x), static_cast<long>(Clock::now().time_since_epoch().count() & 0x7fffffff));
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 24 * 3600);
  X509_set_pubkey(x, key);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "IP:127.0.0.1");
  ASSERT_NE(san, nullptr);
  X509_add_ext(x, san, -1);
  X509_EXTENSION_free(san);
  ASSERT_GT(X509_sign(x, key, EVP_sha256()), 0);
  FILE* out = std::fopen(file.c_str(), "w");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(PEM_write_X509(out, x), 1);
  std::fclose(out);
}

struct CertificateFiles {
  std::filesystem::path cert, key;
};

CertificateFiles MakeCertificate(const std::filesystem::path& dir) {
  CertificateFiles files{dir / "server.crt", dir / "server.key"};
  const Key key = NewKey();
  WriteCertificate(files.cert, key.get());
  WriteKey(files.key, key.get());
  return files;
}

// ---- the binary ----------------------------------------------------------------------------

// `tongan …` as a child process, stdout and stderr read together. The environment is the test's
// without any TONGAN_TLS_* variable, plus `env`.
class TonganProcess {
 public:
  TonganProcess(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> environment;
    for (char** e = environ; *e; ++e)
      if (!std::string_view(*e).starts_with("TONGAN_TLS_")) environment.emplace_back(*e);
    for (const auto& [name, value] : env) environment.push_back(name + "=" + value);
    std::vector<char*> argv{const_cast<char*>(TONGAN_BINARY)}, envp;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (std::string& e : environment) envp.push_back(e.data());
    envp.push_back(nullptr);

    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], STDOUT_FILENO);
      dup2(fds[1], STDERR_FILENO);
      execve(TONGAN_BINARY, argv.data(), envp.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fds[0];
  }
  ~TonganProcess() {
    if (!reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_);
  }

  // Reads until the output matches `pattern` (returns the match) or EOF or the deadline.
  std::smatch WaitFor(const std::regex& pattern, std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    std::smatch match;
    while (!std::regex_search(output_, match, pattern) && ReadSome(deadline)) {
    }
    return match;
  }

  // Waits for the exit (killing it after `limit`); the exit code, or -1 if it had to be killed.
  int Exit(std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    while (ReadSome(deadline)) {
    }
    int status = 0;
    if (Clock::now() >= deadline) kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  void Terminate() { ASSERT_EQ(kill(pid_, SIGTERM), 0); }
  const std::string& output() const { return output_; }

 private:
  // False at EOF or the deadline.
  bool ReadSome(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{out_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) return Clock::now() < deadline;
    char buffer[4096];
    const ssize_t n = read(out_, buffer, sizeof buffer);
    if (n <= 0) return false;
    output_.append(buffer, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  bool reaped_ = false;
  std::string output_;
};

std::vector<std::string> ServeArgs(const std::string& db) {
  return {"serve", "--db", db, "--data", kDataDir, "--listen", "127.0.0.1:0", "--web", ""};
}

const std::regex kListeningHttps(R"(listening on https://127\.0\.0\.1:(\d+))");

// ---- clients -------------------------------------------------------------------------------

// A client context that trusts only `cert` and checks that it names 127.0.0.1.
ssl::context TrustingClient(const std::filesystem::path& cert) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.load_verify_file(cert.string());
  ctx.set_verify_mode(ssl::verify_peer);
  return ctx;
}

// Runs the io_context until `done`, at most `limit`: a server that does not answer fails the
// test instead of hanging it.
void RunUntilDone(net::io_context& ioc, const bool& done) {
  ioc.run_for(kExchangeLimit);
  ASSERT_TRUE(done) << "no answer within " << kExchangeLimit.count() << " s";
}

struct HttpsExchange {
  beast::error_code error;  // of the first step that failed
  int tls_version = 0;      // TLS1_2_VERSION, TLS1_3_VERSION
  std::vector<http::response<http::string_body>> responses;
};

// Connects, verifies the certificate, sends each request on the one kept-alive connection and
// reads its response, then shuts TLS down.
HttpsExchange Https(uint16_t port, ssl::context& ctx, std::vector<http::request<http::string_body>> requests) {
  net::io_context ioc;
  TlsStream stream(ioc, ctx);
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(stream.native_handle()), "127.0.0.1");
  HttpsExchange out;
  bool done = false;
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        beast::error_code& ec = out.error;
        auto& tcp_layer = beast::get_lowest_layer(stream);
        tcp_layer.expires_after(kExchangeLimit);  // for the whole exchange
        co_await tcp_layer.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                                         net::redirect_error(net::use_awaitable, ec));
        if (!ec) co_await stream.async_handshake(ssl::stream_base::client, net::redirect_error(net::use_awaitable, ec));
        if (!ec) out.tls_version = SSL_version(stream.native_handle());
        beast::flat_buffer buffer;
        for (auto& req : requests) {
          if (ec) break;
          req.set(http::field::host, "127.0.0.1");
          req.prepare_payload();
          co_await http::async_write(stream, req, net::redirect_error(net::use_awaitable, ec));
          http::response<http::string_body> res;
          if (!ec) co_await http::async_read(stream, buffer, res, net::redirect_error(net::use_awaitable, ec));
          if (!ec) out.responses.push_back(std::move(res));
        }
        if (!ec) {
          beast::error_code ignored;  // the server may close TCP right after its close_notify
          co_await stream.async_shutdown(net::redirect_error(net::use_awaitable, ignored));
        }
        done = true;
      },
      net::detached);
  RunUntilDone(ioc, done);
  return out;
}

http::request<http::string_body> Get(const std::string& target) { return {http::verb::get, target, 11}; }

http::request<http::string_body> Post(const std::string& target, const std::string& body) {
  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::content_type, "application/json");
  req.body() = body;
  return req;
}

// Sends `bytes` over plain TCP and reads until the server closes; what it sent back.
struct PlainExchange {
  beast::error_code close;  // how the read ended: eof or reset when the server closed
  std::string received;
  std::chrono::milliseconds took{};
};

PlainExchange SendPlain(uint16_t port, const std::string& bytes) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  PlainExchange out;
  bool done = false;
  const auto started = Clock::now();
  net::co_spawn(
      ioc,
      [&]() -> net::awaitable<void> {
        beast::error_code ec;
        stream.expires_after(kExchangeLimit);  // for the whole exchange
        co_await stream.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                                      net::redirect_error(net::use_awaitable, ec));
        if (!ec && !bytes.empty())
          co_await net::async_write(stream, net::buffer(bytes), net::redirect_error(net::use_awaitable, ec));
        while (!ec) {
          char chunk[1024];
          const size_t n = co_await stream.async_read_some(net::buffer(chunk), net::redirect_error(net::use_awaitable, ec));
          out.received.append(chunk, n);
        }
        out.close = ec;
        done = true;
      },
      net::detached);
  RunUntilDone(ioc, done);
  out.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  return out;
}

// ---- one HTTPS server for the request tests ----------------------------------------------

class TlsServe : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shared_ = new Shared;
    shared_->files = MakeCertificate(shared_->dir.path());
    std::vector<std::string> args = ServeArgs(shared_->database.location());
    args.insert(args.end(), {"--tls-cert", shared_->files.cert.string(), "--tls-key", shared_->files.key.string()});
    shared_->server = std::make_unique<TonganProcess>(args);
    const std::smatch listening = shared_->server->WaitFor(kListeningHttps, std::chrono::seconds(60));
    if (!listening.empty()) shared_->port = static_cast<uint16_t>(std::stoi(listening[1]));
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(shared_->port, 0) << "server did not start:\n" << shared_->server->output(); }

  static uint16_t port() { return shared_->port; }
  static const CertificateFiles& files() { return shared_->files; }

 private:
  struct Shared {
    TempDir dir;
    TestDatabase database{dir.path()};
    CertificateFiles files;
    std::unique_ptr<TonganProcess> server;
    uint16_t port = 0;
  };
  static Shared* shared_;
};

TlsServe::Shared* TlsServe::shared_ = nullptr;

TEST_F(TlsServe, AnswersOverVerifiedHttpsWithHstsOnKeptAliveConnection) {
  ssl::context ctx = TrustingClient(files().cert);
  const HttpsExchange https =
      Https(port(), ctx, {Get("/api/me"), Post("/api/login", R"({"username":"nobody","password":"Wrong@2026pass"})")});
  ASSERT_FALSE(https.error) << https.error.message();
  ASSERT_EQ(https.responses.size(), 2u);
  EXPECT_EQ(https.responses[0].result_int(), 401);
  EXPECT_NE(https.responses[0].body().find("unauthenticated"), std::string::npos) << https.responses[0].body();
  EXPECT_EQ(https.responses[1].result_int(), 401) << https.responses[1].body();
  for (const auto& res : https.responses)
    EXPECT_EQ(res[http::field::strict_transport_security], "max-age=31536000");
}

TEST_F(TlsServe, StaticAndErrorAnswersCarryHstsToo) {
  ssl::context ctx = TrustingClient(files().cert);
  http::request<http::string_body> oversized = Get("/api/me");
  oversized.set("X-Padding", std::string(20 * 1024, 'x'));  // over the header limit: 431, then closed
  const HttpsExchange https = Https(port(), ctx, {Get("/"), Get("/api/no-such-route"), oversized});
  ASSERT_FALSE(https.error) << https.error.message();
  ASSERT_EQ(https.responses.size(), 3u);
  EXPECT_EQ(https.responses[0].result_int(), 404);  // no web directory configured
  EXPECT_EQ(https.responses[1].result_int(), 404);
  EXPECT_EQ(https.responses[2].result_int(), 431);
  for (const auto& res : https.responses)
    EXPECT_EQ(res[http::field::strict_transport_security], "max-age=31536000");
}

TEST_F(TlsServe, AClientThatDoesNotTrustTheCertificateFailsVerification) {
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_default_verify_paths();  // the system's CAs only
  ctx.set_verify_mode(ssl::verify_peer);
  const HttpsExchange https = Https(port(), ctx, {Get("/api/me")});
  ASSERT_TRUE(https.error);
  EXPECT_EQ(ERR_GET_REASON(static_cast<unsigned long>(https.error.value())), SSL_R_CERTIFICATE_VERIFY_FAILED)
      << https.error.message();
}

TEST_F(TlsServe, PlainHttpToTheTlsPortGetsNoHttpAnswer) {
  const PlainExchange plain = SendPlain(port(), "GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  EXPECT_FALSE(plain.received.starts_with("HTTP/")) << plain.received;
  EXPECT_TRUE(plain.close == net::error::eof || plain.close == net::error::connection_reset)
      << "closed by the server, not by the test's timeout: " << plain.close.message();
}

TEST_F(TlsServe, AcceptsTls12AndTls13) {
  for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    ssl::context ctx = TrustingClient(files().cert);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), version);
    SSL_CTX_set_max_proto_version(ctx.native_handle(), version);
    const HttpsExchange https = Https(port(), ctx, {Get("/api/me")});
    ASSERT_FALSE(https.error) << https.error.message();
    EXPECT_EQ(https.tls_version, version);
    ASSERT_EQ(https.responses.size(), 1u);
    EXPECT_EQ(https.responses[0].result_int(), 401);
  }
}

TEST_F(TlsServe, RefusesAClientThatOffersAtMostTls11) {
  ssl::context ctx = TrustingClient(files().cert);
  // The client's own defaults forbid TLS 1.1 too; lift them so that the refusal is the server's.
  SSL_CTX_set_security_level(ctx.native_handle(), 0);
  SSL_CTX_set_cipher_list(ctx.native_handle(), "DEFAULT:@SECLEVEL=0");
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_1_VERSION);
  const HttpsExchange https = Https(port(), ctx, {Get("/api/me")});
  ASSERT_TRUE(https.error);
  EXPECT_TRUE(https.responses.empty());
  // The server's protocol_version alert, not a client-side refusal to send the hello.
  EXPECT_EQ(ERR_GET_REASON(static_cast<unsigned long>(https.error.value())), SSL_R_TLSV1_ALERT_PROTOCOL_VERSION)
      << https.error.message();
}

TEST_F(TlsServe, RefusesTls12CiphersWithoutForwardSecrecyOrAead) {
  for (const char* cipher : {"ECDHE-ECDSA-AES128-SHA", "AES128-GCM-SHA256"}) {
    ssl::context ctx = TrustingClient(files().cert);
    SSL_CTX_set_security_level(ctx.native_handle(), 0);
    SSL_CTX_set_max_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ASSERT_EQ(SSL_CTX_set_cipher_list(ctx.native_handle(), cipher), 1) << cipher;
    const HttpsExchange https = Https(port(), ctx, {Get("/api/me")});
    ASSERT_TRUE(https.error) << cipher;
    EXPECT_EQ(ERR_GET_REASON(static_cast<unsigned long>(https.error.value())), SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE)
        << cipher << ": " << https.error.message();
  }
}

// ---- start-up ------------------------------------------------------------------------------

class TlsStartup : public ::testing::Test {
 protected:
  // Runs `serve` with these TLS arguments; its exit code and output.
  std::pair<int, std::string> Serve(const std::vector<std::string>& tls_args,
                                    const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> args = ServeArgs(database_.location());
    args.insert(args.end(), tls_args.begin(), tls_args.end());
    TonganProcess process(args, env);
    const int code = process.Exit(std::chrono::seconds(60));
    return {code, process.output()};
  }

  TempDir dir_;
  TestDatabase database_{dir_.path()};
  CertificateFiles files_ = MakeCertificate(dir_.path());
};

TEST_F(TlsStartup, AMissingKeyFileStopsTheStartWithAClearMessage) {
  const std::string missing = (dir_.path() / "missing.key").string();
  const auto [code, out] = Serve({"--tls-cert", files_.cert.string(), "--tls-key", missing});
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("TLS 私钥文件不存在或无法读取：" + missing), std::string::npos) << out;
  EXPECT_NE(out.find("TLS private key file not found or not readable"), std::string::npos) << out;
  EXPECT_EQ(out.find("listening"), std::string::npos) << out;
}

TEST_F(TlsStartup, AKeyOfAnotherCertificateIsRefused) {
  const auto other = dir_.path() / "other.key";
  WriteKey(other, NewKey().get());
  const auto [code, out] = Serve({"--tls-cert", files_.cert.string(), "--tls-key", other.string()});
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("TLS 私钥与证书不匹配"), std::string::npos) << out;
  EXPECT_NE(out.find("does not match the certificate"), std::string::npos) << out;
  EXPECT_EQ(out.find("listening"), std::string::npos) << out;
}

TEST_F(TlsStartup, APassphraseProtectedKeyIsRefusedWithoutPrompting) {
  const auto locked = dir_.path() / "locked.key";
  const Key key = NewKey();
  WriteCertificate(files_.cert, key.get());
  WriteKey(locked, key.get(), "Secret@2026");
  const auto [code, out] = Serve({"--tls-cert", files_.cert.string(), "--tls-key", locked.string()});
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("TLS 私钥受口令保护"), std::string::npos) << out;
  EXPECT_NE(out.find("passphrase-protected"), std::string::npos) << out;
}

TEST_F(TlsStartup, ACertificateFileThatIsNotPemIsRefused) {
  const auto garbage = dir_.path() / "garbage.crt";
  std::ofstream(garbage) << "not a certificate\n";
  const auto [code, out] = Serve({"--tls-cert", garbage.string(), "--tls-key", files_.key.string()});
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("无法读取 TLS 证书链"), std::string::npos) << out;
  EXPECT_NE(out.find("cannot load the TLS certificate chain"), std::string::npos) << out;
}

TEST_F(TlsStartup, OnlyOneOfCertificateAndKeyIsAnError) {
  const auto [cert_only, cert_out] = Serve({"--tls-cert", files_.cert.string()});
  EXPECT_NE(cert_only, 0) << cert_out;
  EXPECT_NE(cert_out.find("--tls-key"), std::string::npos) << cert_out;
  const auto [key_only, key_out] = Serve({"--tls-key", files_.key.string()});
  EXPECT_NE(key_only, 0) << key_out;
  EXPECT_NE(key_out.find("--tls-cert"), std::string::npos) << key_out;
  const auto [env_cert_only, env_out] = Serve({}, {{"TONGAN_TLS_CERT", files_.cert.string()}});
  EXPECT_NE(env_cert_only, 0) << env_out;
  EXPECT_NE(env_out.find("--tls-key"), std::string::npos) << env_out;
  for (const std::string& out : {cert_out, key_out, env_out}) EXPECT_EQ(out.find("listening"), std::string::npos) << out;
}

TEST_F(TlsStartup, ReadsTheFilesFromTheEnvironmentAndStopsGracefullyOnSigterm) {
  TonganProcess server(ServeArgs(database_.location()),
                       {{"TONGAN_TLS_CERT", files_.cert.string()}, {"TONGAN_TLS_KEY", files_.key.string()}});
  const std::smatch listening = server.WaitFor(kListeningHttps, std::chrono::seconds(60));
  ASSERT_FALSE(listening.empty()) << server.output();
  const uint16_t port = static_cast<uint16_t>(std::stoi(listening[1]));
  ssl::context ctx = TrustingClient(files_.cert);
  const HttpsExchange https = Https(port, ctx, {Get("/api/me")});
  ASSERT_FALSE(https.error) << https.error.message();
  EXPECT_EQ(https.responses.at(0).result_int(), 401);

  const auto started = Clock::now();
  server.Terminate();
  EXPECT_EQ(server.Exit(std::chrono::seconds(30)), 0) << server.output();
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(5)) << "no idle connection held the stop";
  EXPECT_NE(server.output().find("tongan stopped"), std::string::npos) << server.output();
}

// ---- the server in-process: TLS and the read timeout ---------------------------------------

class TlsServer : public ::testing::Test {
 protected:
  TestDeployment env_;
  CertificateFiles files_ = MakeCertificate(env_.dir.path());
  ApiStack api_{env_.d};
};

TEST_F(TlsServer, AClientThatStallsTheHandshakeIsDroppedAfterTheReadTimeout) {
  ServerOptions options;
  options.port = 0;
  options.read_timeout_seconds = 1;
  options.tls = {files_.cert.string(), files_.key.string()};
  HttpServer server(options, api_.router, api_.auth);
  const uint16_t port = server.Start();
  const PlainExchange silent = SendPlain(port, "");  // connects, never says hello
  EXPECT_TRUE(silent.received.empty());
  EXPECT_TRUE(silent.close == net::error::eof || silent.close == net::error::connection_reset)
      << silent.close.message();
  EXPECT_GE(silent.took, std::chrono::milliseconds(900));
  EXPECT_LT(silent.took, std::chrono::seconds(5));
  server.Stop();
}

TEST_F(TlsServer, OnlyOneFileIsRefusedAtStartInBothLanguages) {
  ServerOptions options;
  options.port = 0;
  options.tls.certificate_chain = files_.cert.string();
  HttpServer server(options, api_.router, api_.auth);
  try {
    server.Start();
    FAIL() << "started without a key";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("启用 TLS 需要同时给出证书链与私钥文件"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("TLS needs both"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace tongan::testing
