#include "demo/department_files.h"

#include <unicode/ucnv.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "app/audit_log.h"
#include "app/import_service.h"
#include "demo/demo_county.h"
#include "demo/synthetic_ids.h"
#include "demo/synthetic_linkage.h"
#include "demo/synthetic_names.h"
#include "demo/synthetic_random.h"
#include "ingest/table.h"

namespace tongan {
namespace {

using synthetic::Rng;

// The record's name, ID and birth date with the faults of department data.
struct Identity {
  std::string name, id, birth;
};

Identity Faulty(const Child& c, Rng& rng, double id_missing) {
  Identity out{c.name, c.id_number, FormatIsoDate(c.birth_date)};
  const double r = rng.Unit();
  if (r < 0.08) out.name = HomophoneName(rng, c.name);
  else if (r < 0.11) out.name = TraditionalName(rng, c.name);
  if (rng.Chance(id_missing)) out.id.clear();
  else if (!out.id.empty() && rng.Chance(0.03)) std::swap(out.id[10], out.id[11]);  // typed in a hurry
  if (rng.Chance(0.03)) {
    const unsigned m = static_cast<unsigned>(c.birth_date.month()), d = static_cast<unsigned>(c.birth_date.day());
    if (d <= 12 && d != m) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(c.birth_date.year()), d, m);
      out.birth = buf;
    }
  }
  return out;
}

std::string GuardianOf(const Child& c) {
  if (!c.guardian.name.empty()) return c.guardian.name;
  return c.mother.name.empty() ? c.father.name : c.mother.name;
}

std::string PhoneOf(const Child& c) {
  if (!c.guardian.phone.empty()) return c.guardian.phone;
  return c.mother.phone.empty() ? c.father.phone : c.mother.phone;
}

// A child the registry does not have: living here, registered elsewhere.
Child Unregistered(Rng& rng, synthetic::IdIssuer& ids, Date today, int min_age, int max_age) {
  Child c;
  c.sex = rng.Chance(0.5) ? Sex::kMale : Sex::kFemale;
  const int age = rng.Between(min_age, max_age);
  const int year = static_cast<int>(today.year()) - age - 1;
  c.birth_date = Date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(rng.Between(1, 12))},
                      std::chrono::day{static_cast<unsigned>(rng.Between(1, 28))}};
  c.name = std::string(synthetic::PickSurname(rng)) + std::string(synthetic::PickGivenName(rng, c.sex, year));
  static const char* kCounties[] = {"410422", "410423", "411321", "341221", "412726", "510322"};
  c.id_number = ids.Issue(kCounties[rng.Below(6)], c.birth_date, c.sex, rng);
  c.mother.name = std::string(synthetic::PickSurname(rng)) + std::string(synthetic::PickGivenName(rng, Sex::kFemale, year - 28));
  c.mother.phone = synthetic::MakeMobilePhone(rng);
  c.address = "新华区" + std::string(rng.Chance(0.5) ? "建设路" : "中兴路") + std::to_string(rng.Between(1, 200)) + "号";
  return c;
}

int AgeOf(const Child& c, Date today) { return AgeInYears(c.birth_date, today); }

std::string ToGb18030(const std::string& utf8) {
  std::string text = utf8.starts_with("\xEF\xBB\xBF") ? utf8.substr(3) : utf8;
  std::string out(text.size() * 2 + 16, '\0');
  UErrorCode status = U_ZERO_ERROR;
  const int32_t n = ucnv_convert("GB18030", "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                                 text.data(), static_cast<int32_t>(text.size()), &status);
  if (U_FAILURE(status)) return utf8;
  out.resize(n);
  return out;
}

}  // namespace

std::vector<DepartmentFile> MakeDemoDepartmentFiles(const std::vector<Child>& registry, uint64_t seed,
                                                    Date today) {
  Rng rng(seed ^ 0x5EED0D47);
  synthetic::IdIssuer ids(1000);
  std::vector<DepartmentFile> files;

  {  // 教育: school-age children with their schools, as an .xlsx with a title row.
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"新华区2026年秋季学期随迁子女学籍名单", "", "", "", "", "", "", ""});
    std::vector<std::string> header = {"学生姓名", "身份证件号", "性别", "出生日期", "监护人姓名", "监护人联系电话", "学校名称", "年级"};
    rows.push_back(header);
    static const char* kSchools[] = {"新华区曙光街小学", "新华区光明路小学", "平顶山市第十六中学", "新华区焦店镇中心小学"};
    for (const Child& c : registry) {
      const int age = AgeOf(c, today);
      if (age < 6 || age > 15 || !rng.Chance(0.85)) continue;
      const Identity i = Faulty(c, rng, 0.3);
      rows.push_back({i.name, i.id, std::string(SexNameZh(c.sex)), i.birth, GuardianOf(c), PhoneOf(c),
                      kSchools[rng.Below(4)], std::to_string(std::max(1, age - 5)) + "年级"});
    }
    for (int k = 0; k < 40; ++k) {
      const Child c = Unregistered(rng, ids, today, 6, 14);
      rows.push_back({c.name, rng.Chance(0.7) ? c.id_number : "", std::string(SexNameZh(c.sex)),
                      FormatIsoDate(c.birth_date), c.mother.name, c.mother.phone, kSchools[rng.Below(4)],
                      std::to_string(AgeOf(c, today) - 5) + "年级"});
    }
    rows.push_back({"", "", "男", "2015-09-01", "", "", kSchools[0], "5年级"});  // no name
    rows.push_back({"王建国", "", "男", "1990-05-04", "", "", kSchools[0], ""});    // an adult
    rows.push_back({"李思雨", "", "女", "待补充", "李强", "", kSchools[1], "3年级"});  // no usable date
    std::vector<std::vector<std::string>> body(rows.begin() + 2, rows.end());
    // Title row first, as schools export it; the reader finds the header below it.
    std::vector<std::vector<std::string>> with_title = {header};
    with_title.insert(with_title.end(), body.begin(), body.end());
    files.push_back({"jiaoyu_suiqian", "新华区随迁子女学籍2026秋.xlsx",
                     ingest::WriteXlsx("学籍名单", rows.front(), with_title)});
  }
  {  // 卫健: 0–6 year-olds, CSV in GB18030 as saved by Excel on Chinese Windows.
    std::vector<std::string> header = {"儿童姓名", "性别", "出生日期", "身份证号", "母亲姓名", "联系电话", "现住址", "健康档案编号", "管理机构"};
    std::vector<std::vector<std::string>> rows;
    int n = 0;
    for (const Child& c : registry) {
      if (AgeOf(c, today) > 6 || !rng.Chance(0.8)) continue;
      const Identity i = Faulty(c, rng, 0.35);
      rows.push_back({i.name, std::string(SexNameZh(c.sex)), i.birth, i.id, c.mother.name, PhoneOf(c),
                      c.address, "4104020" + std::to_string(100000 + ++n), "新华区妇幼保健院"});
    }
    for (int k = 0; k < 25; ++k) {
      const Child c = Unregistered(rng, ids, today, 0, 5);
      rows.push_back({c.name, std::string(SexNameZh(c.sex)), FormatIsoDate(c.birth_date), "", c.mother.name,
                      c.mother.phone, c.address, "4104020" + std::to_string(100000 + ++n), "新华区妇幼保健院"});
    }
    files.push_back({"weijian_jiankang", "0-6岁儿童健康管理名单.csv", ToGb18030(ingest::WriteCsv(header, rows))});
  }
  {  // 残联: disabled children; some receive no rehabilitation subsidy.
    std::vector<std::string> header = {"姓名", "公民身份号码", "性别", "出生日期", "残疾类别", "残疾等级", "残疾人证号", "是否享受康复救助", "监护人", "监护人电话"};
    std::vector<std::vector<std::string>> rows;
    static const char* kTypes[] = {"肢体", "智力", "言语", "听力", "精神", "多重"};
    static const char* kLevels[] = {"一级", "二级", "三级", "四级"};
    for (const Child& c : registry) {
      if (c.disability == Disability::kNone) continue;
      const Identity i = Faulty(c, rng, 0.1);
      rows.push_back({i.name, i.id, std::string(SexNameZh(c.sex)), i.birth, kTypes[rng.Below(6)],
                      kLevels[static_cast<int>(c.disability) - 1], c.id_number.empty() ? "" : c.id_number + "1" + std::to_string(static_cast<int>(c.disability)),
                      rng.Chance(0.7) ? "是" : "否", GuardianOf(c), PhoneOf(c)});
    }
    for (int k = 0; k < 6; ++k) {
      const Child c = Unregistered(rng, ids, today, 2, 15);
      rows.push_back({c.name, c.id_number, std::string(SexNameZh(c.sex)), FormatIsoDate(c.birth_date),
                      kTypes[rng.Below(6)], kLevels[rng.Below(4)],
                      c.id_number + "12", "否", c.mother.name, c.mother.phone});
    }
    files.push_back({"canlian_canji", "残疾儿童名单.csv", ingest::WriteCsv(header, rows)});
  }
  {  // 公安: residence permits of children living here with a hukou elsewhere.
    std::vector<std::string> header = {"姓名", "公民身份号码", "性别", "出生日期", "户籍地址", "居住地址", "监护人姓名", "联系电话", "居住证号", "登记日期"};
    std::vector<std::vector<std::string>> rows;
    int n = 0;
    for (const Child& c : registry) {
      if (c.hukou_region_code.substr(0, 6) == c.region_code.substr(0, 6) || !rng.Chance(0.6)) continue;
      const Identity i = Faulty(c, rng, 0.15);
      rows.push_back({i.name, i.id, std::string(SexNameZh(c.sex)), i.birth, c.hukou_address, c.address,
                      GuardianOf(c), PhoneOf(c), "410402" + std::to_string(2026000000 + ++n),
                      c.residence_since ? FormatIsoDate(*c.residence_since) : ""});
    }
    for (int k = 0; k < 30; ++k) {
      const Child c = Unregistered(rng, ids, today, 1, 16);
      rows.push_back({c.name, c.id_number, std::string(SexNameZh(c.sex)), FormatIsoDate(c.birth_date), "",
                      c.address, c.mother.name, c.mother.phone, "410402" + std::to_string(2026000000 + ++n), ""});
    }
    files.push_back({"gongan_juzhu", "居住证登记未成年人.xlsx", ingest::WriteXlsx("居住证", header, rows)});
  }
  {  // 卫健: check-ups of young migrant children as service records, with an item the catalogue
     // does not list and a row without a date.
    std::vector<std::string> header = {"服务项目", "服务日期", "服务单位", "服务内容", "姓名", "身份证号", "出生日期"};
    std::vector<std::vector<std::string>> rows;
    for (const Child& c : registry) {
      if (AgeOf(c, today) > 6 || c.hukou_region_code.substr(0, 6) == c.region_code.substr(0, 6) || !rng.Chance(0.5))
        continue;
      const Identity i = Faulty(c, rng, 0.05);
      const Date on{std::chrono::sys_days{today} - std::chrono::days{5 + static_cast<int>(rng.Below(300))}};
      rows.push_back({rng.Chance(0.05) ? "儿童口腔检查" : "0—6岁儿童健康检查", FormatIsoDate(on),
                      "新华区妇幼保健院", "儿童健康体检（身高体重、视力、血常规）", i.name, i.id, i.birth});
    }
    if (!rows.empty()) rows.back()[1] = "";
    files.push_back({"service_delivery", "儿童健康体检服务记录.xlsx", ingest::WriteXlsx("服务记录", header, rows)});
  }
  return files;
}

int WriteDemoDepartmentFiles(Deployment& d, const std::string& dir, uint64_t seed, Date today) {
  std::vector<Child> registry;
  d.store->ScanChildren(RegionScope{kDemoCounty}, [&](const Child& c) { registry.push_back(c); });
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  for (const DepartmentFile& f : MakeDemoDepartmentFiles(registry, seed, today)) {
    const std::string path = dir + "/" + f.file_name;
    std::ofstream out(path, std::ios::binary);
    out << f.bytes;
    if (!out) {
      std::fprintf(stderr, "无法写入 %s\n", path.c_str());
      return 1;
    }
    std::printf("%s\t模板 %s\n", path.c_str(), f.profile_id.c_str());
  }
  return 0;
}

void LoadDemoDepartmentData(Deployment& d, uint64_t seed, Date today) {
  const auto user = d.store->FindUserByName("xian_minzheng");
  if (!user) return;
  const RegionScope county{kDemoCounty};
  if (!d.store->departments().ListBatches(county, 1).empty()) return;
  std::vector<Child> registry;
  d.store->ScanChildren(county, [&](const Child& c) { registry.push_back(c); });
  AuditLog audit(*d.store);
  ProfileCatalog profiles(d.import_profiles);
  ImportService imports(*d.store, audit, d.regions, profiles, d.linkage, [today] { return today; });
  for (const DepartmentFile& f : MakeDemoDepartmentFiles(registry, seed, today))
    imports.Import({*user, "demo"}, f.profile_id, f.file_name, f.bytes);
}

}  // namespace tongan
