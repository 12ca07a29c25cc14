// A small blocking HTTP/1.1 client with keep-alive, for tests and benchmarks on loopback.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace tongan {

struct ClientResponse {
  int status = 0;
  std::string body;
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port);
  ~HttpClient();

  // Sends one request, reconnecting once if the kept-alive connection was closed.
  ClientResponse Request(const std::string& method, const std::string& target,
                         const std::string& body = "", const std::string& token = "");
  ClientResponse Get(const std::string& target, const std::string& token = "") {
    return Request("GET", target, "", token);
  }
  ClientResponse Post(const std::string& target, const nlohmann::json& body,
                      const std::string& token = "") {
    return Request("POST", target, body.dump(), token);
  }
  ClientResponse Put(const std::string& target, const nlohmann::json& body,
                     const std::string& token = "") {
    return Request("PUT", target, body.dump(), token);
  }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Percent-encodes a query value (UTF-8 names included).
std::string UrlEncode(const std::string& value);

}  // namespace tongan
