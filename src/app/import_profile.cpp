#include "app/import_profile.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "core/resident_id.h"
#include "store/sha256.h"

namespace tongan {
namespace {

using nlohmann::json;

// How a field's cells are normalised; fields not listed are kept as trimmed text.
enum class FieldType { kText, kName, kIdNumber, kDate, kSex, kPhone, kYesNo, kRegionCode };

FieldType TypeOf(const std::string& field) {
  if (field == "name" || field == "guardian_name") return FieldType::kName;
  if (field == "id_number") return FieldType::kIdNumber;
  if (field == "sex") return FieldType::kSex;
  if (field == "phone") return FieldType::kPhone;
  if (field == "hukou_code") return FieldType::kRegionCode;
  if (field == "birth_date" || (field.size() > 5 && field.ends_with("_date")))
    return FieldType::kDate;
  if (field.ends_with("_subsidy")) return FieldType::kYesNo;
  return FieldType::kText;
}

// Trims ASCII whitespace, the ideographic space and no-break spaces that Excel users leave.
std::string Trim(std::string_view s) {
  const auto strip_front = [&]() {
    if (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
      s.remove_prefix(1);
      return true;
    }
    if (s.starts_with("\u3000")) { s.remove_prefix(3); return true; }
    if (s.starts_with("\u00a0")) { s.remove_prefix(2); return true; }
    return false;
  };
  const auto strip_back = [&]() {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
      s.remove_suffix(1);
      return true;
    }
    if (s.ends_with("\u3000")) { s.remove_suffix(3); return true; }
    if (s.ends_with("\u00a0")) { s.remove_suffix(2); return true; }
    return false;
  };
  while (strip_front()) {}
  while (strip_back()) {}
  return std::string(s);
}

// Headings compare without spaces, asterisks (required-column marks) and a trailing colon.
std::string HeadingKey(std::string_view heading) {
  std::string out;
  const std::string trimmed = Trim(heading);
  for (size_t i = 0; i < trimmed.size(); ++i) {
    const char c = trimmed[i];
    if (c == ' ' || c == '*' || c == ':' || c == '\t') continue;
    if (trimmed.compare(i, 3, "\uff0a") == 0 || trimmed.compare(i, 3, "\uff1a") == 0 ||
        trimmed.compare(i, 3, "\u3000") == 0) {
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

std::string RemoveInnerSpaces(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ' || s[i] == '\t') continue;
    if (s.compare(i, 3, "\u3000") == 0) { i += 2; continue; }
    out += s[i];
  }
  return out;
}

std::string DigitsOf(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

std::optional<std::string> YesNo(const std::string& v) {
  static const std::set<std::string> yes = {"是", "有", "Y", "y", "1", "享受", "已享受", "√", "TRUE"};
  static const std::set<std::string> no = {"否", "无", "N", "n", "0", "未享受", "不享受", "×", "FALSE"};
  if (yes.count(v)) return "是";
  if (no.count(v)) return "否";
  return std::nullopt;
}

void Warn(MappedRow& row, std::string code, std::string field, std::string message) {
  row.problems.push_back({std::move(code), std::move(field), std::move(message), false});
}
void Reject(MappedRow& row, std::string code, std::string field, std::string message) {
  row.problems.push_back({std::move(code), std::move(field), std::move(message), true});
}

// Normalises one cell into row.fields; problems go to the row.
void MapCell(MappedRow& row, const std::string& field, const std::string& value,
             const std::string& heading) {
  if (value.empty()) return;
  switch (TypeOf(field)) {
    case FieldType::kName:
      row.fields[field] = RemoveInnerSpaces(value);
      break;
    case FieldType::kIdNumber: {
      std::string id = RemoveInnerSpaces(value);
      std::transform(id.begin(), id.end(), id.begin(), [](char c) { return c == 'x' ? 'X' : c; });
      row.fields[field] = id;
      break;
    }
    case FieldType::kDate:
      if (auto d = ParseLooseDate(value)) {
        row.fields[field] = FormatIsoDate(*d);
      } else {
        Warn(row, "date_invalid", field, "“" + heading + "”无法识别为日期：" + value);
      }
      break;
    case FieldType::kSex:
      if (value == "男" || value == "1" || value == "M" || value == "m" || value == "男性")
        row.fields[field] = "男";
      else if (value == "女" || value == "2" || value == "F" || value == "f" || value == "女性")
        row.fields[field] = "女";
      else
        Warn(row, "sex_invalid", field, "性别无法识别：" + value);
      break;
    case FieldType::kPhone: {
      std::string digits = DigitsOf(value);
      if (digits.size() == 13 && digits.starts_with("86")) digits = digits.substr(2);
      if (digits.size() < 7 || digits.size() > 12)
        Warn(row, "phone_invalid", field, "电话号码位数不对：" + value);
      if (!digits.empty()) row.fields[field] = digits;
      break;
    }
    case FieldType::kYesNo:
      if (auto yn = YesNo(value)) row.fields[field] = *yn;
      else Warn(row, "yes_no_invalid", field, "“" + heading + "”应为是或否：" + value);
      break;
    case FieldType::kRegionCode: {
      const std::string digits = DigitsOf(value);
      if (digits.size() >= 6) row.fields[field] = digits.substr(0, 6);
      break;
    }
    case FieldType::kText:
      row.fields[field] = value;
      break;
  }
}

// Completes and checks the identity fields: the ID gives birth date and sex when the columns
// lack them; a row without a usable birth date or of an adult is rejected.
void CheckIdentity(MappedRow& row, const RegionTree& regions, Date today) {
  auto& f = row.fields;
  if (!f.contains("name") || f["name"].get<std::string>().empty())
    Reject(row, "name_missing", "name", "姓名为空");
  std::optional<ResidentIdCheck> id;
  if (f.contains("id_number")) {
    id = CheckResidentId(f["id_number"].get<std::string>(), &regions, today);
    if (id->valid) {
      f["id_number"] = id->normalized;
    } else {
      const std::string reason = id->errors.empty() ? "身份证号无效" : id->errors.front().message_zh;
      Warn(row, "id_invalid", "id_number", "身份证号有误（按姓名等信息比对）：" + reason);
    }
  }
  const bool id_valid = id && id->valid;
  if (f.contains("birth_date")) {
    if (id_valid && id->birth_date && FormatIsoDate(*id->birth_date) != f["birth_date"])
      Warn(row, "birth_date_mismatch", "birth_date",
           "出生日期与身份证号不一致（身份证号为 " + FormatIsoDate(*id->birth_date) + "）");
  } else if (id_valid && id->birth_date) {
    f["birth_date"] = FormatIsoDate(*id->birth_date);
  } else if (id && !id->normalized.empty() && id->normalized.size() == 18) {
    // A mistyped check digit still carries a readable birth date.
    if (auto d = ParseIsoDate(id->normalized.substr(6, 8))) f["birth_date"] = FormatIsoDate(*d);
  }
  if (!f.contains("sex") && id_valid && id->sex) f["sex"] = std::string(SexNameZh(*id->sex));
  if (!f.contains("hukou_code") && id_valid) f["hukou_code"] = id->normalized.substr(0, 6);

  if (!f.contains("birth_date")) {
    Reject(row, "birth_date_missing", "birth_date", "缺少出生日期，且身份证号无法提供");
  } else {
    const Date birth = *ParseIsoDate(f["birth_date"].get<std::string>());
    const int age = AgeInYears(birth, today);
    if (age < 0)
      Reject(row, "birth_date_future", "birth_date", "出生日期晚于今天");
    else if (age >= 18)
      Reject(row, "not_a_minor", "birth_date", "已满18周岁，不属于儿童（出生于 " +
                                                   FormatIsoDate(birth) + "）");
  }
}

}  // namespace

ImportProfile ImportProfile::FromJson(const json& j) {
  const auto fail = [](const std::string& m) { throw std::invalid_argument("导入模板有误：" + m); };
  if (!j.is_object()) fail("应为 JSON 对象");
  ImportProfile p;
  for (const auto& [key, target] : {std::pair{"id", &p.id}, {"department", &p.department},
                                     {"name_zh", &p.name_zh}, {"record_kind", &p.record_kind}}) {
    if (!j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty())
      fail(std::string("缺少 ") + key);
    *target = j[key].get<std::string>();
  }
  p.description = j.value("description", "");
  if (!j.contains("columns") || !j["columns"].is_object() || j["columns"].empty())
    fail(p.id + " 缺少 columns");
  for (const auto& [field, headings] : j["columns"].items()) {
    if (!headings.is_array() || headings.empty()) fail(p.id + " 的列 " + field + " 应为非空的列名数组");
    std::vector<std::string> names;
    for (const auto& h : headings) {
      if (!h.is_string() || h.get<std::string>().empty()) fail(p.id + " 的列 " + field + " 含非字符串列名");
      names.push_back(HeadingKey(h.get<std::string>()));
    }
    p.columns.emplace_back(field, std::move(names));
  }
  if (std::none_of(p.columns.begin(), p.columns.end(), [](auto& c) { return c.first == "name"; }))
    fail(p.id + " 未映射 name（姓名）列");
  for (const auto& r : j.value("required_columns", json::array({"name"}))) {
    const std::string field = r.is_string() ? r.get<std::string>() : "";
    if (std::none_of(p.columns.begin(), p.columns.end(), [&](auto& c) { return c.first == field; }))
      fail(p.id + " 的必需列 " + field + " 未在 columns 中");
    p.required_columns.push_back(field);
  }
  for (const auto& r : j.value("required_fields", json::array())) {
    const std::string field = r.is_string() ? r.get<std::string>() : "";
    if (std::none_of(p.columns.begin(), p.columns.end(), [&](auto& c) { return c.first == field; }))
      fail(p.id + " 的必填字段 " + field + " 未在 columns 中");
    p.required_fields.push_back(field);
  }
  return p;
}

json ImportProfile::ToJson() const {
  json cols = json::object();
  for (const auto& [field, names] : columns) cols[field] = names;
  return {{"id", id}, {"department", department}, {"name_zh", name_zh},
          {"record_kind", record_kind}, {"description", description}, {"columns", cols},
          {"required_columns", required_columns}, {"required_fields", required_fields}};
}

MappingResult MapTable(const ingest::Table& table, const ImportProfile& profile,
                       const RegionTree& regions, Date today) {
  // The header is the row (among the first 20) naming most of the profile's columns.
  size_t best_row = 0;
  int best_score = 0;
  std::vector<int> best_fields;
  for (size_t r = 0; r < table.rows.size() && r < 20; ++r) {
    std::vector<int> fields(table.rows[r].cells.size(), -1);
    int score = 0;
    for (size_t c = 0; c < table.rows[r].cells.size(); ++c) {
      const std::string key = HeadingKey(table.rows[r].cells[c]);
      for (size_t f = 0; f < profile.columns.size() && !key.empty(); ++f) {
        const auto& names = profile.columns[f].second;
        if (std::find(names.begin(), names.end(), key) == names.end()) continue;
        // The first matching column wins for a field (e.g. 父亲姓名 before 母亲姓名).
        if (std::find(fields.begin(), fields.end(), static_cast<int>(f)) != fields.end()) break;
        fields[c] = static_cast<int>(f);
        ++score;
        break;
      }
    }
    if (score > best_score) {
      best_score = score;
      best_row = r;
      best_fields = std::move(fields);
    }
  }
  MappingResult result;
  if (best_score < 2) {
    result.error = {"header_not_found", "未找到表头：前 20 行中没有一行包含“" + profile.name_zh +
                                            "”模板的列名（如 姓名、身份证号、出生日期）。请确认选择的导入模板与文件相符。"};
    return result;
  }
  for (const std::string& required : profile.required_columns) {
    bool found = false;
    for (int f : best_fields)
      if (f >= 0 && profile.columns[f].first == required) found = true;
    if (!found) {
      size_t index = 0;
      while (profile.columns[index].first != required) ++index;
      result.error = {"column_missing", "缺少必需的列：" + profile.columns[index].second.front()};
      return result;
    }
  }

  MappedTable out;
  out.header_line = table.rows[best_row].line;
  for (const std::string& h : table.rows[best_row].cells) out.header.push_back(Trim(h));
  for (size_t c = 0; c < out.header.size(); ++c)
    if (best_fields[c] < 0 && !out.header[c].empty()) out.unmapped_columns.push_back(out.header[c]);

  for (size_t r = best_row + 1; r < table.rows.size(); ++r) {
    const ingest::TableRow& source = table.rows[r];
    MappedRow row;
    row.line = source.line;
    std::string hash_input = profile.id;
    for (size_t c = 0; c < source.cells.size(); ++c) {
      const std::string value = Trim(source.cells[c]);
      hash_input += '\x1f';
      hash_input += value;
      if (value.empty()) continue;
      const std::string heading =
          c < out.header.size() && !out.header[c].empty() ? out.header[c] : "第" + std::to_string(c + 1) + "列";
      row.raw[heading] = value;
      if (c < best_fields.size() && best_fields[c] >= 0)
        MapCell(row, profile.columns[best_fields[c]].first, value, heading);
    }
    if (source.cells.size() > out.header.size())
      Warn(row, "extra_cells", "", "本行比表头多 " + std::to_string(source.cells.size() - out.header.size()) + " 列");
    CheckIdentity(row, regions, today);
    for (const std::string& field : profile.required_fields)
      if (!row.fields.contains(field)) {
        const auto& headings = std::find_if(profile.columns.begin(), profile.columns.end(),
                                            [&](auto& c) { return c.first == field; })->second;
        Reject(row, "field_missing", field, "“" + headings.front() + "”为空或无法识别");
      }
    row.loaded = std::none_of(row.problems.begin(), row.problems.end(), [](auto& p) { return p.rejects; });
    row.name = row.fields.value("name", "");
    row.id_number = row.fields.value("id_number", "");
    row.birth_date = row.fields.value("birth_date", "");
    row.hukou_code = row.fields.value("hukou_code", "");
    row.row_sha256 = Sha256Hex(hash_input);
    out.rows.push_back(std::move(row));
  }
  result.table = std::move(out);
  return result;
}

}  // namespace tongan
