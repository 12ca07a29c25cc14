// The region tree: code helpers, CSV loading (real data and hand-made bad rows), paths, names,
// children and villages added by a deployment.
#include "core/region.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace tongan {
namespace {

std::string ReadRegionFile(const std::string& name) {
  const std::string path = std::string(TONGAN_SOURCE_DIR) + "/data/regions/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> Codes(const std::vector<const Region*>& regions) {
  std::vector<std::string> codes;
  for (const Region* region : regions) codes.push_back(region->code);
  return codes;
}

std::vector<std::string> Names(const std::vector<const Region*>& regions) {
  std::vector<std::string> names;
  for (const Region* region : regions) names.push_back(region->name);
  return names;
}

class RealRegionTree : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string provinces = ReadRegionFile("provinces.csv");
    const std::string cities = ReadRegionFile("cities.csv");
    const std::string counties = ReadRegionFile("areas.csv");
    const std::string townships = ReadRegionFile("streets.csv");
    tree_ = new RegionTree;
    const auto start = std::chrono::steady_clock::now();
    bad_rows_ = tree_->LoadProvincesCsv(provinces) + tree_->LoadCitiesCsv(cities) +
                tree_->LoadCountiesCsv(counties) + tree_->LoadTownshipsCsv(townships);
    load_time_ = std::chrono::steady_clock::now() - start;
  }
  static void TearDownTestSuite() {
    delete tree_;
    tree_ = nullptr;
  }

  static RegionTree* tree_;
  static int bad_rows_;
  static std::chrono::steady_clock::duration load_time_;
};

RegionTree* RealRegionTree::tree_ = nullptr;
int RealRegionTree::bad_rows_ = 0;
std::chrono::steady_clock::duration RealRegionTree::load_time_{};

TEST(RegionCode, LengthsAndLevels) {
  EXPECT_EQ(RegionCodeLength(RegionLevel::kProvince), 2);
  EXPECT_EQ(RegionCodeLength(RegionLevel::kCity), 4);
  EXPECT_EQ(RegionCodeLength(RegionLevel::kCounty), 6);
  EXPECT_EQ(RegionCodeLength(RegionLevel::kTownship), 9);
  EXPECT_EQ(RegionCodeLength(RegionLevel::kVillage), 12);
  EXPECT_EQ(RegionLevelOfCode("41"), RegionLevel::kProvince);
  EXPECT_EQ(RegionLevelOfCode("4104"), RegionLevel::kCity);
  EXPECT_EQ(RegionLevelOfCode("410402"), RegionLevel::kCounty);
  EXPECT_EQ(RegionLevelOfCode("410402001"), RegionLevel::kTownship);
  EXPECT_EQ(RegionLevelOfCode("410402001001"), RegionLevel::kVillage);
  for (const char* bad : {"", "4", "410", "41040", "4104020", "41040200", "4104020010",
                          "41040200100", "4104020010010", "41040a", "41 4", "４１"})
    EXPECT_EQ(RegionLevelOfCode(bad), std::nullopt) << bad;
  EXPECT_EQ(RegionLevelNameZh(RegionLevel::kProvince), "省");
  EXPECT_EQ(RegionLevelNameZh(RegionLevel::kTownship), "乡镇");
  EXPECT_EQ(RegionLevelNameZh(RegionLevel::kVillage), "村");
}

TEST(RegionCode, WithinIsPrefixOfRealCodes) {
  EXPECT_TRUE(RegionWithin("410402001001", "41"));
  EXPECT_TRUE(RegionWithin("410402001001", "4104"));
  EXPECT_TRUE(RegionWithin("410402001001", "410402001"));
  EXPECT_TRUE(RegionWithin("410402001001", "410402001001"));
  EXPECT_TRUE(RegionWithin("4104", "4104"));
  EXPECT_FALSE(RegionWithin("410403001001", "410402"));
  EXPECT_FALSE(RegionWithin("4104", "410402"));  // an ancestor is not within its descendant
  EXPECT_FALSE(RegionWithin("410402001001", "41040"));  // not a code: no partial prefixes
  EXPECT_FALSE(RegionWithin("410402001001", ""));
  EXPECT_FALSE(RegionWithin("410402001001", "\xff"));  // ScopeOf's "sees nothing" sentinel
  EXPECT_FALSE(RegionWithin("4104020010", "4104"));     // not a code
}

TEST_F(RealRegionTree, LoadsAllRowsQuickly) {
  EXPECT_EQ(bad_rows_, 0);
  EXPECT_EQ(tree_->size(), 31u + 342u + 2978u + 41352u);
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(load_time_).count(), 1000);
}

TEST_F(RealRegionTree, PathFromProvinceDown) {
  const Region* street = tree_->Find("410402001");
  ASSERT_NE(street, nullptr);
  EXPECT_EQ(street->name, "曙光街街道");
  EXPECT_EQ(street->level, RegionLevel::kTownship);
  EXPECT_EQ(street->parent_code, "410402");
  EXPECT_EQ(Names(tree_->PathTo("410402001")),
            (std::vector<std::string>{"河南省", "平顶山市", "新华区", "曙光街街道"}));
  EXPECT_EQ(Codes(tree_->PathTo("410402001")),
            (std::vector<std::string>{"41", "4104", "410402", "410402001"}));
  EXPECT_EQ(Names(tree_->PathTo("41")), (std::vector<std::string>{"河南省"}));
  EXPECT_TRUE(tree_->PathTo("410499").empty());
  EXPECT_EQ(tree_->Find("41")->parent_code, "");
}

TEST_F(RealRegionTree, FullNameSkipsPlaceholders) {
  EXPECT_EQ(tree_->FullName("410402001"), "河南省平顶山市新华区曙光街街道");
  EXPECT_EQ(tree_->FullName("410402"), "河南省平顶山市新华区");
  EXPECT_EQ(tree_->Find("1101")->name, "市辖区");
  EXPECT_EQ(tree_->FullName("110101"), "北京市东城区");
  EXPECT_EQ(tree_->FullName("310101"), "上海市黄浦区");
  EXPECT_EQ(tree_->FullName("500229"), "重庆市城口县");     // city "县"
  EXPECT_EQ(tree_->FullName("419001"), "河南省济源市");     // city "省直辖县级行政区划"
  EXPECT_EQ(tree_->FullName("441900"), "广东省东莞市");     // county repeats the city's name
  EXPECT_EQ(tree_->FullName("410499"), "410499");           // unknown: the code itself
  EXPECT_EQ(tree_->FullName(""), "");
}

TEST_F(RealRegionTree, ChildrenSortedByCode) {
  const std::vector<std::string> counties = Codes(tree_->ChildrenOf("4104"));
  EXPECT_EQ(counties, (std::vector<std::string>{"410402", "410403", "410404", "410411", "410421",
                                                "410422", "410423", "410425", "410471", "410472",
                                                "410481", "410482"}));
  EXPECT_EQ(tree_->ChildrenOf("").size(), 31u);  // provinces
  EXPECT_EQ(tree_->ChildrenOf("410402").size(), 11u);
  EXPECT_TRUE(tree_->ChildrenOf("410402001").empty());
  EXPECT_TRUE(tree_->ChildrenOf("99").empty());
}

TEST_F(RealRegionTree, Provinces) {
  EXPECT_TRUE(tree_->HasProvince("41"));
  EXPECT_TRUE(tree_->HasProvince("65"));
  EXPECT_FALSE(tree_->HasProvince("99"));
  EXPECT_FALSE(tree_->HasProvince("4104"));
  EXPECT_FALSE(tree_->HasProvince(""));
  EXPECT_TRUE(tree_->Contains("4104"));
  EXPECT_FALSE(tree_->Contains("4199"));
}

TEST(RegionTree, AddsVillagesBelowKnownTownships) {
  RegionTree tree;
  ASSERT_TRUE(tree.Add("41", "河南省"));
  ASSERT_TRUE(tree.Add("4104", "平顶山市"));
  ASSERT_TRUE(tree.Add("410402", "新华区"));
  ASSERT_TRUE(tree.Add("410402001", "曙光街街道"));
  // Out of order on purpose: children stay sorted.
  EXPECT_TRUE(tree.Add("410402001003", "建设路社区"));
  EXPECT_TRUE(tree.Add("410402001001", "曙光社区"));
  EXPECT_EQ(Codes(tree.ChildrenOf("410402001")),
            (std::vector<std::string>{"410402001001", "410402001003"}));
  const Region* village = tree.Find("410402001001");
  ASSERT_NE(village, nullptr);
  EXPECT_EQ(village->level, RegionLevel::kVillage);
  EXPECT_EQ(village->parent_code, "410402001");
  EXPECT_EQ(tree.PathTo("410402001001").size(), 5u);
  EXPECT_EQ(tree.FullName("410402001001"), "河南省平顶山市新华区曙光街街道曙光社区");

  EXPECT_FALSE(tree.Add("410402001001", "重复"));       // exists
  EXPECT_FALSE(tree.Add("410402002001", "无上级"));     // parent township unknown
  EXPECT_FALSE(tree.Add("41040200100", "11位"));        // not a level's length
  EXPECT_FALSE(tree.Add("41040200100a", "字母"));
  EXPECT_FALSE(tree.Add("410402001002", ""));           // no name
  EXPECT_EQ(tree.Find("410402001001")->name, "曙光社区");
  EXPECT_EQ(tree.size(), 6u);
}

TEST(RegionTree, CountsBadRowsAndKeepsGoodOnes) {
  RegionTree tree;
  EXPECT_EQ(tree.LoadProvincesCsv("\xEF\xBB\xBF" "code,name\r\n41,\"河南省\"\r\n11,北京市\r\n"), 0);
  EXPECT_EQ(tree.LoadCitiesCsv("code,name,provinceCode\n4104,\"平顶山市\",41\n"
                               "9901,\"无省\",99\n"    // unknown parent
                               "410,\"三位\",41\n"     // wrong length
                               "\n"                    // blank lines are not rows
                               "4104,\"重复\",41\n"),  // duplicate
            3);
  EXPECT_EQ(tree.LoadCountiesCsv("code,name,cityCode,provinceCode\n"
                                 "410402,\"新华区\",4104,41\n"
                                 "41040x,\"字母\",4104,41\n"
                                 "4104,\"市级代码放进县级文件\",41\n"
                                 "410403 , \"卫东区\" ,4104,41\n"
                                 "410404,\"名称含,逗号和\"\"引号\"\"\",4104,41"),  // no final newline
            2);
  EXPECT_EQ(tree.LoadTownshipsCsv("code,name,areaCode,provinceCode,cityCode\r\n"
                                  "410402001,\"曙光街街道\",410402,41,4104\r\n"
                                  "410499001,\"无县\",410499,41,4104\r\n"
                                  "garbage\r\n"),
            2);
  EXPECT_EQ(tree.Find("41")->name, "河南省");
  EXPECT_EQ(tree.Find("11")->name, "北京市");
  EXPECT_EQ(tree.Find("4104")->name, "平顶山市");
  EXPECT_EQ(tree.Find("410403")->name, "卫东区");
  EXPECT_EQ(tree.Find("410404")->name, "名称含,逗号和\"引号\"");
  EXPECT_EQ(tree.FullName("410402001"), "河南省平顶山市新华区曙光街街道");
  EXPECT_EQ(tree.size(), 7u);
  EXPECT_EQ(tree.LoadTownshipsCsv(""), 0);
}

}  // namespace
}  // namespace tongan
