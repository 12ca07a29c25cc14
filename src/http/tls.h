// TLS for the server: which files to load and the OpenSSL context built from them.
#pragma once

#include <memory>
#include <string>

// Declared only, so that server.h does not bring OpenSSL's headers everywhere.
namespace boost::asio::ssl {
class context;
}

namespace tongan {

// PEM files. Both empty: plain HTTP.
struct TlsFiles {
  std::string certificate_chain;  // the server certificate first, then its intermediates
  std::string private_key;        // unencrypted: nobody is there to type a passphrase at start-up
  bool enabled() const { return !certificate_chain.empty() || !private_key.empty(); }
};

// A server context that accepts TLS 1.2 and 1.3 only, with forward-secret AEAD ciphers. Throws
// std::runtime_error with a message in Chinese and English when a file is missing, unreadable,
// not PEM, passphrase-protected, or when the key does not match the certificate.
std::unique_ptr<boost::asio::ssl::context> LoadTlsContext(const TlsFiles& files);

}  // namespace tongan
