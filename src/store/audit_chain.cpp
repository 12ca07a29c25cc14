#include "store/audit_chain.h"

#include "store/sha256.h"

namespace tongan {

std::string AuditChainHash(const std::string& previous_hash, int64_t id, const AuditEvent& e) {
  std::string input;
  const auto field = [&input](const std::string& value) {
    input += std::to_string(value.size());
    input += ':';
    input += value;
  };
  field(previous_hash);
  field(std::to_string(id));
  field(e.at);
  field(std::to_string(e.user_id));
  field(e.username);
  field(e.action);
  field(e.target);
  field(e.detail);
  field(e.result);
  field(e.remote);
  return Sha256Hex(input);
}

}  // namespace tongan
