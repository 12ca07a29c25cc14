#include "demo/synthetic_schooling.h"

#include <array>

#include "demo/synthetic_places.h"

namespace tongan::synthetic {
namespace {

constexpr std::array<std::string_view, 12> kKindergartenWords = {
    "小太阳", "金色童年", "小天使", "育英",   "启明星", "博苑",
    "爱心",   "童乐",     "蓝天",   "小博士", "贝贝",   "阳光"};
constexpr std::array<std::string_view, 4> kVocationalSchools = {"工业学校", "财经学校", "卫生学校",
                                                                "职业技术学校"};
constexpr std::array<std::string_view, 3> kKindergartenGrades = {"小班", "中班", "大班"};

std::string Ordinal(int n) { return "第" + ChineseNumber(n); }

// "一年级" … "六年级", "七年级" … "九年级", "高一" … "高三".
std::string GradeName(int grade, bool vocational) {
  if (grade <= 9) return ChineseNumber(grade) + "年级";
  if (vocational) return "中职" + ChineseNumber(grade - 9) + "年级";
  return "高" + ChineseNumber(grade - 9);
}

// Any primary school of the county, for children who do not attend their village's school.
std::string CountyPrimarySchool(Rng& rng, const SchoolArea& area) {
  return area.county_name + Ordinal(rng.Between(1, 20)) + "小学";
}

std::string SeniorSchool(Rng& rng, const SchoolArea& area, bool vocational) {
  const bool county_school = rng.Chance(0.4);
  if (vocational) {
    if (county_school) return area.county_name + "职业教育中心";
    return area.city_name + std::string(rng.Pick(kVocationalSchools));
  }
  if (county_school) return area.county_name + (rng.Chance(0.5) ? "高级中学" : "第一高级中学");
  return area.city_name + Ordinal(rng.Between(1, 8)) + "高级中学";
}

}  // namespace

VillageSchools MakeVillageSchools(Rng& rng, const SchoolArea& area, bool urban,
                                  std::string_view road, std::string_view village_stem) {
  VillageSchools schools;
  const double k = rng.Unit(), p = rng.Unit(), m = rng.Unit();
  const int k_number = rng.Between(1, 12), p_number = rng.Between(1, 30);
  const int m_number = rng.Between(1, 40);
  const std::string word(rng.Pick(kKindergartenWords));
  if (urban) {
    schools.kindergarten = k < 0.4 ? area.county_name + Ordinal(k_number) + "幼儿园"
                                   : area.county_name + word + "幼儿园";
    schools.primary = p < 0.65   ? area.county_name + Ordinal(p_number) + "小学"
                      : p < 0.90 ? area.county_name + std::string(road) + "小学"
                                 : area.city_name + "实验小学";
    schools.middle = m < 0.4 ? area.county_name + Ordinal(m_number % 12 + 1) + "初级中学"
                             : area.city_name + Ordinal(m_number) + "中学";
  } else {
    const std::string& town = area.township_name;
    schools.kindergarten = k < 0.5   ? town + "中心幼儿园"
                           : k < 0.8 ? town + std::string(village_stem) + "幼儿园"
                                     : town + word + "幼儿园";
    schools.primary = p < 0.5 ? town + std::string(village_stem) + "小学" : town + "中心小学";
    schools.middle = m < 0.6 ? town + "第一初级中学" : town + "初级中学";
  }
  return schools;
}

int OnTimeGrade(Date birth, Date today) {
  const int school_year =
      static_cast<int>(today.year()) - (today.month() < std::chrono::September ? 1 : 0);
  const int entry_year =
      static_cast<int>(birth.year()) + (birth.month() <= std::chrono::August ? 6 : 7);
  return school_year - entry_year + 1;
}

Schooling MakeSchooling(Rng& rng, Date birth, Date today, const VillageSchools& schools,
                        const SchoolArea& area, SchoolingRisk risk) {
  Schooling s;
  int grade = OnTimeGrade(birth, today);
  const double draw = rng.Unit();
  if (grade <= -3) {
    s.status = "未到入学年龄";
    return s;
  }
  if (grade <= 0) {
    const double enrolled = grade == -2 ? 0.78 : 0.90;
    if (draw >= enrolled) {
      s.status = "未入学";
      return s;
    }
    s.status = "在园";
    s.school = rng.Chance(0.85) ? schools.kindergarten : area.county_name + "第一幼儿园";
    s.grade = kKindergartenGrades[grade + 2];
    return s;
  }
  if (grade >= 2 && rng.Chance(0.04)) --grade;  // started late or repeated a year
  if (grade <= 9) {
    if (risk.severe_disability && draw < 0.35) {
      s.status = "送教上门";
      s.school = schools.primary;
      s.grade = GradeName(grade, false);
      return s;
    }
    const double dropout = (risk.dropout_prone ? 0.02 : 0.002) * (grade >= 7 ? 3 : 1);
    if (draw < dropout) {
      s.status = "辍学";
      return s;
    }
    if (draw < dropout + 0.002)
      s.status = "休学";
    else
      s.status = "在读";
    if (grade <= 6)
      s.school = rng.Chance(0.85) ? schools.primary : CountyPrimarySchool(rng, area);
    else
      s.school =
          rng.Chance(0.9) ? schools.middle : area.city_name + Ordinal(rng.Between(1, 40)) + "中学";
    s.grade = GradeName(grade, false);
    return s;
  }
  if (grade <= 12) {
    const double out_of_school = risk.dropout_prone ? 0.20 : 0.09;
    if (draw < out_of_school) {
      s.status = rng.Chance(0.55) ? "已毕业" : "辍学";  // 已毕业: finished junior middle school
      return s;
    }
    const bool vocational = rng.Chance(0.35);
    s.status = "在读";
    s.school = SeniorSchool(rng, area, vocational);
    s.grade = GradeName(grade, vocational);
    return s;
  }
  s.status = "已毕业";
  return s;
}

}  // namespace tongan::synthetic
