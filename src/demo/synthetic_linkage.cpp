#include "demo/synthetic_linkage.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "core/resident_id.h"
#include "demo/synthetic.h"
#include "demo/synthetic_ids.h"
#include "demo/synthetic_places.h"
#include "demo/synthetic_random.h"
#include "linkage/chinese.h"

namespace tongan {
namespace {

using linkage::Record;
using synthetic::Rng;

// Characters common in given names: a clerk's homophone slip lands on one of these (欣 -> 馨,
// 涵 -> 含), not on a rare character.
constexpr std::string_view kNameCharacters =
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞辉宇浩然子轩涵梓萱欣怡馨心新鑫"
    "昕睿瑞锐蕊泽择晨辰宸琪奇淇棋佳嘉家雨语羽禹煜昱宣璇瑶遥尧妍彦岩颜燕雁思斯诗施晴清青倩婷亭庭廷"
    "霆博波柏文雯豪昊皓灏航杭寒韩晗翰瀚一依伊宜仪逸亦奕易艺懿毅诺若晓小筱笑雪志智知芝梦萌孟悦月越"
    "玥乐岳凯楷俊骏峻君钧峰锋丰枫沐木慕安彬斌滨冰东冬栋丹旭煦阳扬菲霏婉宛露璐路琳林霖麟玲铃灵凌"
    "颖莹盈瑛荣蓉容天田甜添恬海瑾锦谨墨默铭鸣名茗民程成诚承城澄鹤贺赫含函珊姗善帆凡梵楠南彤桐童"
    "同瞳可珂科柯钰育毓裕元媛源原园远苑圆欢焕桓环蕾雷芮汐希熙溪曦夕西茜茹如儒曼蔓祺岐暄芷致沫莫"
    "茉嫣烟雅亚娅婧靖晶菁敬景璟靓仁任钢康亮良梁雄咏永泳涌建健剑坚卓琢桌泓鸿宏弘红虹洪翔祥向湘";

constexpr std::string_view kCompoundSurnames[] = {"欧阳", "司马", "上官", "诸葛", "司徒", "皇甫", "令狐", "夏侯"};

const std::vector<char32_t>& NameCharacters() {
  static const std::vector<char32_t> chars = [] {
    std::u32string all = linkage::DecodeUtf8(kNameCharacters);
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return std::vector<char32_t>(all.begin(), all.end());
  }();
  return chars;
}

size_t SurnameLength(const std::u32string& name) {
  for (std::string_view compound : kCompoundSurnames)
    if (name.size() >= 3 && name.starts_with(linkage::DecodeUtf8(compound))) return 2;
  return 1;
}

// A position in the given name mostly, the surname sometimes.
size_t PickPosition(Rng& rng, const std::u32string& name) {
  const size_t surname = SurnameLength(name);
  if (name.size() <= surname || rng.Chance(0.15)) return rng.Below(std::min(surname, name.size()));
  return surname + rng.Below(name.size() - surname);
}

std::string Typo(Rng& rng, const std::string& name) {
  std::u32string chars = linkage::DecodeUtf8(name);
  if (chars.empty()) return name;
  const size_t pos = PickPosition(rng, chars);
  const uint16_t sound = linkage::SyllableOf(chars[pos]);
  for (int attempt = 0; attempt < 20; ++attempt) {
    const char32_t c = rng.Pick(NameCharacters());
    if (c != chars[pos] && linkage::SyllableOf(c) != sound) {
      chars[pos] = c;
      break;
    }
  }
  return linkage::EncodeUtf8(chars);
}

// One digit of the first 17 changed, or two different neighbours swapped; the check character
// stays, so the result may or may not still pass the check.
std::string MistypeId(Rng& rng, std::string id) {
  if (id.size() != 18) return id;
  if (rng.Chance(0.5)) {
    const size_t pos = rng.Below(17);
    id[pos] = static_cast<char>('0' + (id[pos] - '0' + 1 + rng.Below(9)) % 10);
    return id;
  }
  for (int attempt = 0; attempt < 10; ++attempt) {
    const size_t pos = rng.Below(16);
    if (id[pos] != id[pos + 1]) {
      std::swap(id[pos], id[pos + 1]);
      return id;
    }
  }
  return id;
}

Date MakeDate(int y, int m, int d) {
  return Date{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
              std::chrono::day(static_cast<unsigned>(d))};
}

Date OffByOne(Rng& rng, Date date) {
  const int y = static_cast<int>(date.year());
  const int m = static_cast<int>(static_cast<unsigned>(date.month()));
  const int d = static_cast<int>(static_cast<unsigned>(date.day()));
  for (int attempt = 0; attempt < 20; ++attempt) {
    const int step = rng.Chance(0.5) ? 1 : -1;
    Date changed = date;
    switch (rng.Below(4)) {
      case 0: changed = MakeDate(y + step, m, d); break;
      case 1: changed = MakeDate(y, m + step, d); break;
      case 2: changed = MakeDate(y, m, d + step); break;
      default: {  // one digit of YYYYMMDD written wrong
        const int number = y * 10000 + m * 100 + d;
        int power = 1;
        for (uint64_t k = rng.Below(8); k > 0; --k) power *= 10;
        const int digit = number / power % 10;
        const int other = (digit + 1 + static_cast<int>(rng.Below(9))) % 10;
        const int changed_number = number + (other - digit) * power;
        changed = MakeDate(changed_number / 10000, changed_number / 100 % 100, changed_number % 100);
      }
    }
    // A form would reject a birth year in the future or long past.
    if (changed.ok() && changed != date && static_cast<int>(changed.year()) >= 2000 &&
        static_cast<int>(changed.year()) <= y + 1)
      return changed;
  }
  return date;
}

std::string JoinDistinct(std::initializer_list<const std::string*> values) {
  std::string out;
  std::set<std::string> seen;
  for (const std::string* v : values) {
    if (v->empty() || !seen.insert(*v).second) continue;
    if (!out.empty()) out += '|';
    out += *v;
  }
  return out;
}

std::string FormatPhone(Rng& rng, const std::string& phone) {
  if (phone.size() != 11) return phone;
  const double draw = rng.Unit();
  if (draw < 0.05) return "+86 " + phone;
  if (draw < 0.10) return phone.substr(0, 3) + " " + phone.substr(3, 4) + " " + phone.substr(7);
  return phone;
}

struct Values {
  std::string name, id_number, birth_date, sex, guardian_name, phone, address;
};

Record ToRecord(int64_t key, const Values& v, const std::vector<linkage::FieldSpec>& fields) {
  Record r;
  r.key = key;
  for (const linkage::FieldSpec& f : fields) {
    if (f.name == "name") r.values.push_back(v.name);
    else if (f.name == "id_number") r.values.push_back(v.id_number);
    else if (f.name == "birth_date") r.values.push_back(v.birth_date);
    else if (f.name == "sex") r.values.push_back(v.sex);
    else if (f.name == "guardian_name") r.values.push_back(v.guardian_name);
    else if (f.name == "phone") r.values.push_back(v.phone);
    else if (f.name == "address") r.values.push_back(v.address);
    else r.values.emplace_back();
  }
  return r;
}

Values RegistryValues(const Child& c) {
  Values v;
  v.name = c.name;
  v.id_number = c.id_number;
  v.birth_date = FormatIsoDate(c.birth_date);
  v.sex = std::string(SexNameZh(c.sex));
  v.guardian_name = JoinDistinct({&c.father.name, &c.mother.name, &c.guardian.name});
  v.phone = JoinDistinct({&c.father.phone, &c.mother.phone, &c.guardian.phone});
  v.address = c.address;
  return v;
}

class DepartmentWriter {
 public:
  DepartmentWriter(const RegionTree& regions, const std::vector<Child>& children,
                   const SyntheticLinkageOptions& options)
      : regions_(regions), children_(children), o_(options), rng_(options.seed ^ 0x3c6ef372fe94f82bull) {}

  Values Write(const Child& c) {
    Values v;
    v.name = c.name;
    const double name_draw = rng_.Unit();
    if (name_draw < o_.name_homophone) v.name = HomophoneName(rng_, c.name);
    else if (name_draw < o_.name_homophone + o_.name_traditional) v.name = TraditionalName(rng_, c.name);
    else if (name_draw < o_.name_homophone + o_.name_traditional + o_.name_typo) v.name = Typo(rng_, c.name);

    if (!c.id_number.empty() && !rng_.Chance(o_.id_missing))
      v.id_number = rng_.Chance(o_.id_mistyped) ? MistypeId(rng_, c.id_number) : c.id_number;

    Date birth = c.birth_date;
    const double date_draw = rng_.Unit();
    if (date_draw < o_.date_swapped) {
      const unsigned m = static_cast<unsigned>(birth.month()), d = static_cast<unsigned>(birth.day());
      if (d <= 12 && d != m) birth = MakeDate(static_cast<int>(birth.year()), static_cast<int>(d), static_cast<int>(m));
    } else if (date_draw < o_.date_swapped + o_.date_off_by_one) {
      birth = OffByOne(rng_, birth);
    }
    v.birth_date = FormatIsoDate(birth);
    const Sex other = c.sex == Sex::kMale ? Sex::kFemale : Sex::kMale;
    v.sex = std::string(SexNameZh(rng_.Chance(o_.sex_wrong) ? other : c.sex));

    // The person the department has on file: the guardian when the child lives with one,
    // otherwise a parent (mothers a little more often).
    const bool with_guardian = !c.guardian.name.empty() && (c.living_with == LivingWith::kOtherGuardian ||
                                                            c.living_with == LivingWith::kInstitution ||
                                                            rng_.Chance(0.1));
    const std::string* person = &c.guardian.name;
    const std::string* phone = &c.guardian.phone;
    if (!with_guardian) {
      const bool mother = rng_.Chance(0.55);
      person = mother ? &c.mother.name : &c.father.name;
      phone = mother ? &c.mother.phone : &c.father.phone;
    }
    if (person->empty()) person = !c.mother.name.empty() ? &c.mother.name : &c.father.name;
    if (!rng_.Chance(o_.guardian_missing)) {
      v.guardian_name = rng_.Chance(o_.guardian_homophone) ? HomophoneName(rng_, *person) : *person;
    }
    std::string number = *phone;
    for (const std::string* other : {&c.mother.phone, &c.father.phone, &c.guardian.phone})
      if (number.empty()) number = *other;
    if (!number.empty() && !rng_.Chance(o_.phone_missing))
      v.phone = FormatPhone(rng_, rng_.Chance(o_.phone_changed) ? synthetic::MakeMobilePhone(rng_) : number);

    v.address = c.address;
    if (rng_.Chance(o_.address_moved)) {
      v.address = children_[rng_.Below(children_.size())].address;
    } else if (rng_.Chance(o_.address_variant)) {
      const Region* township = regions_.Find(c.region_code.substr(0, 9));
      v.address = synthetic::VaryAddress(rng_, c.address, township ? township->name : "");
    }
    return v;
  }

 private:
  const RegionTree& regions_;
  const std::vector<Child>& children_;
  const SyntheticLinkageOptions& o_;
  Rng rng_;
};

}  // namespace

std::string HomophoneName(synthetic::Rng& rng, const std::string& name) {
  std::u32string chars = linkage::DecodeUtf8(name);
  if (chars.empty()) return name;
  const auto& common = NameCharacters();
  for (int attempt = 0; attempt < 6; ++attempt) {
    const size_t pos = PickPosition(rng, chars);
    std::vector<char32_t> options;
    const std::vector<char32_t> all = linkage::HomophonesOf(chars[pos]);
    for (char32_t c : all)
      if (std::binary_search(common.begin(), common.end(), c)) options.push_back(c);
    if (options.empty()) options = all;
    if (options.empty()) continue;
    chars[pos] = rng.Pick(options);
    return linkage::EncodeUtf8(chars);
  }
  return name;
}

std::string TraditionalName(synthetic::Rng& rng, const std::string& name) {
  std::u32string chars = linkage::DecodeUtf8(name);
  std::vector<size_t> positions;
  for (size_t i = 0; i < chars.size(); ++i)
    if (linkage::TraditionalOf(chars[i]) != chars[i]) positions.push_back(i);
  if (positions.empty()) return name;
  const size_t pos = rng.Pick(positions);
  chars[pos] = linkage::TraditionalOf(chars[pos]);
  return linkage::EncodeUtf8(chars);
}


SyntheticLinkageData GenerateSyntheticLinkage(const RegionTree& regions,
                                              const std::vector<linkage::FieldSpec>& fields,
                                              const SyntheticLinkageOptions& options) {
  const int64_t records = std::max<int64_t>(options.records, 0);
  const int64_t in_registry = std::min<int64_t>(
      static_cast<int64_t>(static_cast<double>(records) * options.in_registry + 0.5), records);
  const int64_t held_out = records - in_registry;

  SyntheticOptions so;
  so.county_codes = options.county_codes;
  so.villages_per_township = options.villages_per_township;
  so.children = options.registry + held_out;
  so.seed = options.seed;
  so.today = options.today.ok() ? options.today : TodayInChina();
  std::vector<Child> children = GenerateSynthetic(regions, so).children;

  // Children not in the registry are chosen at random, so some have a brother or sister (even
  // a twin) who is: the hard case for linkage.
  Rng rng(options.seed ^ 0xa54ff53a5f1d36f1ull);
  const size_t total = children.size();
  std::vector<uint32_t> order(total);
  std::iota(order.begin(), order.end(), 0u);
  for (size_t i = 0; i < std::min<size_t>(static_cast<size_t>(held_out), total); ++i)
    std::swap(order[i], order[i + rng.Below(total - i)]);
  const size_t held = std::min<size_t>(static_cast<size_t>(held_out), total);
  std::vector<int64_t> registry_key(total, -1);
  std::vector<uint32_t> registry_children(order.begin() + held, order.end());
  std::sort(registry_children.begin(), registry_children.end());

  SyntheticLinkageData data;
  data.registry.reserve(registry_children.size());
  for (uint32_t c : registry_children) {
    registry_key[c] = static_cast<int64_t>(data.registry.size());
    data.registry.push_back(ToRecord(registry_key[c], RegistryValues(children[c]), fields));
  }

  // Department rows: registry children without repetition (as long as there are enough), then
  // the held-out children, in random order.
  std::vector<uint32_t> rows;
  rows.reserve(static_cast<size_t>(records));
  std::vector<uint32_t> pick = registry_children;
  for (int64_t k = 0; k < in_registry && !pick.empty(); ++k) {
    const size_t i = static_cast<size_t>(k) % pick.size();  // a partial shuffle, round after round
    std::swap(pick[i], pick[i + rng.Below(pick.size() - i)]);
    rows.push_back(pick[i]);
  }
  rows.insert(rows.end(), order.begin(), order.begin() + held);
  for (size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng.Below(i)]);

  DepartmentWriter writer(regions, children, options);
  data.department.reserve(rows.size());
  data.truth.reserve(rows.size());
  for (uint32_t c : rows) {
    data.truth.push_back(registry_key[c]);
    data.department.push_back(
        ToRecord(static_cast<int64_t>(data.department.size()), writer.Write(children[c]), fields));
  }
  return data;
}

}  // namespace tongan
