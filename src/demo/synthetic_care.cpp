#include "demo/synthetic_care.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "demo/synthetic_family.h"

namespace tongan::synthetic {
namespace {

using PS = ParentStatus;

constexpr std::array<std::string_view, 7> kDisabilityKinds = {
    "肢体残疾", "智力残疾", "言语残疾", "听力残疾", "视力残疾", "孤独症谱系障碍", "多重残疾"};
constexpr std::array<std::string_view, 7> kSeriousIllnesses = {
    "先天性心脏病", "白血病", "肾病综合征", "癫痫", "1型糖尿病", "血友病", "脑瘫"};
constexpr std::array<std::string_view, 4> kPsychNotes = {
    "情绪低落，不愿与人交流", "有厌学情绪，注意力不集中", "有攻击性行为，经常与同学冲突",
    "沉迷网络游戏，夜不归宿"};

bool Lost(PS s) { return s == PS::kDeceased || s == PS::kMissing; }
bool Unable(PS s) {
  return s == PS::kMissing || s == PS::kImprisoned || s == PS::kSeverelyDisabled ||
         s == PS::kSeriouslyIll;
}
bool IsOrphan(const Child& c) {
  return c.father.status == PS::kDeceased && c.mother.status == PS::kDeceased;
}
// Parents both unable, or one lost and the other unable (民发〔2019〕62号).
bool IsDeFactoUnsupported(const Child& c) {
  const PS f = c.father.status, m = c.mother.status;
  if (IsOrphan(c)) return false;
  return (Unable(f) && Unable(m)) || (Lost(f) && Unable(m)) || (Lost(m) && Unable(f));
}
bool IsLeftBehindShaped(const Child& c) {
  const PS f = c.father.status, m = c.mother.status;
  const auto incapable = [](PS s) {
    return s == PS::kDeceased || Unable(s) || s == PS::kUnableOther;
  };
  const bool f_away = f == PS::kWorkingAway, m_away = m == PS::kWorkingAway;
  return (f_away && m_away) || (f_away && incapable(m)) || (m_away && incapable(f));
}
bool PoorFamily(const Child& c) {
  return c.family_economy == FamilyEconomy::kDibao || c.family_economy == FamilyEconomy::kTekun;
}

void AddOnce(std::vector<std::string>& list, std::string_view item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.emplace_back(item);
}

Disability PickDisabilityLevel(Rng& rng) {
  const double draw = rng.Unit();
  if (draw < 0.20) return Disability::kLevel1;
  if (draw < 0.50) return Disability::kLevel2;
  if (draw < 0.75) return Disability::kLevel3;
  return Disability::kLevel4;
}

bool Severe(Disability d) { return d == Disability::kLevel1 || d == Disability::kLevel2; }

std::string ParentsNote(const Child& c) {
  std::string note = "父亲";
  note += ParentStatusWords(c.father.status);
  note += "，母亲";
  note += ParentStatusWords(c.mother.status);
  if (c.living_with == LivingWith::kInstitution)
    note += "，现由儿童福利机构养育";
  else if (!c.guardian.relation.empty())
    note += "，由" + c.guardian.relation + "照料";
  return note;
}

}  // namespace

void AddDifficulties(Rng& rng, Child& c, const CareContext& context) {
  const double hardship = context.family_hardship ? 2.5 : 1.0;
  if (rng.Chance(0.010 * hardship)) c.disability = PickDisabilityLevel(rng);
  c.serious_illness = rng.Chance(0.005 * hardship);
  const double psych = (IsLeftBehindShaped(c) ? 2.0 : 1.0) * hardship;
  c.psych_abnormal = context.age >= 6 && rng.Chance(0.004 * psych);
  c.vagrant = context.age >= 10 && rng.Chance(0.0003 * hardship * hardship);
  double asks = 0.003;
  if (context.family_hardship || PoorFamily(c))
    asks = 0.05;
  else if (c.disability != Disability::kNone || c.serious_illness)
    asks = 0.03;
  c.asked_for_help = rng.Chance(asks);
}

void AddHealth(Rng& rng, Child& c, const CareContext& context) {
  if (context.age <= 6) {
    c.health.has_health_record = rng.Chance(context.recent_arrival ? 0.75
                                            : context.moved_here   ? 0.88
                                                                   : 0.95);
    c.health.vaccinated = rng.Chance(context.recent_arrival ? 0.88 : 0.96);
  } else {
    c.health.has_health_record = rng.Chance(0.75);
    c.health.vaccinated = rng.Chance(0.97);
  }
  if (c.disability != Disability::kNone) c.health.notes = std::string(rng.Pick(kDisabilityKinds));
  if (c.serious_illness) {
    if (!c.health.notes.empty()) c.health.notes += "；";
    c.health.notes += rng.Pick(kSeriousIllnesses);
  }
  if (c.psych_abnormal && rng.Chance(0.6)) {
    if (!c.health.notes.empty()) c.health.notes += "；";
    c.health.notes += rng.Pick(kPsychNotes);
  }
}

void AddBenefitsNeedsNotes(Rng& rng, Child& c, const CareContext& context) {
  const bool orphan = IsOrphan(c), de_facto = IsDeFactoUnsupported(c);
  const bool disabled = c.disability != Disability::kNone;
  auto& benefits = c.benefits;
  if (c.family_economy == FamilyEconomy::kDibao && rng.Chance(0.95)) AddOnce(benefits, "低保");
  if (c.family_economy == FamilyEconomy::kTekun && rng.Chance(0.95)) AddOnce(benefits, "特困供养");
  if (orphan && rng.Chance(0.95)) AddOnce(benefits, "孤儿基本生活费");
  if (de_facto && rng.Chance(0.85)) AddOnce(benefits, "事实无人抚养儿童基本生活补贴");
  if (disabled) {
    if (rng.Chance(context.age <= 6 ? 0.7 : 0.3)) AddOnce(benefits, "残疾儿童康复救助");
    if (Severe(c.disability) && rng.Chance(0.75)) AddOnce(benefits, "重度残疾人护理补贴");
    if (PoorFamily(c) && rng.Chance(0.8)) AddOnce(benefits, "困难残疾人生活补贴");
  }
  if (c.serious_illness && rng.Chance(0.6)) AddOnce(benefits, "医疗救助");
  if (context.age >= 6 && (PoorFamily(c) || orphan || de_facto || disabled) && rng.Chance(0.5))
    AddOnce(benefits, "教育资助");
  if ((context.family_hardship || PoorFamily(c)) && rng.Chance(0.1)) AddOnce(benefits, "临时救助");

  auto& needs = c.needs;
  const bool school_age = context.age >= 6;
  if (IsLeftBehindShaped(c)) {
    if (rng.Chance(0.40)) AddOnce(needs, "亲情陪伴");
    if (school_age && rng.Chance(0.20)) AddOnce(needs, "学业辅导");
    if (rng.Chance(0.15)) AddOnce(needs, "安全教育");
  }
  if (context.moved_here) {
    if (school_age && context.age <= 12 && rng.Chance(0.06)) AddOnce(needs, "课后托管");
    if (school_age && context.recent_arrival && rng.Chance(0.25)) AddOnce(needs, "入学协助");
    if (school_age && rng.Chance(0.04)) AddOnce(needs, "学业辅导");
  }
  if (disabled && rng.Chance(0.6)) AddOnce(needs, "医疗康复");
  if (Severe(c.disability) && rng.Chance(0.25)) AddOnce(needs, "生活照料");
  if (c.serious_illness && rng.Chance(0.5)) AddOnce(needs, "医疗康复");
  if (c.psych_abnormal && rng.Chance(0.8)) AddOnce(needs, "心理疏导");
  if (c.vagrant) {
    if (rng.Chance(0.5)) AddOnce(needs, "生活照料");
    if (rng.Chance(0.6)) AddOnce(needs, "安全教育");
  }
  if (orphan || de_facto) {
    if (rng.Chance(0.30)) AddOnce(needs, "生活照料");
    if (rng.Chance(0.25)) AddOnce(needs, "心理疏导");
    if (rng.Chance(0.08)) AddOnce(needs, "法律援助");
  }
  if (c.id_number.empty() && context.age >= 1 && rng.Chance(0.5)) AddOnce(needs, "户籍办理");
  if (rng.Chance(0.02)) AddOnce(needs, "安全教育");
  if (school_age && context.age <= 12 && rng.Chance(0.02)) AddOnce(needs, "课后托管");

  if ((orphan || de_facto || context.family_hardship) && rng.Chance(0.6))
    c.notes = ParentsNote(c);
  else if (IsLeftBehindShaped(c) && rng.Chance(0.3))
    c.notes = ParentsNote(c);
  if (c.vagrant)
    c.notes += (c.notes.empty() ? "" : "；") + std::string("曾多次离家外出流浪，经救助站护送返家");
  if (c.asked_for_help && rng.Chance(0.7))
    c.notes += (c.notes.empty() ? "" : "；") + std::string("家长到村（社区）申请帮扶");
  if (c.notes.empty() && context.recent_arrival && rng.Chance(0.1))
    c.notes = "随父母来本地务工居住";
}

}  // namespace tongan::synthetic
