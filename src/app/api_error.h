// An error meant for the API caller: HTTP status, machine code, Chinese message, offending field.
#pragma once

#include <stdexcept>
#include <string>

namespace tongan {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, std::string message_zh, std::string field = "")
      : std::runtime_error(message_zh),
        status_(status),
        code_(std::move(code)),
        field_(std::move(field)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }

 private:
  int status_;
  std::string code_;
  std::string field_;
};

}  // namespace tongan
