// Agreement levels of single fields: names, dates, phones, IDs, addresses, alternatives.
#include "linkage/compare.h"

#include <gtest/gtest.h>

namespace tongan::linkage::internal {
namespace {

TEST(LinkageCompare, NameLevels) {
  EXPECT_EQ(CompareValues(FieldKind::kName, "王欣怡", "王欣怡"), "exact");
  EXPECT_EQ(CompareValues(FieldKind::kName, "張偉", "张伟"), "variant");
  EXPECT_EQ(CompareValues(FieldKind::kName, "王欣怡", "王馨怡"), "homophone");
  EXPECT_EQ(CompareValues(FieldKind::kName, "刘子轩", "刘子萱"), "homophone");
  EXPECT_EQ(CompareValues(FieldKind::kName, "张欣怡", "张欣仪"), "homophone");
  EXPECT_EQ(CompareValues(FieldKind::kName, "陈思彤", "陈思桐"), "homophone");
  EXPECT_EQ(CompareValues(FieldKind::kName, "张欣怡", "张欣雨"), "pinyin_close");
  EXPECT_EQ(CompareValues(FieldKind::kName, "李一诺", "李一鸣"), "edit");
  EXPECT_EQ(CompareValues(FieldKind::kName, "王浩然", "李梦瑶"), "differ");
  EXPECT_EQ(CompareValues(FieldKind::kName, "", "李梦瑶"), "missing");
}

TEST(LinkageCompare, DateLevels) {
  EXPECT_EQ(CompareValues(FieldKind::kDate, "2015-03-07", "2015-03-07"), "exact");
  EXPECT_EQ(CompareValues(FieldKind::kDate, "20150307", "2015年3月7日"), "exact");
  EXPECT_EQ(CompareValues(FieldKind::kDate, "2015-03-07", "2015-07-03"), "swapped");
  EXPECT_EQ(CompareValues(FieldKind::kDate, "2015-03-07", "2015-03-08"), "off_by_one");
  EXPECT_EQ(CompareValues(FieldKind::kDate, "2015-03-07", "2016-03-07"), "off_by_one");
  EXPECT_EQ(CompareValues(FieldKind::kDate, "2015-03-07", "2015-03-27"), "off_by_one");  // one digit
  EXPECT_EQ(CompareValues(FieldKind::kDate, "2015-03-07", "2015-03-20"), "year_month");
  EXPECT_EQ(CompareValues(FieldKind::kDate, "2015-03-07", "2013-11-20"), "differ");
  EXPECT_EQ(CompareValues(FieldKind::kDate, "2015-02-30", "2015-02-03"), "missing");  // no such day
}

TEST(LinkageCompare, PhoneLevels) {
  EXPECT_EQ(CompareValues(FieldKind::kPhone, "+86 138 1234 5678", "13812345678"), "exact");
  EXPECT_EQ(CompareValues(FieldKind::kPhone, "0086-13812345678", "13812345678"), "exact");
  EXPECT_EQ(CompareValues(FieldKind::kPhone, "0375-62345678", "62345678"), "last8");
  EXPECT_EQ(CompareValues(FieldKind::kPhone, "13912345678", "13812345678"), "last8");
  EXPECT_EQ(CompareValues(FieldKind::kPhone, "13812345687", "13812345678"), "edit");
  EXPECT_EQ(CompareValues(FieldKind::kPhone, "13812345670", "13812345678"), "edit");
  EXPECT_EQ(CompareValues(FieldKind::kPhone, "15937512345", "13812345678"), "differ");
}

TEST(LinkageCompare, IdLevels) {
  EXPECT_EQ(CompareValues(FieldKind::kIdNumber, "41040220150307123x", " 41040220150307123X"), "exact");
  EXPECT_EQ(CompareValues(FieldKind::kIdNumber, "410402201503071235", "410402201503071234"), "edit");
  EXPECT_EQ(CompareValues(FieldKind::kIdNumber, "410402201503071324", "410402201503071234"), "edit");
  EXPECT_EQ(CompareValues(FieldKind::kIdNumber, "410402201603081234", "410402201503071234"), "differ");
}

TEST(LinkageCompare, AddressLevelsByBigrams) {
  EXPECT_EQ(CompareValues(FieldKind::kAddress, "李庄村3组15号", "李庄村 3组15号"), "exact");
  EXPECT_EQ(CompareValues(FieldKind::kAddress, "建设路12号院3号楼2单元401", "建设路12号3号楼2单元401"),
            "similar");
  EXPECT_EQ(CompareValues(FieldKind::kAddress, "李庄村3组15号", "李庄村3组16号"), "partial");
  EXPECT_EQ(CompareValues(FieldKind::kAddress, "李庄村3组15号", "阳光花园5号楼1单元302"), "differ");
}

TEST(LinkageCompare, BestAlternativeCounts) {
  EXPECT_EQ(CompareValues(FieldKind::kName, "张大山|李小芳", "李小芳"), "exact");
  EXPECT_EQ(CompareValues(FieldKind::kName, "赵刚", "张大山|李晓芳"), "differ");
  EXPECT_EQ(CompareValues(FieldKind::kPhone, "13812345678|13987654321", "13987654321"), "exact");
  EXPECT_EQ(CompareValues(FieldKind::kSex, "男", "M"), "exact");
  EXPECT_EQ(CompareValues(FieldKind::kSex, "女", "男"), "differ");
  EXPECT_EQ(CompareValues(FieldKind::kCategory, "在读", "在读"), "exact");
}

TEST(LinkageCompare, JaroWinklerOfPinyin) {
  EXPECT_DOUBLE_EQ(JaroWinkler("zhangwei", "zhangwei"), 1.0);
  EXPECT_GT(JaroWinkler("zhangxinyi", "zhangxinyu"), 0.92);
  EXPECT_LT(JaroWinkler("wanghaoran", "limengyao"), 0.7);
}

}  // namespace
}  // namespace tongan::linkage::internal
