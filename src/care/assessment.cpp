#include "care/assessment.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "care/json_read.h"

namespace tongan::care {
namespace {

using nlohmann::json;

AssessmentItem ReadItem(const json& j, size_t index, const std::string& form_where) {
  std::string where = form_where + "第" + std::to_string(index + 1) + "题";
  if (!j.is_object()) throw std::invalid_argument(where + "应为对象");
  AssessmentItem item;
  item.id = internal::ReadString(j, "id", true, where + " ");
  where = form_where + "题目 " + item.id + "：";
  internal::CheckKeys(j, {"id", "label_zh", "options"}, where);
  item.label_zh = internal::ReadString(j, "label_zh", true, where);
  const auto options = j.find("options");
  if (options == j.end() || !options->is_array() || options->size() < 2)
    throw std::invalid_argument(where + "选项 options 至少应有两项");
  for (size_t i = 0; i < options->size(); ++i) {
    const json& o = (*options)[i];
    const std::string at = where + "第" + std::to_string(i + 1) + "个选项";
    if (!o.is_object()) throw std::invalid_argument(at + "应为对象 {\"label_zh\", \"score\"}");
    internal::CheckKeys(o, {"label_zh", "score"}, at);
    AssessmentOption option;
    option.label_zh = internal::ReadString(o, "label_zh", true, at + " ");
    if (!o.contains("score")) throw std::invalid_argument(at + "缺少分值 score");
    option.score = internal::ReadInt(o, "score", 0, 0, at + " ");
    item.options.push_back(std::move(option));
  }
  return item;
}

std::string Where(const AssessmentItem& item) { return "题目「" + item.label_zh + "」（" + item.id + "）"; }

}  // namespace

AssessmentForm AssessmentForm::FromJson(const json& j) {
  std::string where = "评估表：";
  if (!j.is_object()) throw std::invalid_argument(where + "应为 JSON 对象");
  AssessmentForm form;
  form.id = internal::ReadString(j, "id", true, where);
  where = "评估表 " + form.id + "：";
  internal::CheckKeys(j, {"id", "title_zh", "items", "levels"}, where);
  form.title_zh = internal::ReadString(j, "title_zh", true, where);

  const auto items = j.find("items");
  if (items == j.end() || !items->is_array() || items->empty())
    throw std::invalid_argument(where + "缺少题目列表 items");
  std::set<std::string> ids;
  for (size_t i = 0; i < items->size(); ++i) {
    AssessmentItem item = ReadItem((*items)[i], i, where);
    if (!ids.insert(item.id).second) throw std::invalid_argument(where + "题目 id 重复：" + item.id);
    form.items.push_back(std::move(item));
  }

  const auto levels = j.find("levels");
  if (levels == j.end() || !levels->is_array() || levels->empty())
    throw std::invalid_argument(where + "缺少风险等级列表 levels");
  for (size_t i = 0; i < levels->size(); ++i) {
    const json& l = (*levels)[i];
    const std::string at = where + "levels 第" + std::to_string(i + 1) + "项";
    if (!l.is_object()) throw std::invalid_argument(at + "应为对象 {\"min_score\", \"level\", \"level_zh\"}");
    internal::CheckKeys(l, {"min_score", "level", "level_zh"}, at);
    AssessmentLevel level;
    if (!l.contains("min_score")) throw std::invalid_argument(at + "缺少起始分 min_score");
    level.min_score = internal::ReadInt(l, "min_score", 0, 0, at + " ");
    level.level = internal::ReadString(l, "level", true, at + " ");
    level.level_zh = internal::ReadString(l, "level_zh", true, at + " ");
    form.levels.push_back(std::move(level));
  }
  std::stable_sort(form.levels.begin(), form.levels.end(),
                   [](const AssessmentLevel& a, const AssessmentLevel& b) { return a.min_score < b.min_score; });
  std::set<std::string> level_codes;
  for (size_t i = 0; i < form.levels.size(); ++i) {
    if (!level_codes.insert(form.levels[i].level).second)
      throw std::invalid_argument(where + "风险等级重复：" + form.levels[i].level);
    if (i > 0 && form.levels[i].min_score == form.levels[i - 1].min_score)
      throw std::invalid_argument(where + "等级 " + form.levels[i - 1].level + " 与 " + form.levels[i].level +
                                  " 的起始分相同：" + std::to_string(form.levels[i].min_score));
  }
  int lowest_total = 0;
  for (const auto& item : form.items) {
    int lowest = item.options.front().score;
    for (const auto& o : item.options) lowest = std::min(lowest, o.score);
    lowest_total += lowest;
  }
  if (form.levels.front().min_score > lowest_total)
    throw std::invalid_argument(where + "最低等级 " + form.levels.front().level + " 的起始分 " +
                                std::to_string(form.levels.front().min_score) + " 高于最低可能总分 " +
                                std::to_string(lowest_total) + "，部分总分将没有等级");
  return form;
}

json AssessmentForm::ToJson() const {
  json item_list = json::array();
  for (const auto& item : items) {
    json options = json::array();
    for (const auto& o : item.options) options.push_back({{"label_zh", o.label_zh}, {"score", o.score}});
    item_list.push_back({{"id", item.id}, {"label_zh", item.label_zh}, {"options", options}});
  }
  json level_list = json::array();
  for (const auto& l : levels)
    level_list.push_back({{"min_score", l.min_score}, {"level", l.level}, {"level_zh", l.level_zh}});
  return {{"id", id}, {"title_zh", title_zh}, {"items", item_list}, {"levels", level_list}};
}

AssessmentResult Score(const AssessmentForm& form, const std::map<std::string, int>& answers) {
  for (const auto& [id, index] : answers) {
    const bool known = std::any_of(form.items.begin(), form.items.end(),
                                   [&id = id](const AssessmentItem& item) { return item.id == id; });
    if (!known) throw std::invalid_argument("评估表中没有题目 " + id);
  }
  AssessmentResult result;
  for (const auto& item : form.items) {
    const auto it = answers.find(item.id);
    if (it == answers.end()) throw std::invalid_argument(Where(item) + "未作答");
    if (it->second < 0 || it->second >= static_cast<int>(item.options.size()))
      throw std::invalid_argument(Where(item) + "的选项 " + std::to_string(it->second) + " 不存在（应为 0 到 " +
                                  std::to_string(item.options.size() - 1) + "）");
    result.total += item.options[it->second].score;
  }
  for (const auto& level : form.levels) {
    if (result.total < level.min_score) break;
    result.level = level.level;
    result.level_zh = level.level_zh;
  }
  return result;
}

}  // namespace tongan::care
