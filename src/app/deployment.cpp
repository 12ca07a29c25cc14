#include "app/deployment.h"

#include <cstdio>
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
  d.store = OpenSqliteStore(db_path);
  for (const auto& [code, name] : d.store->Villages()) d.regions.Add(code, name);
  return d;
}

}  // namespace tongan
