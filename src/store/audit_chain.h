// The audit log's hash chain: each row's hash covers the previous row's hash and every field of
// its own, so editing, deleting or reordering a row breaks every hash after it.
#pragma once

#include <string>

#include "store/store.h"

namespace tongan {

// SHA-256 hex over previous_hash, the row id and the event's fields, each length-prefixed so
// that no two different rows hash the same input.
std::string AuditChainHash(const std::string& previous_hash, int64_t id, const AuditEvent& event);

}  // namespace tongan
