// tongan: the server and its command-line tools.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <utility>

#include "app/audit_log.h"
#include "app/auth.h"
#include "app/child_service.h"
#include "app/deployment.h"
#include "bench/api_bench.h"
#include "bench/linkage_bench.h"
#include "bench/stats_bench.h"
#include "demo/demo_county.h"
#include "demo/demo_care.h"
#include "demo/department_files.h"
#include "http/api_stack.h"
#include "http/server.h"
#include "backup_command.h"
#include "import_command.h"
#include "store/database_copy.h"
#include "store/field_cipher.h"
#include "store/sql_db.h"

namespace {

using namespace tongan;

struct Listen {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;
};

Listen ParseListen(const std::string& text) {
  Listen l;
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) throw CLI::ValidationError("--listen", "应为 地址:端口，如 127.0.0.1:8080");
  l.address = text.substr(0, colon);
  l.port = static_cast<uint16_t>(std::stoi(text.substr(colon + 1)));
  return l;
}

// Pads to `columns` terminal columns: CJK characters take two columns but three UTF-8 bytes,
// so printf's byte-based widths would misalign the demo logins.
std::string PadColumns(const std::string& text, size_t columns) {
  size_t used = 0;
  for (unsigned char c : text) {
    if (c < 0x80) used += 1;
    else if (c >= 0xE0) used += 2;  // lead byte of a 3- or 4-byte sequence: a wide character
  }
  return text + std::string(used < columns ? columns - used : 1, ' ');
}

// `tongan db copy`: one line per table as it is copied, then the verdict; 0 only when verified.
int RunDatabaseCopy(const std::string& from, const std::string& to) {
  const auto started = std::chrono::steady_clock::now();
  bool header = false;  // printed with the first table, not before a refusal
  const CopyReport report = CopyDatabase(from, to, [&header](const TableCopy& t) {
    if (!std::exchange(header, true))
      std::printf("%s%s源   %s校验\n", PadColumns("表", 26).c_str(), std::string(10, ' ').c_str(),
                  PadColumns("目标", 12).c_str());
    std::printf("%-26s%12lld → %-12lld%s\n", t.table.c_str(), static_cast<long long>(t.source_rows),
                static_cast<long long>(t.target_rows),
                t.source_rows == t.target_rows && t.checksum_equal ? "一致" : "不一致");
    std::fflush(stdout);
  });
  long long source_rows = 0, target_rows = 0;
  for (const TableCopy& t : report.tables) source_rows += t.source_rows, target_rows += t.target_rows;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (report.verified) {
    std::printf("复制完成：%zu 张表，共 %lld 行 → %lld 行，行数与逐行校验和全部一致，已提交。用时 %.1f 秒\n",
                report.tables.size(), source_rows, target_rows, seconds);
    return 0;
  }
  std::fprintf(stderr, "校验未通过：有表的行数或校验和不一致，目标库已回滚，未写入任何数据。用时 %.1f 秒\n", seconds);
  return 1;
}

// `tongan audit verify`: 0 when the chain is intact; prints the head to record elsewhere, since
// cutting rows off the end leaves a shorter chain that still verifies.
int VerifyAuditCommand(Store& store) {
  const AuditChainCheck check = store.VerifyAuditChain();
  if (check.legacy_rows > 0)
    std::printf("哈希链建立之前的记录 %lld 条（不在链中）\n", static_cast<long long>(check.legacy_rows));
  if (check.broken_at != 0) {
    std::fprintf(stderr, "审计日志校验未通过：第 %lld 号记录起哈希链断开——%s。已校验通过 %lld 条\n",
                 static_cast<long long>(check.broken_at), check.problem.c_str(),
                 static_cast<long long>(check.rows - 1));
    return 1;
  }
  if (check.rows == 0) {
    std::printf("审计日志中还没有哈希链记录\n");
    return 0;
  }
  std::printf("审计日志完整：%lld 条记录的哈希链全部一致\n链头：第 %lld 号记录 %s\n"
              "（请把链头另行留存，日后核对时链头应仍在链中，可发现末尾记录被截去）\n",
              static_cast<long long>(check.rows), static_cast<long long>(check.head_id),
              check.head_hash.c_str());
  return 0;
}

// Adds 12-digit villages under known townships; reports each rejected line and goes on.
int ImportVillages(Deployment& d, const std::string& csv) {
  int added = 0, rejected = 0, line_number = 0;
  size_t start = 0;
  while (start < csv.size()) {
    size_t end = csv.find('\n', start);
    if (end == std::string::npos) end = csv.size();
    std::string line = csv.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (line_number == 1 && line.rfind("code", 0) == 0)) continue;
    const size_t comma = line.find(',');
    std::string code = line.substr(0, comma), name = comma == std::string::npos ? "" : line.substr(comma + 1);
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
    const auto level = RegionLevelOfCode(code);
    if (level != RegionLevel::kVillage || name.empty() || !d.regions.Contains(code.substr(0, 9))) {
      std::fprintf(stderr, "第%d行未导入：应为“12位代码,名称”，且前9位为已有乡镇（%s）\n", line_number, line.c_str());
      ++rejected;
      continue;
    }
    d.store->UpsertVillage(code, name);
    ++added;
  }
  std::printf("已导入 %d 个村（社区），%d 行未导入\n", added, rejected);
  return rejected == 0 ? 0 : 2;
}

// The demo seals its data as a deployment should; with no key configured it makes one beside
// the database file (a production key belongs elsewhere: TONGAN_DATA_KEY_FILE).
void CreateDemoDataKey(const std::string& db) {
  if (sql::IsPostgresUri(db) || ResolveDataKey(db) || DatabaseIsSealed(db)) return;
  WriteDataKeyFile(KeyFileBeside(db), DataKey::Generate());
  std::printf("已为演示库生成数据密钥 %s\n", KeyFileBeside(db).c_str());
}

void WarnIfPlaintext(const Store& store) {
  if (!store.encrypted())
    std::fprintf(stderr,
                 "警告：未设置数据密钥，身份证号、电话和住址以明文存储。请用 tongan keygen 生成密钥，"
                 "并设置 TONGAN_DATA_KEY_FILE\n");
}

// Runs the server until SIGTERM/SIGINT; `on_listening` prints what the user should see first.
int Serve(Deployment& d, const std::string& listen, const std::string& web_dir,
          const std::function<void(const std::string&)>& on_listening, const TlsFiles& tls = {}) {
  BlockStopSignals();  // before any thread starts, so every thread inherits the mask
  ApiStack api(d);
  const Listen l = ParseListen(listen);
  ServerOptions options;
  options.address = l.address;
  options.port = l.port;
  options.web_dir = web_dir;
  options.tls = tls;
  HttpServer server(options, api.router, api.auth);
  const uint16_t port = server.Start();
  api.stats.StartDailyRefresh();  // figures that change with the date alone; after a start that may fail
  const std::string url = (tls.enabled() ? "https://" : "http://") + l.address + ":" + std::to_string(port);
  on_listening(url);
  std::printf("tongan listening on %s\n", url.c_str());
  std::fflush(stdout);
  server.WaitForSignal();
  std::printf("tongan stopped\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"童安 tongan：流动儿童和留守儿童关爱保护信息系统"};
  app.require_subcommand(1);
  std::string db = "tongan.db", data_dir = "data", listen = "127.0.0.1:8080", web_dir = "web/dist";

  auto* serve = app.add_subcommand("serve", "启动服务（JSON API 与网页）");
  serve->add_option("--db", db, "数据库：SQLite 文件路径，或 postgresql:// 地址");
  serve->add_option("--data", data_dir, "数据目录（区划、分类口径）");
  serve->add_option("--listen", listen, "监听地址:端口（端口 0 由系统分配）");
  serve->add_option("--web", web_dir, "前端页面目录");
  TlsFiles tls;
  auto* tls_cert = serve->add_option("--tls-cert", tls.certificate_chain,
                                     "TLS 证书链文件（PEM，服务器证书在前）；与 --tls-key 同时给出时只以 HTTPS 服务")
                       ->envname("TONGAN_TLS_CERT");
  auto* tls_key = serve->add_option("--tls-key", tls.private_key, "TLS 私钥文件（PEM，无口令）")
                      ->envname("TONGAN_TLS_KEY");
  tls_cert->needs(tls_key);
  tls_key->needs(tls_cert);

  int64_t demo_children = 20000;
  uint64_t demo_seed = 20261122;
  auto* demo = app.add_subcommand("demo", "生成演示县（平顶山市新华区）数据并启动服务");
  demo->add_option("--db", db, "数据库：SQLite 文件路径，或 postgresql:// 地址")->default_val("demo.db");
  demo->add_option("--data", data_dir, "数据目录");
  demo->add_option("--listen", listen, "监听地址:端口");
  demo->add_option("--web", web_dir, "前端页面目录");
  demo->add_option("--children", demo_children, "演示儿童人数");
  demo->add_option("--seed", demo_seed, "随机种子");

  auto* migrate = app.add_subcommand("migrate", "执行数据库迁移");
  migrate->add_option("--db", db, "数据库：SQLite 文件路径，或 postgresql:// 地址");
  migrate->add_option("--data", data_dir, "数据目录");

  std::string username, role_code, region, password, display_name, department;
  auto* user_add = app.add_subcommand("user-add", "新增用户");
  user_add->add_option("--db", db, "数据库：SQLite 文件路径，或 postgresql:// 地址");
  user_add->add_option("--data", data_dir, "数据目录");
  user_add->add_option("--username", username)->required();
  user_add->add_option("--role", role_code, "角色代码，如 child_director")->required();
  user_add->add_option("--region", region, "所辖区划代码")->required();
  user_add->add_option("--name", display_name, "显示名");
  user_add->add_option("--department", department, "部门联络员所属部门，如 教育、卫健");
  user_add->add_option("--password", password, "初始密码")->required();

  std::string villages_file;
  auto* villages = app.add_subcommand("villages-import", "导入本地村（社区）区划：CSV 两列 code,name（12位代码）");
  villages->add_option("--db", db, "数据库：SQLite 文件路径，或 postgresql:// 地址");
  villages->add_option("--data", data_dir, "数据目录");
  villages->add_option("--file", villages_file, "CSV 文件（UTF-8）")->required();

  ImportCommandOptions import_options;
  auto* import = app.add_subcommand("import", "导入部门数据文件（CSV/Excel）并与儿童底册比对");
  import->add_option("--db", db, "数据库：SQLite 文件路径，或 postgresql:// 地址");
  import->add_option("--data", data_dir, "数据目录");
  import->add_option("--profile", import_options.profile, "导入模板编号，如 jiaoyu_suiqian（见 data/import_profiles）")->required();
  import->add_option("--file", import_options.file, "部门数据文件（.csv 或 .xlsx）")->required();
  import->add_option("--user", import_options.username, "以哪个用户的身份导入（决定辖区，记入审计）")->required();
  import->add_option("--rejected", import_options.rejected_out, "把被拒绝的行写入此文件（.csv 或 .xlsx）");

  std::string files_out;
  auto* demo_files = app.add_subcommand("demo-files", "写出演示县各部门的样例数据文件（供导入页面试用）");
  demo_files->add_option("--db", db, "演示数据库（先运行 demo）")->default_val("demo.db");
  demo_files->add_option("--data", data_dir, "数据目录");
  demo_files->add_option("--out", files_out, "输出目录")->required();
  demo_files->add_option("--seed", demo_seed, "随机种子（与 demo 不同则生成另一批）");

  ApiBenchOptions bench_options;
  auto* bench = app.add_subcommand("bench-api", "API 基准测试：建库并测量查询吞吐与延迟");
  bench->add_option("--db", bench_options.db_path, "基准数据库（不存在则生成）")->required();
  bench->add_option("--data", bench_options.data_dir, "数据目录");
  bench->add_option("--area", bench_options.area, "儿童所在区划（省、市或县代码）");
  bench->add_option("--children", bench_options.children, "儿童人数");
  bench->add_option("--threads", bench_options.client_threads, "并发客户端数");
  bench->add_option("--server-threads", bench_options.server_threads, "服务端线程数");
  bench->add_option("--requests", bench_options.requests_per_kind, "每类请求次数");

  StatsBenchOptions stats_bench_options;
  auto* bench_stats = app.add_subcommand("bench-stats", "统计基准测试：一千万儿童的省级统计，测量各级看板的响应时间");
  bench_stats->add_option("--db", stats_bench_options.db_path, "基准数据库（不存在则生成）")->required();
  bench_stats->add_option("--data", stats_bench_options.data_dir, "数据目录");
  bench_stats->add_option("--province", stats_bench_options.province, "省级区划代码");
  bench_stats->add_option("--children", stats_bench_options.children, "儿童人数");
  bench_stats->add_option("--threads", stats_bench_options.client_threads, "并发客户端数");
  bench_stats->add_option("--server-threads", stats_bench_options.server_threads, "服务端线程数");
  bench_stats->add_option("--requests", stats_bench_options.requests_per_kind, "每类请求次数");

  LinkageBenchOptions linkage_bench_options;
  auto* bench_linkage = app.add_subcommand("bench-linkage", "记录匹配基准测试：合成部门数据与底册匹配，报告准确率与耗时");
  bench_linkage->add_option("--data", linkage_bench_options.data_dir, "数据目录（区划）");
  bench_linkage->add_option("--config", linkage_bench_options.config_path, "匹配配置 JSON");
  bench_linkage->add_option("--registry", linkage_bench_options.registry, "底册儿童人数");
  bench_linkage->add_option("--records", linkage_bench_options.records, "部门记录条数");
  bench_linkage->add_option("--id-missing", linkage_bench_options.id_missing, "部门记录缺身份证号的比例");
  bench_linkage->add_option("--seed", linkage_bench_options.seed, "随机种子");
  bench_linkage->add_option("--threads", linkage_bench_options.threads, "线程数");
  bench_linkage->add_option("--show-errors", linkage_bench_options.show_errors, "每类错误打印几条说明");

  std::string key_file;
  auto* keygen = app.add_subcommand(
      "keygen", "生成数据密钥文件（身份证号、电话、住址加密存储所用；放在数据库之外，仅属主可读）");
  keygen->add_option("--to", key_file, "密钥文件（不可已存在，不会覆盖）")->required();

  std::string copy_from, copy_to;
  auto* db_group = app.add_subcommand("db", "数据库维护");
  db_group->require_subcommand(1);
  auto* db_copy = db_group->add_subcommand(
      "copy", "把整个部署复制到另一个空数据库（如 SQLite 文件 → PostgreSQL），逐表核对行数与校验和；复制前请先停止服务");
  db_copy->add_option("--from", copy_from, "源数据库：SQLite 文件路径，或 postgresql:// 地址")->required();
  db_copy->add_option("--to", copy_to, "目标数据库（须为空库）：SQLite 文件路径，或 postgresql:// 地址")->required();

  std::string backup_to;
  auto* backup = app.add_subcommand(
      "backup", "在线备份：服务运行时把数据库备份到一个新的 SQLite 文件，检查其完整性并列出各表行数");
  backup->add_option("--db", db, "数据库：SQLite 文件路径，或 postgresql:// 地址");
  backup->add_option("--to", backup_to, "备份文件（不可已存在，不会覆盖）")->required();
  std::string restore_from, restore_to;
  auto* restore = app.add_subcommand("restore", "把备份文件恢复到一个空数据库，逐表核对行数与校验和");
  restore->add_option("--from", restore_from, "备份文件（tongan backup 生成的 SQLite 文件）")->required();
  restore->add_option("--to", restore_to, "目标数据库（须为空库）：SQLite 文件路径，或 postgresql:// 地址")->required();

  auto* audit_group = app.add_subcommand("audit", "审计日志");
  audit_group->require_subcommand(1);
  auto* audit_verify = audit_group->add_subcommand(
      "verify", "校验审计日志的哈希链：发现被修改、删除或插入的记录时报告第一处并返回非零");
  audit_verify->add_option("--db", db, "数据库：SQLite 文件路径，或 postgresql:// 地址");

  CLI11_PARSE(app, argc, argv);

  try {
    if (*keygen) {
      WriteDataKeyFile(key_file, DataKey::Generate());
      std::printf("已生成数据密钥：%s\n运行时设置 TONGAN_DATA_KEY_FILE=%s；密钥丢失则加密数据无法恢复，请另行妥善备份\n",
                  key_file.c_str(), key_file.c_str());
      return 0;
    }
    if (*serve) {
      Deployment d = OpenDeployment(db, data_dir);
      WarnIfPlaintext(*d.store);
      return Serve(d, listen, web_dir, [](const std::string&) {}, tls);
    }
    if (*demo) {
      CreateDemoDataKey(db);
      Deployment d = OpenDeployment(db, data_dir);
      d.demo_mode = true;
      const auto users = LoadDemoCounty(d, demo_children, demo_seed, TodayInChina());
      LoadDemoDepartmentData(d, demo_seed, TodayInChina());
      LoadDemoCare(d, TodayInChina());
      return Serve(d, listen, web_dir, [&](const std::string& url) {
        std::printf("童安演示系统：%s（平顶山市新华区，%lld 名儿童）\n", url.c_str(),
                    static_cast<long long>(d.store->CountChildren()));
        std::printf("演示账号（密码均为 %s）：\n", kDemoPassword);
        for (const DemoUser& u : users)
          std::printf("  %s%s%s\n", PadColumns(u.username, 17).c_str(), PadColumns(u.role_name, 14).c_str(),
                      u.region_name.c_str());
      });
    }
    if (*import) {
      Deployment d = OpenDeployment(db, data_dir);
      return RunImportCommand(d, import_options);
    }
    if (*demo_files) {
      Deployment d = OpenDeployment(db, data_dir);
      return WriteDemoDepartmentFiles(d, files_out, demo_seed, TodayInChina());
    }
    if (*audit_verify) {
      const auto store = OpenStore(db);
      return VerifyAuditCommand(*store);
    }
    if (*migrate) {
      Deployment d = OpenDeployment(db, data_dir);
      std::printf("数据库已迁移到最新版本：%s\n", sql::RedactedLocation(db).c_str());
      return 0;
    }
    if (*user_add) {
      Deployment d = OpenDeployment(db, data_dir);
      const auto role = ParseRole(role_code);
      if (!role) throw std::runtime_error("未知角色：" + role_code);
      if (!d.regions.Contains(region)) throw std::runtime_error("未知区划：" + region);
      User user;
      user.username = username;
      user.display_name = display_name.empty() ? username : display_name;
      user.role = *role;
      user.region_code = region;
      user.department = department;
      if (const std::string problem = PasswordProblem(password, username); !problem.empty())
        throw std::runtime_error(problem);
      user.password_hash = HashPassword(password);
      d.store->CreateUser(user);
      std::printf("已新增用户 %s（%s，%s）\n", username.c_str(), std::string(RoleNameZh(*role)).c_str(),
                  d.regions.FullName(region).c_str());
      return 0;
    }
    if (*villages) {
      Deployment d = OpenDeployment(db, data_dir);
      return ImportVillages(d, ReadFileText(villages_file));
    }
    if (*db_copy) return RunDatabaseCopy(copy_from, copy_to);
    if (*backup) return RunBackupCommand(db, backup_to);
    if (*restore) return RunRestoreCommand(restore_from, restore_to);
    if (*bench) return RunApiBench(bench_options);
    if (*bench_linkage) return RunLinkageBench(linkage_bench_options);
    if (*bench_stats) return RunStatsBench(stats_bench_options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "错误：%s\n", e.what());
    return 1;
  }
  return 0;
}
