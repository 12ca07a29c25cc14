// Assessment (评估帮扶, DOMAIN.md §6): a scored risk form; each answer has a score, the total falls
// into a level. The form is data (data/assessment.json) so that a city can use its own.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tongan::care {

struct AssessmentOption {
  std::string label_zh;
  int score = 0;
};

struct AssessmentItem {
  std::string id;
  std::string label_zh;
  std::vector<AssessmentOption> options;
};

// A total of at least min_score (and below the next level's) is this level.
struct AssessmentLevel {
  int min_score = 0;
  std::string level;     // low medium high critical
  std::string level_zh;  // 低风险 …
};

struct AssessmentForm {
  std::string id;
  std::string title_zh;
  std::vector<AssessmentItem> items;
  std::vector<AssessmentLevel> levels;  // sorted by min_score

  // Reads {"id", "title_zh", "items": [{"id", "label_zh", "options": [{"label_zh", "score"}]}],
  // "levels": [{"min_score", "level", "level_zh"}]}. Levels are sorted on load; the lowest must
  // start at or below the lowest possible total so that every total has a level. Throws
  // std::invalid_argument (Chinese, naming the item or level).
  static AssessmentForm FromJson(const nlohmann::json& json);
  nlohmann::json ToJson() const;
};

struct AssessmentResult {
  int total = 0;
  std::string level;
  std::string level_zh;
};

// answers: item id → option index (0-based). Every item must be answered with an index in range,
// and only the form's items: otherwise std::invalid_argument naming the item (Chinese).
AssessmentResult Score(const AssessmentForm& form, const std::map<std::string, int>& answers);

}  // namespace tongan::care
