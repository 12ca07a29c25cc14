// LinkageConfig::FromJson: reads and validates a linkage configuration, naming the bad entry in
// Chinese (the configuration is written by county staff's technicians, not developers).
#include <set>
#include <stdexcept>

#include "linkage/blocking.h"
#include "linkage/levels.h"
#include "linkage/linkage.h"

namespace tongan::linkage {
namespace {

const std::set<std::string> kTopLevelKeys = {
    "fields",     "blocking",       "upper",          "lower",           "em_iterations",
    "max_block_size", "threads",    "ambiguity_margin", "tf_minimum_u",  "u_sample_pairs",
    "em_sample_pairs", "seed",      "description",   "training"};

FieldSpec ReadField(const nlohmann::json& j, size_t index) {
  const std::string where = "第" + std::to_string(index + 1) + "个字段";
  if (!j.is_object()) throw std::invalid_argument(where + "应为对象");
  if (!j.contains("name") || !j["name"].is_string() || j["name"].get<std::string>().empty())
    throw std::invalid_argument(where + "缺少名称 name");
  FieldSpec spec;
  spec.name = j["name"].get<std::string>();
  if (!j.contains("kind") || !j["kind"].is_string())
    throw std::invalid_argument("字段 " + spec.name + " 缺少类型 kind");
  const std::string kind = j["kind"].get<std::string>();
  const auto parsed = internal::ParseKind(kind);
  if (!parsed)
    throw std::invalid_argument("字段 " + spec.name + " 的类型未知：" + kind +
                                "（可用：id_number、name、date、sex、phone、address、category）");
  spec.kind = *parsed;
  spec.label_zh = j.value("label_zh", spec.name);
  spec.term_frequency = j.value("term_frequency", false);
  spec.required = j.value("required", false);
  spec.group = j.value("group", "");
  return spec;
}

}  // namespace

LinkageConfig LinkageConfig::FromJson(const nlohmann::json& json) {
  if (!json.is_object()) throw std::invalid_argument("连接配置应为 JSON 对象");
  LinkageConfig config;
  try {
    for (const auto& [key, value] : json.items())
      if (!kTopLevelKeys.count(key) && !key.starts_with("_"))
        throw std::invalid_argument("连接配置含未知配置项：" + key);
    if (!json.contains("fields") || !json["fields"].is_array() || json["fields"].empty())
      throw std::invalid_argument("连接配置缺少字段列表 fields");
    std::set<std::string> names;
    for (size_t i = 0; i < json["fields"].size(); ++i) {
      FieldSpec spec = ReadField(json["fields"][i], i);
      if (!names.insert(spec.name).second) throw std::invalid_argument("字段名重复：" + spec.name);
      config.fields.push_back(std::move(spec));
    }
    for (const char* list : {"blocking", "training"}) {
      if (!json.contains(list)) continue;
      const bool blocking = std::string_view(list) == "blocking";
      if (!json[list].is_array())
        throw std::invalid_argument(std::string(blocking ? "分块规则" : "训练规则") + " " + list + " 应为列表");
      for (size_t i = 0; i < json[list].size(); ++i) {
        const auto& rule = json[list][i];
        const std::string where = (blocking ? "分块规则第" : "训练规则第") + std::to_string(i + 1) + "条";
        if (!rule.is_array() || rule.empty())
          throw std::invalid_argument(where + "应为非空的分块键列表，如 [\"name:pinyin\", \"birth_date:year\"]");
        BlockingRule r;
        for (const auto& key : rule) {
          if (!key.is_string()) throw std::invalid_argument(where + "的分块键应为字符串");
          try {
            internal::ParseKeyPart(key.get<std::string>(), config.fields);
          } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(where + "：" + e.what());
          }
          r.keys.push_back(key.get<std::string>());
        }
        (blocking ? config.blocking : config.training).push_back(std::move(r));
      }
    }
    config.upper = json.value("upper", config.upper);
    config.lower = json.value("lower", config.lower);
    config.em_iterations = json.value("em_iterations", config.em_iterations);
    config.threads = json.value("threads", config.threads);
    config.ambiguity_margin = json.value("ambiguity_margin", config.ambiguity_margin);
    config.tf_minimum_u = json.value("tf_minimum_u", config.tf_minimum_u);
    config.seed = json.value("seed", config.seed);
    const auto positive_size = [&](const char* key, size_t& into) {
      if (!json.contains(key)) return;
      if (!json[key].is_number_integer() || json[key].get<int64_t>() < 1)
        throw std::invalid_argument(std::string(key) + " 应为正整数");
      into = json[key].get<size_t>();
    };
    positive_size("max_block_size", config.max_block_size);
    positive_size("u_sample_pairs", config.u_sample_pairs);
    positive_size("em_sample_pairs", config.em_sample_pairs);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("连接配置格式错误：") + e.what());
  }
  if (!(config.upper > 0 && config.upper < 1) || !(config.lower > 0 && config.lower < 1))
    throw std::invalid_argument("阈值 upper、lower 应在 0 与 1 之间（不含端点）");
  if (config.lower > config.upper)
    throw std::invalid_argument("下阈值 lower 不应大于上阈值 upper");
  if (config.em_iterations < 1) throw std::invalid_argument("em_iterations 应为正整数");
  if (config.threads < 1) throw std::invalid_argument("threads 应为正整数");
  if (!(config.ambiguity_margin >= 0)) throw std::invalid_argument("ambiguity_margin 不应为负");
  if (!(config.tf_minimum_u > 0 && config.tf_minimum_u < 1))
    throw std::invalid_argument("tf_minimum_u 应在 0 与 1 之间");
  return config;
}

}  // namespace tongan::linkage
