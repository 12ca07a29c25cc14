#include "core/child_json.h"

#include <algorithm>
#include <map>
#include <set>

namespace tongan {
namespace {

using nlohmann::json;

const std::vector<EnumValue> kParentStatus = {
    {"unknown", "不详"},           {"at_home", "在家"},        {"working_away", "外出务工"},
    {"deceased", "死亡"},          {"missing", "失踪/失联"},   {"imprisoned", "服刑在押/限制人身自由"},
    {"severely_disabled", "重残"}, {"seriously_ill", "重病"},  {"unable_other", "其他无监护能力"},
};
const std::vector<EnumValue> kLivingWith = {
    {"unknown", "不详"},         {"both_parents", "与父母双方共同生活"},
    {"one_parent", "与父母一方共同生活"}, {"other_guardian", "与其他监护人共同生活"},
    {"alone", "独自生活"},       {"institution", "机构养育"},
};
const std::vector<EnumValue> kFamilyEconomy = {
    {"none", "无"}, {"low_income", "低收入家庭"}, {"dibao", "低保家庭"}, {"tekun", "特困供养"},
};
const std::vector<EnumValue> kDisability = {
    {"none", "无"},           {"level1", "一级残疾"}, {"level2", "二级残疾"},
    {"level3", "三级残疾"},   {"level4", "四级残疾"},
};

template <typename E>
std::string_view CodeOf(const std::vector<EnumValue>& values, E value) {
  return values.at(static_cast<size_t>(value)).code;
}

// Reads one JSON object strictly, remembering the dotted path for error messages.
class StrictReader {
 public:
  StrictReader(const json& object, std::string path, InputError* error)
      : object_(object), path_(std::move(path)), error_(error) {}

  bool CheckKeys(const std::vector<std::string>& known) {
    if (!object_.is_object()) return Fail("invalid_field", path_, "应为对象");
    for (const auto& [key, value] : object_.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end())
        return Fail("unknown_field", Path(key), "不是可识别的字段");
    }
    return true;
  }

  bool String(const char* key, std::string* out) {
    const auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return true;
    if (!it->is_string()) return Fail("invalid_field", Path(key), "应为文本");
    *out = it->get<std::string>();
    return true;
  }

  bool Bool(const char* key, bool* out) {
    const auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return true;
    if (!it->is_boolean()) return Fail("invalid_field", Path(key), "应为是/否（true/false）");
    *out = it->get<bool>();
    return true;
  }

  bool StringList(const char* key, std::vector<std::string>* out) {
    const auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return true;
    if (!it->is_array()) return Fail("invalid_field", Path(key), "应为文本列表");
    out->clear();
    for (const auto& item : *it) {
      if (!item.is_string()) return Fail("invalid_field", Path(key), "应为文本列表");
      out->push_back(item.get<std::string>());
    }
    return true;
  }

  bool Date(const char* key, std::optional<tongan::Date>* out, bool required) {
    const auto it = object_.find(key);
    if (it == object_.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty())) {
      if (required) return Fail("missing_field", Path(key), "不能为空");
      out->reset();
      return true;
    }
    if (!it->is_string()) return Fail("invalid_field", Path(key), "应为日期（如 2026-11-22）");
    const auto date = ParseIsoDate(it->get<std::string>());
    if (!date) return Fail("invalid_field", Path(key), "不是有效日期（格式如 2026-11-22）");
    *out = *date;
    return true;
  }

  template <typename E>
  bool Enum(const char* key, const std::vector<EnumValue>& values, E* out) {
    const auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return true;
    if (it->is_string()) {
      const std::string text = it->get<std::string>();
      for (size_t i = 0; i < values.size(); ++i) {
        if (values[i].code == text || values[i].name_zh == text) {
          *out = static_cast<E>(i);
          return true;
        }
      }
    }
    std::string allowed;
    for (const auto& v : values) allowed += (allowed.empty() ? "" : "、") + std::string(v.name_zh);
    return Fail("invalid_field", Path(key), "取值无效，应为：" + allowed);
  }

  const json* Child(const char* key) const {
    const auto it = object_.find(key);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
  }
  std::string Path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  bool Fail(const char* code, std::string field, std::string message) {
    error_->code = code;
    error_->field = field;
    error_->message_zh = "字段 " + field + " " + message;
    return false;
  }

 private:
  const json& object_;
  std::string path_;
  InputError* error_;
};

bool ReadParent(const json* node, const std::string& path, Parent* parent, InputError* error) {
  if (!node) return true;
  StrictReader r(*node, path, error);
  return r.CheckKeys({"name", "id_number", "phone", "status"}) && r.String("name", &parent->name) &&
         r.String("id_number", &parent->id_number) && r.String("phone", &parent->phone) &&
         r.Enum("status", kParentStatus, &parent->status);
}

json ParentToJson(const Parent& p) {
  return {{"name", p.name}, {"id_number", p.id_number}, {"phone", p.phone},
          {"status", CodeOf(kParentStatus, p.status)}};
}

void Flatten(const json& node, const std::string& prefix, std::map<std::string, std::string>* out) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items())
      Flatten(value, prefix.empty() ? key : prefix + "." + key, out);
    return;
  }
  if (node.is_string()) {
    (*out)[prefix] = node.get<std::string>();
  } else if (node.is_array()) {
    std::string joined;
    for (const auto& item : node)
      joined += (joined.empty() ? "" : "、") + (item.is_string() ? item.get<std::string>() : item.dump());
    (*out)[prefix] = joined;
  } else if (node.is_null()) {
    (*out)[prefix] = "";
  } else {
    (*out)[prefix] = node.dump();
  }
}

}  // namespace

json ChildToJson(const Child& c) {
  return {
      {"name", c.name},
      {"id_number", c.id_number},
      {"sex", SexCode(c.sex)},
      {"birth_date", FormatIsoDate(c.birth_date)},
      {"ethnicity", c.ethnicity},
      {"region_code", c.region_code},
      {"address", c.address},
      {"residence_since", c.residence_since ? json(FormatIsoDate(*c.residence_since)) : json()},
      {"hukou_region_code", c.hukou_region_code},
      {"hukou_address", c.hukou_address},
      {"living_with", CodeOf(kLivingWith, c.living_with)},
      {"father", ParentToJson(c.father)},
      {"mother", ParentToJson(c.mother)},
      {"guardian",
       {{"name", c.guardian.name},
        {"relation", c.guardian.relation},
        {"id_number", c.guardian.id_number},
        {"phone", c.guardian.phone},
        {"capable", c.guardian.capable}}},
      {"family_economy", CodeOf(kFamilyEconomy, c.family_economy)},
      {"disability", CodeOf(kDisability, c.disability)},
      {"serious_illness", c.serious_illness},
      {"vagrant", c.vagrant},
      {"psych_abnormal", c.psych_abnormal},
      {"asked_for_help", c.asked_for_help},
      {"schooling",
       {{"status", c.schooling.status}, {"school", c.schooling.school}, {"grade", c.schooling.grade}}},
      {"health",
       {{"has_health_record", c.health.has_health_record},
        {"vaccinated", c.health.vaccinated},
        {"notes", c.health.notes}}},
      {"benefits", c.benefits},
      {"needs", c.needs},
      {"notes", c.notes},
  };
}

bool ChildFromJson(const json& input, Child* c, InputError* error,
                   const std::vector<std::string>& allowed_extra) {
  std::vector<std::string> keys = {
      "name", "id_number", "sex", "birth_date", "ethnicity", "region_code", "address",
      "residence_since", "hukou_region_code", "hukou_address", "living_with", "father", "mother",
      "guardian", "family_economy", "disability", "serious_illness", "vagrant", "psych_abnormal",
      "asked_for_help", "schooling", "health", "benefits", "needs", "notes"};
  keys.insert(keys.end(), allowed_extra.begin(), allowed_extra.end());
  StrictReader r(input, "", error);
  if (!r.CheckKeys(keys)) return false;
  *c = Child{};  // absent fields take their defaults, never values left from before

  std::string sex;
  std::optional<Date> birth;
  if (!r.String("name", &c->name) || !r.String("id_number", &c->id_number) ||
      !r.String("sex", &sex) || !r.Date("birth_date", &birth, /*required=*/true) ||
      !r.String("ethnicity", &c->ethnicity) || !r.String("region_code", &c->region_code) ||
      !r.String("address", &c->address) ||
      !r.Date("residence_since", &c->residence_since, false) ||
      !r.String("hukou_region_code", &c->hukou_region_code) ||
      !r.String("hukou_address", &c->hukou_address) ||
      !r.Enum("living_with", kLivingWith, &c->living_with) ||
      !r.Enum("family_economy", kFamilyEconomy, &c->family_economy) ||
      !r.Enum("disability", kDisability, &c->disability) ||
      !r.Bool("serious_illness", &c->serious_illness) || !r.Bool("vagrant", &c->vagrant) ||
      !r.Bool("psych_abnormal", &c->psych_abnormal) ||
      !r.Bool("asked_for_help", &c->asked_for_help) || !r.StringList("benefits", &c->benefits) ||
      !r.StringList("needs", &c->needs) || !r.String("notes", &c->notes))
    return false;
  c->birth_date = *birth;
  const auto parsed_sex = ParseSex(sex);
  if (!parsed_sex) return r.Fail("invalid_field", "sex", "应为 M（男）或 F（女）");
  c->sex = *parsed_sex;
  if (c->name.empty()) return r.Fail("missing_field", "name", "不能为空");
  if (c->region_code.empty()) return r.Fail("missing_field", "region_code", "不能为空");

  if (!ReadParent(r.Child("father"), "father", &c->father, error) ||
      !ReadParent(r.Child("mother"), "mother", &c->mother, error))
    return false;
  if (const json* g = r.Child("guardian")) {
    StrictReader gr(*g, "guardian", error);
    if (!gr.CheckKeys({"name", "relation", "id_number", "phone", "capable"}) ||
        !gr.String("name", &c->guardian.name) || !gr.String("relation", &c->guardian.relation) ||
        !gr.String("id_number", &c->guardian.id_number) ||
        !gr.String("phone", &c->guardian.phone) || !gr.Bool("capable", &c->guardian.capable))
      return false;
  }
  if (const json* s = r.Child("schooling")) {
    StrictReader sr(*s, "schooling", error);
    if (!sr.CheckKeys({"status", "school", "grade"}) || !sr.String("status", &c->schooling.status) ||
        !sr.String("school", &c->schooling.school) || !sr.String("grade", &c->schooling.grade))
      return false;
  }
  if (const json* h = r.Child("health")) {
    StrictReader hr(*h, "health", error);
    if (!hr.CheckKeys({"has_health_record", "vaccinated", "notes"}) ||
        !hr.Bool("has_health_record", &c->health.has_health_record) ||
        !hr.Bool("vaccinated", &c->health.vaccinated) || !hr.String("notes", &c->health.notes))
      return false;
  }
  return true;
}

std::vector<FieldDiff> DiffChildren(const Child& before, const Child& after) {
  std::map<std::string, std::string> a, b;
  Flatten(ChildToJson(before), "", &a);
  Flatten(ChildToJson(after), "", &b);
  std::vector<FieldDiff> diffs;
  for (const auto& [field, old_value] : a) {
    const std::string& new_value = b[field];
    if (old_value != new_value) diffs.push_back({field, old_value, new_value});
  }
  return diffs;
}

const std::vector<EnumValue>& ParentStatusValues() { return kParentStatus; }
const std::vector<EnumValue>& LivingWithValues() { return kLivingWith; }
const std::vector<EnumValue>& FamilyEconomyValues() { return kFamilyEconomy; }
const std::vector<EnumValue>& DisabilityValues() { return kDisability; }

}  // namespace tongan
