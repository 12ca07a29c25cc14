// The generator proper: villages under the real townships, then households (parents, 1–3
// children, where they are registered and since when they live here), then one record per child.
// Helpers: synthetic_names (people), synthetic_places (villages, addresses), synthetic_hukou
// (registration places), synthetic_family (parents' situation), synthetic_care (difficulties,
// health, benefits, needs), synthetic_schooling, synthetic_ids (IDs, phones).
#include "demo/synthetic.h"

#include <algorithm>
#include <optional>
#include <set>

#include "demo/synthetic_care.h"
#include "demo/synthetic_family.h"
#include "demo/synthetic_hukou.h"
#include "demo/synthetic_ids.h"
#include "demo/synthetic_names.h"
#include "demo/synthetic_places.h"
#include "demo/synthetic_schooling.h"

namespace tongan {
namespace {

using namespace synthetic;
using std::chrono::days;
using std::chrono::sys_days;

// Rates of the deliberate faults of real registers.
constexpr double kInfantWithoutId = 0.30;  // under one year, number not yet applied for
constexpr double kChildWithoutId = 0.004;
constexpr double kParentPhoneMissing = 0.06;
constexpr double kParentIdMissing = 0.02;
constexpr double kLegacyIdOfOlderAdult = 0.08;  // 15-digit number, adults born before 1984
constexpr double kSiblingAddressVariant = 0.08;
constexpr double kResidenceSinceMissing = 0.03;
constexpr double kEthnicityMissing = 0.03;
constexpr double kHukouAddressMissing = 0.015;
constexpr double kParentStatusUnknown = 0.02;

constexpr double kMaleShare = 1.1 / 2.1;  // sex ratio about 110 boys to 100 girls

// Births in China by year, millions (国家统计局); later years stay at the last value.
double BirthsInYear(int year) {
  static constexpr double kBirths[] = {16.2, 15.8, 15.9, 16.1, 15.9, 15.9, 16.0,
                                       16.4, 16.4, 16.9, 16.6, 17.9, 17.2, 15.2,
                                       14.7, 12.0, 10.6, 9.6,  9.0,  9.5,  8.7};
  constexpr int kFirstYear = 2005, kCount = std::size(kBirths);
  if (year < kFirstYear) return kBirths[0];
  if (year >= kFirstYear + kCount) return kBirths[kCount - 1];
  return kBirths[year - kFirstYear];
}

struct Place {
  SyntheticVillage village;
  size_t county = 0;
  bool urban = false;
  std::string township_name;
  std::string road;  // communities: the road most households live on
  SchoolArea school_area;
  VillageSchools schools;
};

struct County {
  std::string code;
  std::string full_name;  // "河南省平顶山市新华区"
  HukouPlan hukou;
  std::vector<size_t> places;
};

// The days on which a child under 18 may have been born, and a sampler weighted by cohort size.
class BirthSampler {
 public:
  explicit BirthSampler(Date today)
      : latest_(today), earliest_(sys_days(AddYears(today, -18)) + days(1)) {
    for (int y = static_cast<int>(Date(earliest_).year()); y <= static_cast<int>(today.year()); ++y)
      max_weight_ = std::max(max_weight_, BirthsInYear(y));
  }
  sys_days Draw(Rng& rng) const {
    const int64_t span = (latest_ - earliest_).count() + 1;
    for (;;) {  // rejection by the size of the birth cohort: more school-age than infants
      const sys_days day = earliest_ + days(rng.Below(span));
      if (rng.Unit() * max_weight_ < BirthsInYear(static_cast<int>(Date(day).year()))) return day;
    }
  }
  bool Admits(sys_days day) const { return day >= earliest_ && day <= latest_; }

 private:
  sys_days latest_, earliest_;
  double max_weight_ = 0;
};

std::string PersonName(Rng& rng, std::string_view surname, Sex sex, Date birth) {
  std::string name(surname);
  name += PickGivenName(rng, sex, static_cast<int>(birth.year()));
  return name;
}

Date DaysBefore(Date date, int64_t count) { return Date(sys_days(date) - days(count)); }

// ---- villages ----------------------------------------------------------------------------

std::string CityNameForSchools(const RegionTree& regions, const std::string& county) {
  const Region* city = regions.Find(county.substr(0, 4));
  if (city == nullptr) return "";
  const bool placeholder =
      city->name == "市辖区" || city->name == "县" || city->name.find("直辖") != std::string::npos;
  if (!placeholder) return city->name;
  const Region* province = regions.Find(county.substr(0, 2));
  return province ? province->name : "";
}

void AddVillagesOfTownship(Rng& rng, const Region& township, int count, size_t county_index,
                           const SchoolArea& county_area, std::vector<Place>& places) {
  const bool urban = IsUrbanTownship(township.name);
  std::set<std::string> names;
  SchoolArea area = county_area;
  area.township_name = township.name;
  for (int i = 1; i <= count && i <= 999; ++i) {
    Place place;
    place.county = county_index;
    place.urban = urban;
    place.township_name = township.name;
    place.school_area = area;
    std::string stem;
    for (int attempt = 0; attempt < 30; ++attempt) {
      if (urban) {
        CommunityName community = MakeCommunityName(rng);
        place.village.name = std::move(community.name);
        place.road = std::move(community.road);
      } else {
        stem = MakeVillageStem(rng);
        place.village.name = stem + "村";
      }
      if (!names.count(place.village.name)) break;
    }
    if (names.count(place.village.name)) {  // crowded township: 李庄二村, 建设路二社区
      const std::string suffix = urban ? "社区" : "村";
      place.village.name.resize(place.village.name.size() - suffix.size());
      place.village.name += ChineseNumber(i) + suffix;
    }
    names.insert(place.village.name);
    char sequence[4];
    std::snprintf(sequence, sizeof sequence, "%03d", i);
    place.village.code = township.code + sequence;
    place.schools = MakeVillageSchools(rng, area, urban, place.road, stem);
    places.push_back(std::move(place));
  }
}

// ---- households --------------------------------------------------------------------------

struct Household {
  const Place* place = nullptr;
  const County* county = nullptr;
  HukouOrigin origin = HukouOrigin::kLocal;
  std::string hukou_county;  // 6 digits, the county that issued the family's IDs
  std::string hukou_code;    // 6, 9 or 12 digits
  std::string hukou_address;
  std::string address;
  std::optional<Date> moved_in;  // none: lived here since the children were born
  FamilySituation situation;
  std::string ethnicity;
  std::string father_surname, mother_surname;
  Parent father, mother;
  Guardian guardian;
  std::vector<sys_days> births;
};

class Generator {
 public:
  Generator(const RegionTree& regions, const SyntheticOptions& options)
      : regions_(regions),
        options_(options),
        today_(options.today.ok() ? options.today : TodayInChina()),
        births_(today_),
        ids_(static_cast<size_t>(options.children > 0 ? options.children * 3 : 0)) {
  }  // children, parents, grandparents

  // Villages first: the children's places are drawn from them.
  std::vector<SyntheticVillage> MakeAllVillages() {
    std::vector<SyntheticVillage> villages;
    MakeVillages();
    for (const Place& p : places_) {
      villages.push_back(p.village);
      place_weights_.Add(p.urban ? 1.0 + 2.0 * village_rng_.Unit() : 0.4 + village_rng_.Unit());
    }
    return villages;
  }

  // Whole households until `out` has grown by `at_most` or all children are made.
  bool AddChildren(std::vector<Child>& out, size_t at_most) {
    if (places_.empty()) return false;
    const size_t target = out.size() + at_most;
    while (made_ < options_.children && out.size() < target) {
      const size_t before = out.size();
      AddHousehold(out);
      made_ += static_cast<int64_t>(out.size() - before);
    }
    return made_ < options_.children;
  }

 private:
  void MakeVillages() {
    std::set<std::string> seen;
    for (const std::string& code : options_.county_codes) {
      const Region* county = regions_.Find(code);
      if (county == nullptr || county->level != RegionLevel::kCounty || !seen.insert(code).second)
        continue;
      const size_t index = counties_.size();
      counties_.push_back({code, regions_.FullName(code), HukouPlan(regions_, code), {}});
      const SchoolArea area{CityNameForSchools(regions_, code), county->name, ""};
      for (const Region* township : regions_.ChildrenOf(code)) {
        if (township->level != RegionLevel::kTownship) continue;
        const size_t first = places_.size();
        AddVillagesOfTownship(village_rng_, *township, options_.villages_per_township, index, area,
                              places_);
        for (size_t i = first; i < places_.size(); ++i) counties_[index].places.push_back(i);
      }
    }
  }

  // 1–3 children (China's families since the two- and three-child policies), spaced like real
  // siblings, occasionally twins; siblings 18 or older are not in the register.
  std::vector<sys_days> SiblingBirths() {
    const double size_draw = rng_.Unit();
    const int count = size_draw < 0.42 ? 1 : size_draw < 0.87 ? 2 : 3;
    const int anchor = static_cast<int>(rng_.Below(count));
    std::vector<sys_days> births(count);
    births[anchor] = births_.Draw(rng_);
    for (int i = anchor - 1; i >= 0; --i) births[i] = births[i + 1] - days(SiblingGap());
    for (int i = anchor + 1; i < count; ++i) births[i] = births[i - 1] + days(SiblingGap());
    std::erase_if(births, [this](sys_days d) { return !births_.Admits(d); });
    return births;
  }

  int SiblingGap() {
    if (rng_.Chance(0.012)) return 0;  // twins
    static const WeightedTable kYears(
        std::vector<double>{0.10, 0.22, 0.22, 0.16, 0.12, 0.08, 0.06, 0.04});
    const int years = static_cast<int>(kYears.Pick(rng_)) + 1;
    return std::max(300, years * 365 + rng_.Between(-150, 150));
  }

  std::string PickEthnicity() {
    const double draw = rng_.Unit();
    if (draw < 0.986) return "汉族";
    if (draw < 0.996) return "回族";
    static constexpr const char* kMinorities[] = {"满族", "蒙古族", "壮族",
                                                  "苗族", "土家族", "彝族"};
    return rng_.Pick(kMinorities);
  }

  // An adult's ID: mostly 18 digits, sometimes a legacy 15-digit number, sometimes not recorded.
  std::string AdultId(const std::string& county6, Date birth, Sex sex, double legacy_share) {
    if (rng_.Chance(kParentIdMissing)) return "";
    if (static_cast<int>(birth.year()) < 1984 && rng_.Chance(legacy_share))
      return ids_.IssueLegacy15(county6, birth, sex, rng_);
    return ids_.Issue(county6, birth, sex, rng_);
  }

  std::string ParentPhone(ParentStatus status) {
    if (status == ParentStatus::kDeceased) return "";
    if (status == ParentStatus::kImprisoned && rng_.Chance(0.8)) return "";
    if (status == ParentStatus::kMissing && rng_.Chance(0.7)) return "";
    if (rng_.Chance(kParentPhoneMissing)) return "";
    return MakeMobilePhone(rng_);
  }

  Parent MakeParent(std::string_view surname, Sex sex, Date birth, const std::string& county6,
                    ParentStatus status) {
    Parent p;
    p.name = PersonName(rng_, surname, sex, birth);
    p.id_number = AdultId(county6, birth, sex, kLegacyIdOfOlderAdult);
    p.phone = ParentPhone(status);
    const bool recorded = status == ParentStatus::kAtHome || status == ParentStatus::kWorkingAway;
    p.status = recorded && rng_.Chance(kParentStatusUnknown) ? ParentStatus::kUnknown : status;
    return p;
  }

  void SetHukou(Household& h) {
    const County& county = *h.county;
    const Place& home = *h.place;
    const HukouCounty* from =
        h.origin == HukouOrigin::kLocal ? nullptr : county.hukou.PickCounty(h.origin, rng_);
    if (from == nullptr) {
      h.origin = HukouOrigin::kLocal;
      h.hukou_county = county.code;
      const Place& registered = rng_.Chance(0.7) ? home : places_[rng_.Pick(county.places)];
      h.hukou_code = registered.village.code;
      std::string tail = &registered == &home ? h.address
                         : registered.urban   ? MakeUrbanAddress(rng_, registered.road)
                                              : MakeRuralAddress(rng_, registered.village.name);
      h.hukou_address = county.full_name + registered.township_name + tail;
      if (&registered != &home) h.moved_in = DaysBefore(today_, rng_.Below(15 * 365));
      return;
    }
    h.hukou_county = from->code;
    h.hukou_address = from->full_name;
    if (!from->townships.empty() && rng_.Chance(0.75)) {
      const HukouTownship& township = rng_.Pick(from->townships);
      h.hukou_code = township.code;
      h.hukou_address += township.name;
      if (IsUrbanTownship(township.name)) {
        h.hukou_address += MakeUrbanAddress(rng_, MakeCommunityName(rng_).road);
        return;
      }
    } else {
      h.hukou_code = from->code;
    }
    h.hukou_address += MakeRuralAddress(rng_, MakeVillageStem(rng_) + "村");
  }

  // How long ago a family from elsewhere arrived: a few very recently (under six months, not
  // yet migrant by definition), most between one and ten years.
  int64_t ArrivalDaysAgo() {
    const double draw = rng_.Unit();
    if (draw < 0.08) return rng_.Below(182);
    if (draw < 0.28) return 182 + rng_.Below(548);
    if (draw < 0.60) return 730 + rng_.Below(1096);
    if (draw < 0.88) return 1826 + rng_.Below(1826);
    return 3652 + rng_.Below(3652);
  }

  void SetParents(Household& h) {
    const Date eldest(h.births.front());
    static const WeightedTable kMotherAge(std::vector<double>{
        1, 2, 3, 5, 7, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 2, 1, 1, 0.5, 0.5});  // 20..39
    const int mother_age = 20 + static_cast<int>(kMotherAge.Pick(rng_));
    const Date mother_birth = DaysBefore(AddYears(eldest, -mother_age), rng_.Below(365));
    static const WeightedTable kAgeGap(std::vector<double>{1, 2, 5, 8, 8, 6, 4, 2, 1});  // -2..+6
    const int gap = static_cast<int>(kAgeGap.Pick(rng_)) - 2;
    Date father_birth = DaysBefore(AddYears(mother_birth, -gap), rng_.Between(-120, 120));
    if (father_birth > AddYears(eldest, -21))
      father_birth = DaysBefore(AddYears(eldest, -21), rng_.Below(365));

    h.father_surname = PickSurname(rng_);
    h.mother_surname = PickSurname(rng_);
    // Mothers married in from another county a quarter of the time.
    std::string mother_county = h.hukou_county;
    if (rng_.Chance(0.25)) {
      const HukouCounty* other = h.county->hukou.PickCounty(h.origin == HukouOrigin::kOtherProvince
                                                                ? HukouOrigin::kOtherProvince
                                                                : HukouOrigin::kProvince,
                                                            rng_);
      if (other != nullptr) mother_county = other->code;
    }
    h.father =
        MakeParent(h.father_surname, Sex::kMale, father_birth, h.hukou_county, h.situation.father);
    h.mother =
        MakeParent(h.mother_surname, Sex::kFemale, mother_birth, mother_county, h.situation.mother);

    const CaregiverKind caregiver = PickCaregiver(rng_, h.situation);
    if (caregiver == CaregiverKind::kNone) return;
    Guardian& g = h.guardian;
    if (caregiver == CaregiverKind::kInstitution) {
      g.name = h.place->school_area.city_name + "儿童福利院";
      g.relation = RelationName(caregiver, false);
      return;
    }
    const bool male = rng_.Chance(caregiver == CaregiverKind::kRelative ? 0.5 : 0.4);
    const Sex sex = male ? Sex::kMale : Sex::kFemale;
    const bool maternal = caregiver == CaregiverKind::kMaternalGrandparent;
    const Date parent_birth = maternal ? mother_birth : father_birth;
    const Date birth =
        caregiver == CaregiverKind::kRelative
            ? DaysBefore(parent_birth, rng_.Between(-1800, 1800))
            : DaysBefore(AddYears(parent_birth, -rng_.Between(22, 32)), rng_.Below(365));
    std::string_view surname = maternal ? h.mother_surname : h.father_surname;
    if (!male && caregiver != CaregiverKind::kRelative) surname = PickSurname(rng_);
    g.name = PersonName(rng_, surname, sex, birth);
    g.relation = RelationName(caregiver, male);
    g.id_number = AdultId(maternal ? mother_county : h.hukou_county, birth, sex, 0.25);
    g.phone = rng_.Chance(0.8) ? MakeMobilePhone(rng_) : "";
    g.capable = rng_.Chance(0.95);
  }

  void AddHousehold(std::vector<Child>& out) {
    Household h;
    h.place = &places_[place_weights_.Pick(rng_)];
    h.county = &counties_[h.place->county];
    const County& county = *h.county;
    h.births = SiblingBirths();
    if (h.births.empty()) return;
    h.address = h.place->urban ? MakeUrbanAddress(rng_, h.place->road)
                               : MakeRuralAddress(rng_, h.place->village.name);
    h.origin = county.hukou.PickOrigin(rng_, !h.place->urban);
    SetHukou(h);
    if (h.origin != HukouOrigin::kLocal) h.moved_in = DaysBefore(today_, ArrivalDaysAgo());
    h.situation = PickFamilySituation(rng_, h.origin, !h.place->urban);
    h.ethnicity = PickEthnicity();
    SetParents(h);
    std::vector<std::string> given_names;
    const size_t start = out.size();
    for (size_t i = 0; i < h.births.size() && made_ + static_cast<int64_t>(out.size() - start) < options_.children;
         ++i)
      FillChild(h, i, given_names, out.emplace_back());
  }

  void FillChild(const Household& h, size_t index, std::vector<std::string>& sibling_names,
                 Child& c) {
    c.sex = rng_.Chance(kMaleShare) ? Sex::kMale : Sex::kFemale;
    c.birth_date = Date(h.births[index]);
    const int age = AgeInYears(c.birth_date, today_);
    // Siblings share the father's surname; a few take the mother's (often a second child).
    const bool mothers_surname = rng_.Chance(index == 0 ? 0.02 : 0.08);
    const std::string& surname = mothers_surname ? h.mother_surname : h.father_surname;
    for (int attempt = 0; attempt < 8; ++attempt) {
      c.name = PersonName(rng_, surname, c.sex, c.birth_date);
      if (std::find(sibling_names.begin(), sibling_names.end(), c.name) == sibling_names.end())
        break;
    }
    sibling_names.push_back(c.name);
    const bool without_id = rng_.Chance(age < 1 ? kInfantWithoutId : kChildWithoutId);
    if (!without_id) c.id_number = ids_.Issue(h.hukou_county, c.birth_date, c.sex, rng_);
    c.ethnicity = rng_.Chance(kEthnicityMissing) ? "" : h.ethnicity;

    c.region_code = h.place->village.code;
    c.address = index > 0 && rng_.Chance(kSiblingAddressVariant)
                    ? VaryAddress(rng_, h.address, h.place->township_name)
                    : h.address;
    bool recent_arrival = false;
    if (!rng_.Chance(kResidenceSinceMissing)) {
      Date since = c.birth_date;
      if (h.moved_in && *h.moved_in > since) since = *h.moved_in;
      // Some children of families from elsewhere joined their parents later.
      if (h.origin != HukouOrigin::kLocal && rng_.Chance(0.12)) {
        const int64_t room = (sys_days(today_) - sys_days(since)).count();
        if (room > 0) since = Date(sys_days(since) + days(rng_.Below(room)));
      }
      c.residence_since = since;
      recent_arrival =
          h.origin != HukouOrigin::kLocal && sys_days(since) > sys_days(today_) - days(365);
    }
    c.hukou_region_code = h.hukou_code;
    if (!rng_.Chance(kHukouAddressMissing)) c.hukou_address = h.hukou_address;

    c.living_with = h.situation.living_with;
    c.father = h.father;
    c.mother = h.mother;
    c.guardian = h.guardian;
    if (c.living_with == LivingWith::kOtherGuardian && age >= 14 && rng_.Chance(0.04))
      c.living_with = LivingWith::kAlone;  // teenager left on their own
    c.family_economy = h.situation.economy;

    const CareContext context{age, h.situation.hardship, h.origin != HukouOrigin::kLocal,
                              recent_arrival};
    AddDifficulties(rng_, c, context);
    SchoolingRisk risk;
    risk.severe_disability =
        c.disability == Disability::kLevel1 || c.disability == Disability::kLevel2;
    risk.dropout_prone = h.situation.hardship || c.living_with == LivingWith::kOtherGuardian ||
                         c.living_with == LivingWith::kAlone || c.psych_abnormal;
    c.schooling =
        MakeSchooling(rng_, c.birth_date, today_, h.place->schools, h.place->school_area, risk);
    AddHealth(rng_, c, context);
    AddBenefitsNeedsNotes(rng_, c, context);
  }

  const RegionTree& regions_;
  const SyntheticOptions& options_;
  const Date today_;
  // Villages draw from their own stream so that they do not change with the number of children.
  Rng village_rng_{options_.seed};
  Rng rng_{options_.seed ^ 0x9e3779b97f4a7c15ull};
  BirthSampler births_;
  IdIssuer ids_;
  std::vector<County> counties_;
  std::vector<Place> places_;
  WeightedTable place_weights_;
  int64_t made_ = 0;
};

}  // namespace

struct SyntheticStream::State {
  State(const RegionTree& regions, const SyntheticOptions& options)
      : options(options), generator(regions, this->options) {}
  SyntheticOptions options;  // the generator keeps a reference to it
  Generator generator;
};

SyntheticStream::SyntheticStream(const RegionTree& regions, const SyntheticOptions& options)
    : state_(std::make_unique<State>(regions, options)), villages_(state_->generator.MakeAllVillages()) {}

SyntheticStream::~SyntheticStream() = default;

bool SyntheticStream::Next(std::vector<Child>& out, size_t at_most) {
  out.clear();
  if (!more_) return false;
  more_ = state_->generator.AddChildren(out, std::max<size_t>(at_most, 1));  // 0 would stall the stream
  return !out.empty();
}

SyntheticData GenerateSynthetic(const RegionTree& regions, const SyntheticOptions& options) {
  SyntheticStream stream(regions, options);
  SyntheticData data;
  data.villages = stream.villages();
  if (options.children > 0) data.children.reserve(static_cast<size_t>(options.children));
  std::vector<Child> batch;
  while (stream.Next(batch, 1 << 16))
    data.children.insert(data.children.end(), std::make_move_iterator(batch.begin()),
                         std::make_move_iterator(batch.end()));
  return data;
}

}  // namespace tongan
