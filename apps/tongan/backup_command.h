// `tongan backup` and `tongan restore`: what the operator sees of src/store/backup.h.
#pragma once

#include <string>

namespace tongan {

// Online backup of the deployment at `location` into the new SQLite file `backup_file`; prints
// progress, rows per table and the integrity verdict. 0 when the backup was written and checked.
int RunBackupCommand(const std::string& location, const std::string& backup_file);

// Restores `backup_file` into the empty database at `location`; prints each table's counts and
// checksum verdict. 0 only when every table was verified and the copy committed.
int RunRestoreCommand(const std::string& backup_file, const std::string& location);

}  // namespace tongan
