#include "app/deployment.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tongan {

std::string ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("无法读取文件 " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

namespace {

nlohmann::json ReadJsonFile(const std::string& path) {
  auto json = nlohmann::json::parse(ReadFileText(path), nullptr, false);
  if (json.is_discarded()) throw std::runtime_error(path + "：不是有效的 JSON");
  return json;
}

// Profiles, linkage settings and finding rules: policy data, checked whole before serving.
void LoadDepartmentConfig(Deployment& d, const std::string& data_dir) {
  std::vector<std::filesystem::path> files;
  const std::filesystem::path dir = data_dir + "/import_profiles";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  if (ec) throw std::runtime_error("无法读取导入模板目录 " + dir.string());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    try {
      d.import_profiles.push_back(ImportProfile::FromJson(ReadJsonFile(file.string())));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(file.string() + "：" + e.what());
    }
    for (size_t i = 0; i + 1 < d.import_profiles.size(); ++i)
      if (d.import_profiles[i].id == d.import_profiles.back().id)
        throw std::runtime_error(file.string() + "：导入模板编号重复 " + d.import_profiles.back().id);
  }
  const std::string linkage_path = data_dir + "/linkage.json";
  const std::string findings_path = data_dir + "/findings.json";
  try {
    d.linkage = linkage::LinkageConfig::FromJson(ReadJsonFile(linkage_path));
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(linkage_path + "：" + e.what());
  }
  try {
    d.need_rules = NeedRulesFromJson(ReadJsonFile(findings_path));
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(findings_path + "：" + e.what());
  }
  // Care policy: a file that does not validate stops the start with its name and the reason.
  const auto load = [&](const std::string& name, auto parse) {
    const std::string path = data_dir + "/" + name;
    try {
      parse(ReadJsonFile(path));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(path + "：" + e.what());
    } catch (const nlohmann::json::exception& e) {
      throw std::runtime_error(path + "：" + e.what());
    }
  };
  load("warning_rules.json", [&](const nlohmann::json& j) { d.care.rules = care::RuleSet::FromJson(j); });
  load("care.json", [&](const nlohmann::json& j) {
    d.care.case_flow = care::CaseFlowConfig::FromJson(j.at("case_flow"));
    d.care.visits = care::VisitPolicy::FromJson(j.at("visits"));
  });
  load("assessment.json", [&](const nlohmann::json& j) { d.care.assessment = care::AssessmentForm::FromJson(j); });
  load("service_catalogue.json", [&](const nlohmann::json& j) { d.catalogue = care::ServiceCatalogue::FromJson(j); });
  load("supervision.json", [&](const nlohmann::json& j) { d.supervision = stats::SupervisionConfig::FromJson(j); });
}

}  // namespace

Deployment OpenDeployment(const std::string& db_path, const std::string& data_dir) {
  Deployment d;
  const std::string regions = data_dir + "/regions/";
  int bad = d.regions.LoadProvincesCsv(ReadFileText(regions + "provinces.csv"));
  bad += d.regions.LoadCitiesCsv(ReadFileText(regions + "cities.csv"));
  bad += d.regions.LoadCountiesCsv(ReadFileText(regions + "areas.csv"));
  bad += d.regions.LoadTownshipsCsv(ReadFileText(regions + "streets.csv"));
  if (bad > 0) std::fprintf(stderr, "区划数据中有 %d 行无法读取，已跳过\n", bad);
  if (d.regions.size() == 0) throw std::runtime_error("区划数据为空：" + regions);
  std::string error;
  const std::string config_path = data_dir + "/classification.json";
  if (!ClassificationConfig::FromJson(ReadFileText(config_path), &d.config, &error))
    throw std::runtime_error(config_path + "：" + error);
  LoadDepartmentConfig(d, data_dir);
  d.store = OpenStore(db_path);
  for (const auto& [code, name] : d.store->Villages()) d.regions.Add(code, name);
  return d;
}

}  // namespace tongan
