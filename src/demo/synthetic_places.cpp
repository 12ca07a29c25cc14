#include "demo/synthetic_places.h"

#include <array>

#include "demo/synthetic_names.h"

namespace tongan::synthetic {
namespace {

constexpr std::array<std::string_view, 42> kRoads = {
    "建设路", "中兴路", "光明路", "矿工路", "开源路", "新华路", "人民路", "解放路",   "和平路",
    "胜利街", "文化路", "体育路", "民主路", "友谊路", "劳动路", "南环路", "北环路",   "东风路",
    "长青路", "凌云路", "育英路", "新建路", "联盟路", "曙光街", "园林路", "平安大道", "香山路",
    "湛河路", "红旗街", "朝阳路", "五一路", "团结路", "迎宾路", "工人路", "健康路",   "公园路",
    "站前路", "东环路", "西环路", "滨河路", "青年路", "光华路"};

// Communities named after a quality rather than a road.
constexpr std::array<std::string_view, 28> kCommunityWords = {
    "光明", "幸福", "和平", "团结", "朝阳", "向阳", "东风", "红旗", "育才", "阳光",
    "福泉", "锦绣", "花园", "康乐", "丰华", "新苑", "盛世", "怡和", "文苑", "翠园",
    "祥和", "安居", "龙山", "碧水", "明珠", "金桥", "春晖", "兴华"};

constexpr std::array<std::string_view, 16> kEstates = {
    "阳光花园", "金色家园", "和谐家园", "幸福里",   "书香苑",   "锦绣花园", "凯旋城",   "世纪花园",
    "丽景苑",   "翡翠城",   "御景湾",   "东方名苑", "滨河花园", "盛世华庭", "康乐小区", "怡和苑"};

// Work-unit compounds (家属院), common in older districts of industrial cities.
constexpr std::array<std::string_view, 10> kWorkUnits = {
    "供电公司", "煤矿",   "人民医院", "教育局",   "粮食局",
    "化肥厂",   "棉纺厂", "电厂",     "建筑公司", "自来水公司"};

// Endings of Henan village names: 李庄 王营 张寨 刘店 陈楼 杨集 赵岗 ….
constexpr std::array<std::string_view, 18> kVillageEndings = {"庄", "营", "寨", "店", "楼", "集",
                                                              "岗", "湾", "庙", "桥", "坡", "沟",
                                                              "屯", "铺", "堂", "洼", "园", "河"};
constexpr std::array<std::string_view, 11> kVillagePrefixes = {"东", "西", "南", "北", "前", "后",
                                                               "大", "小", "上", "下", "新"};
// Villages named after landmarks or distances: 十里铺, 柳树湾.
constexpr std::array<std::string_view, 20> kLandmarkVillages = {
    "十里铺", "五里堡", "七里岗", "八里营", "三里店", "柳树湾", "杨树岗",
    "石桥",   "龙泉",   "桃园",   "杏花营", "梨园",   "枣林",   "榆树庄",
    "双庙",   "黄土岭", "白塔",   "苇子坑", "石板河", "马沟"};

constexpr std::array<std::string_view, 10> kDigits = {"〇", "一", "二", "三", "四",
                                                      "五", "六", "七", "八", "九"};

std::string Number(int n) { return std::to_string(n); }

// Random parts are drawn one statement at a time: the order in which the operands of `+` are
// evaluated is unspecified, and the data must not depend on the compiler.

// "3号楼2单元401".
std::string Building(Rng& rng) {
  const int building = rng.Between(1, 24), unit = rng.Between(1, 4);
  const int floor = rng.Between(1, 18), room = rng.Between(1, 4);
  return Number(building) + "号楼" + Number(unit) + "单元" + Number(floor) + "0" + Number(room);
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

bool ReplaceFirst(std::string& text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  if (at == std::string::npos) return false;
  text.replace(at, from.size(), to);
  return true;
}

// "3组" -> "三组" (village groups are written both ways).
bool GroupInChinese(std::string& address) {
  const size_t at = address.find("组");
  if (at == std::string::npos || at == 0) return false;
  size_t start = at;
  while (start > 0 && address[start - 1] >= '0' && address[start - 1] <= '9') --start;
  if (start == at) return false;
  const int group = std::stoi(address.substr(start, at - start));
  if (group < 1 || group > 99) return false;
  address.replace(start, at - start, ChineseNumber(group));
  return true;
}

}  // namespace

std::string ChineseNumber(int n) {
  if (n < 10) return std::string(kDigits[n]);
  std::string out;
  if (n >= 100) {
    out += kDigits[n / 100];
    out += "百";
    n %= 100;
    if (n == 0) return out;
    if (n < 10) return out + "零" + std::string(kDigits[n]);
    out += kDigits[n / 10];  // 一百一十, not 一百十
  } else if (n >= 20) {
    out += kDigits[n / 10];
  }
  out += "十";
  if (n % 10) out += kDigits[n % 10];
  return out;
}

bool IsUrbanTownship(std::string_view name) {
  return Contains(name, "街道") || Contains(name, "办事处");
}

CommunityName MakeCommunityName(Rng& rng) {
  if (rng.Chance(0.55)) {
    const std::string road(rng.Pick(kRoads));
    return {road + "社区", road};
  }
  const std::string word(rng.Pick(kCommunityWords));
  return {word + "社区", std::string(rng.Pick(kRoads))};
}

std::string MakeVillageStem(Rng& rng) {
  const double kind = rng.Unit();
  if (kind < 0.10) return std::string(rng.Pick(kLandmarkVillages));
  std::string stem;
  if (kind < 0.30) stem += rng.Pick(kVillagePrefixes);
  stem += PickPlaceSurname(rng);
  stem += rng.Pick(kVillageEndings);
  return stem;
}

std::string MakeUrbanAddress(Rng& rng, std::string_view road) {
  const double kind = rng.Unit();
  const int number = rng.Between(1, 300);
  const std::string building = Building(rng);
  if (kind < 0.40) return std::string(road) + Number(number) + "号院" + building;
  if (kind < 0.60) return std::string(road) + Number(number) + "号";
  if (kind < 0.88) return std::string(rng.Pick(kEstates)) + building;
  return std::string(road) + std::string(rng.Pick(kWorkUnits)) + "家属院" + building;
}

std::string MakeRuralAddress(Rng& rng, std::string_view village_name) {
  const double kind = rng.Unit();
  const int group = rng.Between(1, 12), house = rng.Between(1, 90);
  const std::string village(village_name);
  if (kind < 0.65) return village + Number(group) + "组" + Number(house) + "号";
  if (kind < 0.90) return village + Number(house + group * 20) + "号";
  return village + Number(group) + "组";
}

std::string VaryAddress(Rng& rng, const std::string& address, std::string_view township_name) {
  std::string varied = address;
  switch (rng.Below(4)) {
    case 0:  // 号院 <-> 号
      if (ReplaceFirst(varied, "号院", "号")) return varied;
      if (varied.ends_with("号")) return varied + "院";
      break;
    case 1:
      if (GroupInChinese(varied)) return varied;
      if (ReplaceFirst(varied, "号楼", "栋")) return varied;
      break;
    case 2:
      if (ReplaceFirst(varied, "单元", "-")) return varied;
      break;
    default:
      break;
  }
  return std::string(township_name) + address;
}

}  // namespace tongan::synthetic
