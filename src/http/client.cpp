#include "http/client.h"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

namespace tongan {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpClient::Impl {
  std::string host;
  uint16_t port;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  void Connect() {
    stream.emplace(ioc);
    stream->connect(tcp::endpoint(net::ip::make_address(host), port));
    buffer.clear();
  }

  ClientResponse Send(const http::request<http::string_body>& req) {
    http::write(*stream, req);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(*stream, buffer, parser);
    auto res = parser.release();
    if (!res.keep_alive()) stream.reset();
    return {static_cast<int>(res.result_int()), std::move(res.body())};
  }
};

HttpClient::HttpClient(std::string host, uint16_t port) : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
}

HttpClient::~HttpClient() = default;

ClientResponse HttpClient::Request(const std::string& method, const std::string& target,
                                   const std::string& body, const std::string& token) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, impl_->host);
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.keep_alive(true);
  req.prepare_payload();
  const bool reused = impl_->stream.has_value();
  if (!reused) impl_->Connect();
  try {
    return impl_->Send(req);
  } catch (const boost::system::system_error&) {
    if (!reused) throw;
    impl_->Connect();  // the server closed an idle kept-alive connection
    return impl_->Send(req);
  }
}

std::string UrlEncode(const std::string& value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

}  // namespace tongan
