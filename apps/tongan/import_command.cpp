#include "import_command.h"

#include <cstdio>
#include <fstream>

#include "app/api_error.h"
#include "http/api_stack.h"

namespace tongan {

int RunImportCommand(Deployment& d, const ImportCommandOptions& o) {
  const auto user = d.store->FindUserByName(o.username);
  if (!user || user->disabled) {
    std::fprintf(stderr, "用户不存在或已停用：%s\n", o.username.c_str());
    return 1;
  }
  ApiStack api(d);
  const RequestContext ctx{*user, "cli"};
  std::string bytes;
  try {
    bytes = ReadFileText(o.file);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  const std::string file_name = o.file.substr(o.file.find_last_of('/') + 1);
  nlohmann::json result;
  try {
    result = api.imports.Import(ctx, o.profile, file_name, bytes, [](const std::string& stage) {
      std::printf("%s……\n", stage.c_str());
      std::fflush(stdout);  // a long import shows where it is
    });
  } catch (const ApiError& e) {
    std::fprintf(stderr, "未导入（%s）：%s\n", e.code().c_str(), e.what());
    return 1;
  }
  api.care.WaitForRecompute();  // the region's care status follows the new findings
  const auto& b = result["batch"];
  if (result["duplicate_file"].get<bool>()) {
    std::printf("该文件此前已导入（批次 %lld），未新增任何记录\n", b["id"].get<long long>());
    return 0;
  }
  const auto& link = result["link"];
  std::printf("批次 %lld：%s（%s，%s）\n", b["id"].get<long long>(), b["file_name"].get<std::string>().c_str(),
              b["file_format"].get<std::string>().c_str(), b["file_encoding"].get<std::string>().c_str());
  std::printf("  共 %lld 行：导入 %lld，拒绝 %lld，重复 %lld；有提示的行 %lld\n",
              b["rows_total"].get<long long>(), b["rows_loaded"].get<long long>(),
              b["rows_rejected"].get<long long>(), b["rows_duplicate"].get<long long>(),
              result["warnings"].get<long long>());
  std::printf("  比对：关联 %lld（其中身份证号一致 %lld），待核对 %lld，未纳入 %lld，用时 %.2f 秒\n",
              link["linked"].get<long long>(), link["exact_id"].get<long long>(),
              link["review"].get<long long>(), link["new"].get<long long>(),
              link["seconds"].get<double>());
  if (!o.rejected_out.empty()) {
    const bool csv = o.rejected_out.ends_with(".csv");
    const DownloadFile file = api.imports.Rejected(ctx, b["id"].get<int64_t>(), csv ? "csv" : "xlsx");
    std::ofstream out(o.rejected_out, std::ios::binary);
    out << file.bytes;
    if (!out) {
      std::fprintf(stderr, "无法写入 %s\n", o.rejected_out.c_str());
      return 1;
    }
    std::printf("  被拒绝的行已写入 %s\n", o.rejected_out.c_str());
  }
  return 0;
}

}  // namespace tongan
