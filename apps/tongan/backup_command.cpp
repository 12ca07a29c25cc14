#include "backup_command.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>

#include "store/backup.h"
#include "store/store.h"
#include "store/sql_db.h"

namespace tongan {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point started) {
  return std::chrono::duration<double>(Clock::now() - started).count();
}

// Pads to `columns` terminal columns (a CJK character is two columns but three UTF-8 bytes).
std::string Pad(const std::string& text, size_t columns) {
  size_t used = 0;
  for (unsigned char c : text) {
    if (c < 0x80) used += 1;
    else if (c >= 0xE0) used += 2;
  }
  return text + std::string(used < columns ? columns - used : 1, ' ');
}

void PrintCopiedTable(const TableCopy& t, bool& header) {
  if (!std::exchange(header, true))
    std::printf("%s%s源   %s校验和\n", Pad("表", 26).c_str(), std::string(10, ' ').c_str(), Pad("目标", 12).c_str());
  std::printf("%-26s%12lld → %-12lld%s\n", t.table.c_str(), static_cast<long long>(t.source_rows),
              static_cast<long long>(t.target_rows),
              t.source_rows == t.target_rows && t.checksum_equal ? "一致" : "不一致");
  std::fflush(stdout);
}

}  // namespace

int RunBackupCommand(const std::string& location, const std::string& backup_file) {
  const auto started = Clock::now();
  const bool postgres = sql::IsPostgresUri(location);
  std::printf("在线备份 %s → %s（%s，服务可继续运行）\n", sql::RedactedLocation(location).c_str(),
              backup_file.c_str(), postgres ? "PostgreSQL 一致性快照逐表复制" : "SQLite 在线备份");
  std::fflush(stdout);
  int last_tenth = -1;
  const BackupReport report = BackupDatabase(location, backup_file, [&](int64_t done, int64_t total) {
    if (total <= 0) return;  // PostgreSQL: the tables are listed below
    const int tenth = static_cast<int>(done * 10 / total);
    if (tenth == last_tenth) return;
    last_tenth = tenth;
    std::printf("  已复制 %lld / %lld 页（%d%%）\n", static_cast<long long>(done), static_cast<long long>(total),
                tenth * 10);
    std::fflush(stdout);
  });
  long long rows = 0;
  if (report.online_sqlite) {
    std::printf("%s%12s\n", Pad("表", 26).c_str(), "行数");
    for (const TableRows& t : report.tables) {
      std::printf("%-26s%12lld\n", t.table.c_str(), static_cast<long long>(t.rows));
      rows += t.rows;
    }
  } else {
    bool header = false;
    for (const TableCopy& t : report.copied) PrintCopiedTable(t, header);
    for (const TableRows& t : report.tables) rows += t.rows;
  }
  std::printf("备份完成：%s，%.1f MiB，%zu 张表共 %lld 行；完整性检查（integrity_check）通过%s。用时 %.1f 秒\n",
              backup_file.c_str(), static_cast<double>(report.bytes) / (1 << 20), report.tables.size(), rows,
              report.online_sqlite ? "，各表行数与备份开始时的源库快照一致" : "，各表行数与校验和与源库一致",
              SecondsSince(started));
  if (DatabaseIsSealed(location))
    std::printf("备份中的身份证号、电话和住址仍为密文：恢复和读取时需要同一数据密钥（密钥不在备份中，请另行保管）\n");
  return 0;
}

int RunRestoreCommand(const std::string& backup_file, const std::string& location) {
  const auto started = Clock::now();
  std::printf("从备份 %s 恢复到 %s（目标须为空库）\n", backup_file.c_str(), sql::RedactedLocation(location).c_str());
  std::fflush(stdout);
  bool header = false;
  const CopyReport report =
      RestoreDatabase(backup_file, location, [&header](const TableCopy& t) { PrintCopiedTable(t, header); });
  long long source_rows = 0, target_rows = 0;
  for (const TableCopy& t : report.tables) source_rows += t.source_rows, target_rows += t.target_rows;
  if (report.verified) {
    std::printf("恢复完成：%zu 张表，共 %lld 行 → %lld 行，行数与逐行校验和全部一致，已提交。用时 %.1f 秒\n",
                report.tables.size(), source_rows, target_rows, SecondsSince(started));
    return 0;
  }
  std::fprintf(stderr, "校验未通过：有表的行数或校验和不一致，目标库已回滚，未写入任何数据。用时 %.1f 秒\n",
               SecondsSince(started));
  return 1;
}

}  // namespace tongan
