#include "ingest/xlsx_reader.h"

#include <memory>
#include <optional>

#include "ingest/table_internal.h"
#include "ingest/xlsx_parts.h"
#include "ingest/xml_stream.h"
#include "ingest/zip_archive.h"

namespace tongan::ingest {
namespace {

constexpr std::string_view kWorkbookPath = "xl/workbook.xml";
constexpr std::string_view kWorkbookRelsPath = "xl/_rels/workbook.xml.rels";
constexpr std::string_view kDefaultSheetPath = "xl/worksheets/sheet1.xml";
constexpr std::string_view kDefaultSharedStringsPath = "xl/sharedStrings.xml";

ReadResult Malformed(const std::string& detail) {
  return ReadFailure("xlsx_malformed", "Excel 文件已损坏，无法读取工作表（" + detail + "）");
}

ReadResult TooLarge(const ZipArchive& zip) {
  return ReadFailure("file_too_large", "Excel 文件解压后超过 " +
                                           DescribeBytes(zip.max_uncompressed_bytes()) +
                                           "，文件过大或已损坏");
}

// Inflates one part through `handler`; nullopt on success.
std::optional<ReadResult> ParsePart(ZipArchive& zip, zip_uint64_t index, std::string_view path,
                                    XmlHandler& handler) {
  XmlStream xml(handler);
  bool xml_ok = true;
  const ZipArchive::Status status = zip.Read(index, [&](std::string_view chunk) {
    xml_ok = xml.Feed(chunk, /*is_final=*/false);
    return xml_ok;
  });
  if (status == ZipArchive::Status::kOk) xml_ok = xml.Feed({}, /*is_final=*/true);
  if (handler.failure) return std::move(*handler.failure);
  switch (status) {
    case ZipArchive::Status::kTooLarge:
      return TooLarge(zip);
    case ZipArchive::Status::kCorrupt:
      return Malformed(std::string(path) + " 解压失败");
    case ZipArchive::Status::kStopped:
    case ZipArchive::Status::kOk:
      break;
  }
  if (!xml_ok) return Malformed(std::string(path) + " " + xml.ErrorText());
  return std::nullopt;
}

bool EndsWith(std::string_view text, std::string_view suffix) { return text.ends_with(suffix); }

// Resolves a relationship target against xl/ (the workbook's folder): "worksheets/sheet1.xml"
// and "/xl/worksheets/sheet1.xml" both give "xl/worksheets/sheet1.xml".
std::string ResolveTarget(std::string_view target) {
  std::string path;
  if (target.starts_with('/')) {
    path = std::string(target.substr(1));
  } else {
    path = "xl/" + std::string(target);
  }
  for (char& c : path)
    if (c == '\\') c = '/';
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string resolved;
  for (const std::string& segment : segments) {
    if (!resolved.empty()) resolved += '/';
    resolved += segment;
  }
  return resolved;
}

const Relationship* FindRelationship(const std::vector<Relationship>& relationships,
                                     std::string_view id) {
  for (const Relationship& relationship : relationships)
    if (relationship.id == id && !relationship.external) return &relationship;
  return nullptr;
}

struct SheetChoice {
  std::string name;
  std::string path;
};

// The first visible worksheet in tab order (chart sheets and dialog sheets hold no table), else
// the first worksheet of any visibility.
std::optional<SheetChoice> ChooseSheet(const std::vector<WorkbookSheet>& sheets,
                                       const std::vector<Relationship>& relationships,
                                       const ZipArchive& zip) {
  std::optional<SheetChoice> hidden_choice;
  for (const WorkbookSheet& sheet : sheets) {
    const Relationship* relationship = FindRelationship(relationships, sheet.relationship_id);
    if (relationship == nullptr) continue;
    if (!relationship->type.empty() && !EndsWith(relationship->type, "/worksheet")) continue;
    SheetChoice choice{sheet.name, ResolveTarget(relationship->target)};
    if (!zip.Find(choice.path)) continue;
    if (!sheet.hidden) return choice;
    if (!hidden_choice) hidden_choice = std::move(choice);
  }
  return hidden_choice;
}

}  // namespace

ReadResult ReadXlsx(std::string_view bytes, const ReadLimits& limits) {
  std::unique_ptr<ZipArchive> zip = ZipArchive::Open(bytes, limits.max_uncompressed_bytes);
  if (zip == nullptr) return Malformed("不是完整的 zip 压缩包，可能上传不完整");
  if (!zip->HasEntryUnder("xl/"))
    return ReadFailure("xlsx_no_sheet", "不是 Excel 工作簿（.xlsx），请上传 .xlsx 或 CSV 文件");

  WorkbookHandler workbook;
  RelationshipsHandler relationships;
  if (std::optional<zip_uint64_t> index = zip->Find(std::string(kWorkbookPath))) {
    if (auto failure = ParsePart(*zip, *index, kWorkbookPath, workbook)) return *failure;
  }
  if (std::optional<zip_uint64_t> index = zip->Find(std::string(kWorkbookRelsPath))) {
    if (auto failure = ParsePart(*zip, *index, kWorkbookRelsPath, relationships)) return *failure;
  }

  std::optional<SheetChoice> sheet =
      ChooseSheet(workbook.sheets, relationships.relationships, *zip);
  if (!sheet && zip->Find(std::string(kDefaultSheetPath))) {
    sheet = SheetChoice{workbook.sheets.empty() ? "Sheet1" : workbook.sheets.front().name,
                        std::string(kDefaultSheetPath)};
  }
  if (!sheet) return ReadFailure("xlsx_no_sheet", "Excel 文件中没有可读取的工作表");

  std::string shared_strings_path(kDefaultSharedStringsPath);
  for (const Relationship& relationship : relationships.relationships) {
    if (!relationship.external && EndsWith(relationship.type, "/sharedStrings")) {
      shared_strings_path = ResolveTarget(relationship.target);
      break;
    }
  }
  SharedStringsHandler shared_strings(limits.max_cell_bytes);
  if (std::optional<zip_uint64_t> index = zip->Find(shared_strings_path)) {
    if (auto failure = ParsePart(*zip, *index, shared_strings_path, shared_strings))
      return *failure;
  }

  const std::optional<zip_uint64_t> sheet_index = zip->Find(sheet->path);
  if (!sheet_index) return ReadFailure("xlsx_no_sheet", "Excel 文件中没有可读取的工作表");
  SheetHandler sheet_handler(shared_strings.strings, limits, *zip);
  if (auto failure = ParsePart(*zip, *sheet_index, sheet->path, sheet_handler)) return *failure;
  if (sheet_handler.rows.empty())
    return ReadFailure("file_empty", "工作表“" + sheet->name + "”中没有数据");

  ReadResult result;
  result.table = Table{"xlsx", "UTF-8", sheet->name, std::move(sheet_handler.rows)};
  return result;
}

}  // namespace tongan::ingest
