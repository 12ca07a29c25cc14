// SHA-256 as lower-case hex (libsodium): migration checksums, file and row fingerprints.
#pragma once

#include <string>
#include <string_view>

namespace tongan {

std::string Sha256Hex(std::string_view data);

}  // namespace tongan
