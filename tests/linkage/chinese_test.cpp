// Chinese names for linkage: simplified forms, toneless pinyin, homophones, NFKC.
#include "linkage/chinese.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace tongan::linkage {
namespace {

bool Contains(const std::vector<char32_t>& chars, char32_t c) {
  return std::find(chars.begin(), chars.end(), c) != chars.end();
}

TEST(LinkageChinese, TraditionalNameBecomesSimplifiedWithToneLessPinyin) {
  EXPECT_EQ(NormalizeName("張偉"), "张伟");
  EXPECT_EQ(PinyinSpaced("張偉"), "zhang wei");
  EXPECT_EQ(PinyinString("张伟"), "zhangwei");
  EXPECT_EQ(PinyinSyllables("張偉"), PinyinSyllables("张伟"));
  EXPECT_EQ(Simplify(U'蘭'), U'兰');
  EXPECT_EQ(TraditionalOf(U'张'), U'張');
}

TEST(LinkageChinese, HomophonesReadAlikeButAreDifferentCharacters) {
  EXPECT_EQ(PinyinString("欣怡"), PinyinString("馨怡"));
  EXPECT_NE(NormalizeName("欣怡"), NormalizeName("馨怡"));
  const std::vector<char32_t> xin = HomophonesOf(U'欣');
  EXPECT_TRUE(Contains(xin, U'馨'));
  EXPECT_TRUE(Contains(xin, U'心'));
  EXPECT_FALSE(Contains(xin, U'欣'));
  EXPECT_FALSE(Contains(xin, U'怡'));
  EXPECT_TRUE(IsCommonCharacter(U'欣'));
}

TEST(LinkageChinese, FullWidthAndSeparatorsAreNormalized) {
  EXPECT_EQ(NormalizeName("阿依古丽·买买提"), "阿依古丽买买提");
  EXPECT_EQ(NormalizeName("张　伟"), "张伟");  // ideographic space
  EXPECT_EQ(NormalizeName("Ｌｉ Ｎａ"), "lina");
  EXPECT_EQ(EncodeUtf8(NormalizeTextCodepoints("建设路１２号")), "建设路12号");
  EXPECT_EQ(PinyinString("Anna"), "anna");
}

}  // namespace
}  // namespace tongan::linkage
