// Department files in and out: CSV in its encodings and dialects, .xlsx written by Excel-like
// producers (hand-built here part by part), limits against hostile files, and the writers.
#include "ingest/table.h"

#include <gtest/gtest.h>
#include <unicode/ucnv.h>

#include <random>

#include "ingest/zip_builder.h"

namespace tongan::ingest {
namespace {

using testing::BuildZip;
using Cells = std::vector<std::string>;

// `utf8` re-encoded in `charset` by ICU.
std::string Encode(const std::string& utf8, const char* charset) {
  std::string out(utf8.size() * 4 + 16, '\0');
  UErrorCode status = U_ZERO_ERROR;
  const int32_t length =
      ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                   static_cast<int32_t>(utf8.size()), &status);
  EXPECT_TRUE(U_SUCCESS(status)) << u_errorName(status);
  out.resize(static_cast<size_t>(length));
  return out;
}

const Table& TableOf(const ReadResult& result) {
  static const Table kEmpty;
  EXPECT_TRUE(result.table.has_value()) << result.error.code << ": " << result.error.message_zh;
  return result.table ? *result.table : kEmpty;
}

std::vector<int64_t> Lines(const Table& table) {
  std::vector<int64_t> lines;
  for (const TableRow& row : table.rows) lines.push_back(row.line);
  return lines;
}

constexpr char kRelationshipTypes[] =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

constexpr char kContentTypes[] =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>)";

// A workbook whose first sheet in tab order is hidden; the visible one ("名单") is reached by an
// absolute relationship target.
std::string HandBuiltXlsx(const std::string& sheet_xml) {
  const std::string workbook =
      R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
      R"(<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )"
      R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)"
      R"(<sheets><sheet name="旧表" sheetId="2" state="hidden" r:id="rId2"/>)"
      R"(<sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>)";
  const auto relationship = [](const std::string& id, const std::string& type,
                                 const std::string& target) {
    return "<Relationship Id=\"" + id + "\" Type=\"" + kRelationshipTypes + type +
           "\" Target=\"" + target + "\"/>";
  };
  const std::string rels =
      R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
      R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)" +
      relationship("rId1", "worksheet", "/xl/worksheets/sheet1.xml") +
      relationship("rId2", "worksheet", "worksheets/sheet2.xml") +
      relationship("rId3", "sharedStrings", "sharedStrings.xml") + "</Relationships>";
  const std::string shared_strings =
      R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
      R"(<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4")"
      R"( uniqueCount="4">)"
      R"(<si><t>姓名</t></si>)"
      R"(<si><t>身份证号</t></si>)"
      R"(<si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space="preserve">三 </t></r>)"
      R"(<rPh sb="0" eb="1"><t>ZHANG</t></rPh></si>)"
      R"(<si><t>第一行_x000D_
第二行</t></si>)"
      R"(</sst>)";
  const std::string hidden_sheet =
      R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)"
      R"(<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>不该读到</t></is></c></row>)"
      R"(</sheetData></worksheet>)";
  return BuildZip({{"[Content_Types].xml", kContentTypes},
                   {"xl/workbook.xml", workbook},
                   {"xl/_rels/workbook.xml.rels", rels},
                   {"xl/sharedStrings.xml", shared_strings},
                   {"xl/worksheets/sheet1.xml", sheet_xml},
                   {"xl/worksheets/sheet2.xml", hidden_sheet}});
}

// A minimal workbook with only a sheet part.
std::string SheetOnlyXlsx(const std::string& sheet_xml) {
  return BuildZip(
      {{"[Content_Types].xml", kContentTypes}, {"xl/worksheets/sheet1.xml", sheet_xml}});
}

std::string SheetWithRows(int rows) {
  std::string xml =
      R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)";
  for (int r = 1; r <= rows; ++r) {
    const std::string n = std::to_string(r);
    xml += R"(<row r=")" + n + R"("><c r="A)" + n + R"(" t="inlineStr"><is><t>第)" + n +
           R"(行</t></is></c><c r="B)" + n + R"("><v>)" + n + "</v></c></row>";
  }
  return xml + "</sheetData></worksheet>";
}

TEST(IngestTableCsv, Utf8WithBomQuotedFieldsAndPhysicalLines) {
  const std::string csv =
      "\xEF\xBB\xBF姓名,地址,备注\r\n"
      "张三,\"河南省,安阳市\",无\r\n"
      "李四,\"第一行\r\n第二行\",\"他说\"\"好\"\"\"\r\n"
      "王五,北京,\r\n";
  const ReadResult result = ReadTable(csv);
  const Table& table = TableOf(result);
  EXPECT_EQ(table.format, "csv");
  EXPECT_EQ(table.encoding, "UTF-8");
  ASSERT_EQ(table.rows.size(), 4u);
  EXPECT_EQ(table.rows[0].cells, (Cells{"姓名", "地址", "备注"}));
  EXPECT_EQ(table.rows[1].cells, (Cells{"张三", "河南省,安阳市", "无"}));
  EXPECT_EQ(table.rows[2].cells, (Cells{"李四", "第一行\n第二行", "他说\"好\""}));
  EXPECT_EQ(table.rows[3].cells, (Cells{"王五", "北京", ""}));
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{1, 2, 3, 5}));
}

TEST(IngestTableCsv, NoTrailingNewlineAndNoStrayCarriageReturns) {
  const Table table = TableOf(ReadTable("a,b\r\nc,d"));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0].cells, (Cells{"a", "b"}));
  EXPECT_EQ(table.rows[1].cells, (Cells{"c", "d"}));
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{1, 2}));
}

TEST(IngestTableCsv, Gb18030IsDetectedAndConverted) {
  const std::string utf8 = "姓名,身份证号\r\n张三,410402201501010012\r\n𠀀丽,41040220150101002X\r\n";
  const std::string gb = Encode(utf8, "GB18030");
  ASSERT_NE(gb, utf8);
  const Table table = TableOf(ReadTable(gb));
  EXPECT_EQ(table.encoding, "GB18030");
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[0].cells, (Cells{"姓名", "身份证号"}));
  EXPECT_EQ(table.rows[1].cells, (Cells{"张三", "410402201501010012"}));
  EXPECT_EQ(table.rows[2].cells, (Cells{"𠀀丽", "41040220150101002X"}));
}

TEST(IngestTableCsv, BytesInNoKnownEncodingAreRejected) {
  // 0xFF never occurs in UTF-8 or GB18030.
  const ReadResult result = ReadTable("a,b\n\xFF\xFF,c\n");
  EXPECT_FALSE(result.table);
  EXPECT_EQ(result.error.code, "encoding_unknown");
  // A UTF-8 BOM followed by invalid UTF-8 is damage, not GB18030.
  EXPECT_EQ(ReadTable("\xEF\xBB\xBF" + Encode("姓名\n", "GB18030")).error.code,
            "encoding_unknown");
}

TEST(IngestTableCsv, BlankRowsAreSkippedButLinesStayPhysical) {
  const std::string csv = "姓名,年龄\n\n  ,\t\n,,\n\u3000,\u00A0\n\r\n张三,8\n";
  const Table table = TableOf(ReadTable(csv));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[1].cells, (Cells{"张三", "8"}));
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{1, 7}));
}

TEST(IngestTableCsv, UnterminatedQuoteIsMalformedWithItsLine) {
  const ReadResult result = ReadTable("姓名,备注\n张三,正常\n李四,\"没有闭合\n王五,x\n");
  EXPECT_FALSE(result.table);
  EXPECT_EQ(result.error.code, "csv_malformed");
  EXPECT_NE(result.error.message_zh.find("第 3 行"), std::string::npos) << result.error.message_zh;
}

TEST(IngestTableCsv, StrayQuotesInsideFieldsAreTolerated) {
  const Table table = TableOf(ReadTable("名称,备注\n安阳\"一中\",5\"高\n"));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[1].cells, (Cells{"安阳\"一中\"", "5\"高"}));
}

TEST(IngestTableCsv, Utf16LeUnicodeTextIsTabSeparated) {
  const std::string utf8 = "姓名\t身份证号\t备注\r\n张三\t410402201501010012\t有,逗号\r\n";
  const std::string utf16 = "\xFF\xFE" + Encode(utf8, "UTF-16LE");
  const Table table = TableOf(ReadTable(utf16));
  EXPECT_EQ(table.encoding, "UTF-16LE");
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0].cells, (Cells{"姓名", "身份证号", "备注"}));
  EXPECT_EQ(table.rows[1].cells, (Cells{"张三", "410402201501010012", "有,逗号"}));
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{1, 2}));
}

TEST(IngestTableCsv, SemicolonSeparatedWhenTheHeaderHasNoCommas) {
  const Table table = TableOf(ReadTable("姓名;年龄\n张三;8,5\n"));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[1].cells, (Cells{"张三", "8,5"}));
}

TEST(IngestTableCsv, LimitsOnRowsAndCells) {
  ReadLimits limits;
  limits.max_rows = 2;
  EXPECT_EQ(ReadTable("a\nb\n", limits).error.code, "");
  EXPECT_EQ(ReadTable("a\nb\nc\n", limits).error.code, "too_many_rows");

  limits = ReadLimits{};
  limits.max_cell_bytes = 8;
  EXPECT_TRUE(ReadTable("a,12345678\n", limits).table);
  const ReadResult result = ReadTable("a,b\n\nc,123456789\n", limits);
  EXPECT_EQ(result.error.code, "cell_too_long");
  EXPECT_NE(result.error.message_zh.find("第 3 行"), std::string::npos) << result.error.message_zh;
}

TEST(IngestTableRead, EmptyInputs) {
  EXPECT_EQ(ReadTable("").error.code, "file_empty");
  EXPECT_EQ(ReadTable(" \r\n\t\n").error.code, "file_empty");
  EXPECT_EQ(ReadTable("\xEF\xBB\xBF").error.code, "file_empty");
  EXPECT_EQ(ReadTable(",,\n ,\n").error.code, "file_empty");
}

TEST(IngestTableRead, LegacyXlsIsRefusedWithAHint) {
  const ReadResult result = ReadTable(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + "xxxx");
  EXPECT_FALSE(result.table);
  EXPECT_EQ(result.error.code, "xlsx_no_sheet");
  EXPECT_NE(result.error.message_zh.find(".xls"), std::string::npos);
}

TEST(IngestTableXlsx, RoundTripKeepsTextIdsAndGaps) {
  const Cells header = {"姓名", "身份证号", "电话", "备注"};
  const std::vector<Cells> rows = {
      {"张三", "410402201501010012", "", "家住\"东关\"，有逗号,和换行\n第二行"},
      {"李四", "41040220150101002X", "13800138000"},
      {"=1+1", "", "", "0012"},
      {"_x0041_ 照原样", "控制\x01字符"},
  };
  const std::string bytes = WriteXlsx("拒收行", header, rows);
  ASSERT_TRUE(bytes.starts_with("PK\x03\x04"));
  const Table table = TableOf(ReadTable(bytes));
  EXPECT_EQ(table.format, "xlsx");
  EXPECT_EQ(table.encoding, "UTF-8");
  EXPECT_EQ(table.sheet, "拒收行");
  ASSERT_EQ(table.rows.size(), 5u);
  EXPECT_EQ(table.rows[0].cells, header);
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(table.rows[i + 1].cells, rows[i]);
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{1, 2, 3, 4, 5}));
}

TEST(IngestTableXlsx, SheetNamesAreMadeValidForExcel) {
  const std::string bytes =
      WriteXlsx("a/b:c*?[d]一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十", {"x"}, {});
  const Table table = TableOf(ReadTable(bytes));
  EXPECT_EQ(table.sheet, "a_b_c___d_一二三四五六七八九十一二三四五六七八九十一");
}

TEST(IngestTableXlsx, HandBuiltWorkbookCellsAndRowNumbers) {
  const std::string sheet =
      R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
      R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)"
      R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>)"
      R"(<c r="D1" t="inlineStr"><is><t>入学日期</t></is></c></row>)"
      R"(<row r="2" spans="1:6"><c r="A2" t="s" s="1"><v>2</v></c>)"
      R"(<c r="B2"><v>4.1040220150101002E+17</v></c>)"
      R"(<c r="D2" s="3"><v>43831</v></c><c r="E2" t="b"><v>1</v></c>)"
      R"(<c r="F2" t="e"><v>#N/A</v></c><c r="G2" s="2"/></row>)"
      R"(<row r="3"><c r="A3" s="1"/></row>)"
      R"(<row r="5"><c r="A5" t="s"><v>3</v></c><c r="B5"><v>0.30000000000000004</v></c>)"
      R"(<c r="C5"><f>B5*2</f><v>3.5</v></c><c r="D5" t="str"><v>公式文本</v></c>)"
      R"(<c r="E5" t="inlineStr"><is><r><t>富</t></r><r><t>文本</t></r></is></c></row>)"
      R"(</sheetData></worksheet>)";
  const ReadResult result = ReadTable(HandBuiltXlsx(sheet));
  const Table& table = TableOf(result);
  EXPECT_EQ(table.sheet, "名单");
  ASSERT_EQ(table.rows.size(), 3u);
  EXPECT_EQ(table.rows[0].cells, (Cells{"姓名", "身份证号", "", "入学日期"}));
  EXPECT_EQ(table.rows[1].cells,
            (Cells{"张三 ", "410402201501010020", "", "43831", "TRUE", "#N/A"}));
  EXPECT_EQ(table.rows[2].cells, (Cells{"第一行\n第二行", "0.3", "3.5", "公式文本", "富文本"}));
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{1, 2, 5}));
}

TEST(IngestTableXlsx, PrefixedNamesAndMissingReferences) {
  // Some producers prefix every element and leave out r= on rows and cells.
  const std::string sheet =
      R"(<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)"
      R"(<x:sheetData><x:row><x:c t="inlineStr"><x:is><x:t>甲</x:t></x:is></x:c>)"
      R"(<x:c><x:v>1</x:v></x:c></x:row><x:row><x:c><x:v>2</x:v></x:c></x:row>)"
      R"(</x:sheetData></x:worksheet>)";
  const Table table = TableOf(ReadTable(SheetOnlyXlsx(sheet)));
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0].cells, (Cells{"甲", "1"}));
  EXPECT_EQ(table.rows[1].cells, (Cells{"2"}));
  EXPECT_EQ(Lines(table), (std::vector<int64_t>{1, 2}));
}

TEST(IngestTableXlsx, TruncatedFileIsMalformed) {
  const std::string bytes = WriteXlsx("名单", {"姓名"}, {{"张三"}, {"李四"}});
  ASSERT_FALSE(bytes.empty());
  const ReadResult result = ReadTable(bytes.substr(0, bytes.size() / 2));
  EXPECT_FALSE(result.table);
  EXPECT_EQ(result.error.code, "xlsx_malformed");
  EXPECT_FALSE(result.error.message_zh.empty());
}

TEST(IngestTableXlsx, ZipWithoutWorkbookIsNotExcel) {
  const std::string docx = BuildZip({{"[Content_Types].xml", kContentTypes},
                                     {"word/document.xml", "<w:document/>"}});
  const ReadResult result = ReadTable(docx);
  EXPECT_EQ(result.error.code, "xlsx_no_sheet");
  EXPECT_NE(result.error.message_zh.find("不是 Excel 工作簿"), std::string::npos);

  const std::string no_sheet = BuildZip({{"xl/workbook.xml", "<workbook/>"}});
  EXPECT_EQ(ReadTable(no_sheet).error.code, "xlsx_no_sheet");
}

TEST(IngestTableXlsx, BadXmlAndDoctypeAreMalformed) {
  EXPECT_EQ(ReadTable(SheetOnlyXlsx("<worksheet><sheetData><row>")).error.code,
            "xlsx_malformed");
  const std::string laughs =
      R"(<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>)"
      R"(<worksheet><sheetData><row><c t="inlineStr"><is><t>&a;</t></is></c></row>)"
      R"(</sheetData></worksheet>)";
  EXPECT_EQ(ReadTable(SheetOnlyXlsx(laughs)).error.code, "xlsx_malformed");
  const std::string bad_index =
      R"(<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>7</v></c></row>)"
      R"(</sheetData></worksheet>)";
  EXPECT_EQ(ReadTable(SheetOnlyXlsx(bad_index)).error.code, "xlsx_malformed");
}

TEST(IngestTableXlsx, LimitsOnSizeRowsAndCells) {
  const std::string bytes = SheetOnlyXlsx(SheetWithRows(100));
  ASSERT_TRUE(ReadTable(bytes).table);

  ReadLimits limits;
  limits.max_uncompressed_bytes = 1000;
  EXPECT_EQ(ReadTable(bytes, limits).error.code, "file_too_large");

  limits = ReadLimits{};
  limits.max_rows = 2;
  EXPECT_TRUE(ReadTable(SheetOnlyXlsx(SheetWithRows(2)), limits).table);
  EXPECT_EQ(ReadTable(SheetOnlyXlsx(SheetWithRows(3)), limits).error.code, "too_many_rows");

  limits = ReadLimits{};
  limits.max_cell_bytes = 4;
  const ReadResult long_cell = ReadTable(SheetOnlyXlsx(SheetWithRows(3)), limits);
  EXPECT_EQ(long_cell.error.code, "cell_too_long");
  EXPECT_NE(long_cell.error.message_zh.find("第 1 行"), std::string::npos);
}

TEST(IngestTableXlsx, FarColumnsCountAgainstTheSizeLimit) {
  // Cells at column XFD on every row: tiny on disk, 16384 cells per row in memory.
  std::string sheet = "<worksheet><sheetData>";
  for (int r = 1; r <= 50; ++r)
    sheet += "<row r=\"" + std::to_string(r) + "\"><c r=\"XFD" + std::to_string(r) +
             "\"><v>1</v></c></row>";
  sheet += "</sheetData></worksheet>";
  ReadLimits limits;
  limits.max_uncompressed_bytes = 4 << 20;
  EXPECT_EQ(ReadTable(SheetOnlyXlsx(sheet), limits).error.code, "file_too_large");
}

TEST(IngestTableXlsx, CellPastTheLastColumnIsMalformed) {
  // After a cell at XFD, a cell without a usable r= would be column 16385.
  const std::string sheet =
      R"(<worksheet><sheetData><row r="2"><c r="XFD2"><v>1</v></c>)"
      R"(<c r="EEEEA2"><v>2</v></c></row></sheetData></worksheet>)";
  const ReadResult result = ReadTable(SheetOnlyXlsx(sheet));
  EXPECT_FALSE(result.table);
  EXPECT_EQ(result.error.code, "xlsx_malformed");
  EXPECT_NE(result.error.message_zh.find("第 2 行"), std::string::npos);
  EXPECT_NE(result.error.message_zh.find("XFD"), std::string::npos);

  const std::string at_the_edge =
      R"(<worksheet><sheetData><row r="2"><c r="XFC2"><v>1</v></c>)"
      R"(<c><v>2</v></c></row></sheetData></worksheet>)";
  const Table table = TableOf(ReadTable(SheetOnlyXlsx(at_the_edge)));
  ASSERT_EQ(table.rows.size(), 1u);
  ASSERT_EQ(table.rows[0].cells.size(), 16'384u);
  EXPECT_EQ(table.rows[0].cells.back(), "2");
}

TEST(IngestTableRead, MangledFilesNeverCrash) {
  const std::string xlsx = HandBuiltXlsx(SheetWithRows(20));
  const std::string csv = "姓名,备注\n张三,\"a,b\"\n李四,\"x\"\"y\"\n";
  std::mt19937 random(20240601);
  for (int round = 0; round < 300; ++round) {
    std::string bytes = round % 2 == 0 ? xlsx : csv;
    const int flips = 1 + static_cast<int>(random() % 8);
    for (int f = 0; f < flips; ++f)
      bytes[random() % bytes.size()] = static_cast<char>(random() % 256);
    if (round % 3 == 0) bytes.resize(random() % bytes.size());
    const ReadResult result = ReadTable(bytes);
    EXPECT_TRUE(result.table.has_value() || !result.error.code.empty());
  }
}

TEST(IngestTableWrite, CsvQuotingBomAndCrlf) {
  const std::string csv =
      WriteCsv({"姓名", "备注"}, {{"张三", "有,逗号"}, {"李四", "说\"好\""}, {"王五", "两\n行"}});
  EXPECT_EQ(csv,
            "\xEF\xBB\xBF姓名,备注\r\n"
            "张三,\"有,逗号\"\r\n"
            "李四,\"说\"\"好\"\"\"\r\n"
            "王五,\"两\n行\"\r\n");
  // What we write we read back.
  const Table table = TableOf(ReadTable(csv));
  ASSERT_EQ(table.rows.size(), 4u);
  EXPECT_EQ(table.rows[3].cells, (Cells{"王五", "两\n行"}));
}

TEST(IngestTableWrite, CsvGuardsAgainstFormulaInjection) {
  const std::string csv =
      WriteCsv({"a"}, {{"=HYPERLINK(\"http://x\")"}, {"+1"}, {"@SUM(A1)"}, {"-2+3"}, {"-3.5"},
                       {"410402201501010012"}});
  EXPECT_EQ(csv,
            "\xEF\xBB\xBF" "a\r\n"
            "\"'=HYPERLINK(\"\"http://x\"\")\"\r\n"
            "'+1\r\n"
            "'@SUM(A1)\r\n"
            "'-2+3\r\n"
            "-3.5\r\n"
            "410402201501010012\r\n");
}

}  // namespace
}  // namespace tongan::ingest
