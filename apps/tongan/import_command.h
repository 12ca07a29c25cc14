// `tongan import`: one department file through the same path as the upload page.
#pragma once

#include <string>

#include "app/deployment.h"

namespace tongan {

struct ImportCommandOptions {
  std::string profile;
  std::string file;
  std::string username;      // whose import it is (region and audit)
  std::string rejected_out;  // optional: write rejected rows here (.csv or .xlsx)
};

// Prints the summary; returns 0 when the file was imported (even with rejected rows), 1 when the
// whole file was refused.
int RunImportCommand(Deployment& deployment, const ImportCommandOptions& options);

}  // namespace tongan
