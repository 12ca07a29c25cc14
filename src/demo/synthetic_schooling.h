// Schools and school status for synthetic children: the kindergarten, primary and junior middle
// school of each village, and a status and grade consistent with the child's age.
#pragma once

#include <string>
#include <string_view>

#include "core/child.h"
#include "core/date.h"
#include "demo/synthetic_random.h"

namespace tongan::synthetic {

// Names the schools of a place need: "平顶山市", "新华区", "焦店镇".
struct SchoolArea {
  std::string city_name;
  std::string county_name;
  std::string township_name;
};

// The schools the children of one village or community usually attend.
struct VillageSchools {
  std::string kindergarten;  // "新华区第二幼儿园", "焦店镇中心幼儿园"
  std::string primary;       // "新华区第三小学", "焦店镇李庄小学"
  std::string middle;        // "平顶山市第十六中学", "焦店镇第一初级中学"
};

// `road` names urban schools after the community's road; `village_stem` ("李庄") rural ones.
VillageSchools MakeVillageSchools(Rng& rng, const SchoolArea& area, bool urban,
                                  std::string_view road, std::string_view village_stem);

// Grade in the school year running on `today` for a child born on `birth` who started primary
// school on time (the September after turning six by 31 August): 1 = 一年级, 0 = 大班, -1 = 中班,
// 10 = 高一. May be below -2 for infants or above 12.
int OnTimeGrade(Date birth, Date today);

struct SchoolingRisk {
  bool severe_disability = false;  // may be taught at home (送教上门)
  bool dropout_prone = false;      // left-behind, unstable or poor families drop out more often
};

// Status (未到入学年龄 在园 在读 辍学 休学 送教上门 已毕业 未入学), school and grade consistent
// with age.
Schooling MakeSchooling(Rng& rng, Date birth, Date today, const VillageSchools& schools,
                        const SchoolArea& area, SchoolingRisk risk);

}  // namespace tongan::synthetic
