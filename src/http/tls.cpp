#include "http/tls.h"

#include <boost/asio/ssl.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <fstream>
#include <stdexcept>

namespace tongan {
namespace {

namespace ssl = boost::asio::ssl;

// Mozilla's "intermediate" TLS 1.2 list without DHE (no DH parameters are configured); TLS 1.3
// keeps OpenSSL's default suites, which are all AEAD.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

void RequireReadable(const std::string& path, const char* what_zh, const char* what_en) {
  if (path.empty())
    throw std::runtime_error(std::string("启用 TLS 需要同时给出证书链与私钥文件，缺少") + what_zh +
                             " / TLS needs both a certificate chain and a private key file; the " +
                             what_en + " is missing");
  if (!std::ifstream(path))
    throw std::runtime_error(std::string(what_zh) + "不存在或无法读取：" + path + " / " + what_en +
                             " not found or not readable: " + path);
}

}  // namespace

std::unique_ptr<ssl::context> LoadTlsContext(const TlsFiles& files) {
  RequireReadable(files.certificate_chain, "TLS 证书链文件", "TLS certificate chain file");
  RequireReadable(files.private_key, "TLS 私钥文件", "TLS private key file");

  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::no_compression);
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1)
    throw std::runtime_error("无法设置 TLS 协议版本或密码套件 / cannot set the TLS versions or ciphers");

  boost::system::error_code ec;
  context->use_certificate_chain_file(files.certificate_chain, ec);
  if (ec)
    throw std::runtime_error("无法读取 TLS 证书链（应为 PEM 格式）：" + files.certificate_chain +
                             " / cannot load the TLS certificate chain (PEM expected) from " +
                             files.certificate_chain + ": " + ec.message());

  // Without a callback OpenSSL would prompt on the terminal and block the start.
  auto passphrase_asked = std::make_shared<bool>(false);
  context->set_password_callback([passphrase_asked](std::size_t, ssl::context::password_purpose) {
    *passphrase_asked = true;
    return std::string();
  });
  const auto mismatch = [&files] {
    return std::runtime_error("TLS 私钥与证书不匹配：" + files.private_key + " 与 " +
                              files.certificate_chain + " / the TLS private key " + files.private_key +
                              " does not match the certificate " + files.certificate_chain);
  };
  context->use_private_key_file(files.private_key, ssl::context::pem, ec);
  if (ec && *passphrase_asked)
    throw std::runtime_error("TLS 私钥受口令保护，不支持：" + files.private_key +
                             " / the TLS private key is passphrase-protected, which is not supported: " +
                             files.private_key);
  if (ec && ec.category() == boost::asio::error::get_ssl_category() &&
      ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH)
    throw mismatch();
  if (ec)
    throw std::runtime_error("无法读取 TLS 私钥（应为 PEM 格式）：" + files.private_key +
                             " / cannot load the TLS private key (PEM expected) from " +
                             files.private_key + ": " + ec.message());
  // A key of another type than the certificate's loads without complaint; this catches it.
  if (SSL_CTX_check_private_key(native) != 1) throw mismatch();
  return context;
}

}  // namespace tongan
