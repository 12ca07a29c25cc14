// Handlers for the parts of an .xlsx that the reader needs: the workbook's sheet list, its
// relationships, the shared string table and one worksheet.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ingest/table.h"
#include "ingest/xml_stream.h"
#include "ingest/zip_archive.h"

namespace tongan::ingest {

// Excel's escape for characters XML cannot hold: "_x000D_" is CR, "_x005F_" a literal '_'.
std::string DecodeOoxmlEscapes(std::string_view text);

struct WorkbookSheet {
  std::string name;
  std::string relationship_id;
  bool hidden = false;
};

// xl/workbook.xml: <sheets><sheet name="…" state="hidden" r:id="rId1"/></sheets>.
class WorkbookHandler : public XmlHandler {
 public:
  void Start(std::string_view name, const char** attributes) override;
  void End(std::string_view name) override;

  std::vector<WorkbookSheet> sheets;

 private:
  bool in_sheets_ = false;
};

struct Relationship {
  std::string id;
  std::string type;    // a URI ending in "/worksheet", "/sharedStrings", …
  std::string target;  // relative to the part's folder, or absolute from the archive root
  bool external = false;
};

// xl/_rels/workbook.xml.rels.
class RelationshipsHandler : public XmlHandler {
 public:
  void Start(std::string_view name, const char** attributes) override;
  void End(std::string_view) override {}

  std::vector<Relationship> relationships;
};

// xl/sharedStrings.xml: each <si> is the text of its <t> elements, rich-text runs joined and
// phonetic guides (<rPh>) left out. A string longer than the cell limit is kept cut to one byte
// over it, so that a cell using it fails but an unused one costs nothing.
class SharedStringsHandler : public XmlHandler {
 public:
  explicit SharedStringsHandler(size_t max_cell_bytes) : max_cell_bytes_(max_cell_bytes) {}
  void Start(std::string_view name, const char** attributes) override;
  void End(std::string_view name) override;
  void Text(std::string_view text) override;

  std::vector<std::string> strings;

 private:
  size_t max_cell_bytes_;
  bool in_item_ = false;
  bool in_text_ = false;
  int phonetic_depth_ = 0;
  bool too_long_ = false;
  std::string current_;
};

// A worksheet: <sheetData><row r="N"><c r="B3" t="…"><v>…</v><is><t>…</t></is></c></row>.
// Cells are placed by their column letters (gaps become ""), trailing empty cells are dropped and
// blank rows skipped.
class SheetHandler : public XmlHandler {
 public:
  SheetHandler(const std::vector<std::string>& shared_strings, const ReadLimits& limits,
               ZipArchive& budget)
      : shared_strings_(shared_strings), limits_(limits), budget_(budget) {}
  void Start(std::string_view name, const char** attributes) override;
  void End(std::string_view name) override;
  void Text(std::string_view text) override;

  std::vector<TableRow> rows;

 private:
  void StartRow(const char** attributes);
  void FinishRow();
  void StartCell(const char** attributes);
  void FinishCell();
  std::string CellText();

  const std::vector<std::string>& shared_strings_;
  const ReadLimits& limits_;
  ZipArchive& budget_;

  bool in_sheet_data_ = false;
  bool in_row_ = false;
  bool in_cell_ = false;
  bool in_value_ = false;
  bool in_inline_ = false;
  bool in_text_ = false;
  int phonetic_depth_ = 0;

  int64_t row_number_ = 0;
  int64_t last_row_number_ = 0;
  std::vector<std::string> cells_;
  size_t column_ = 0;
  size_t next_column_ = 0;
  std::string type_;
  std::string value_;        // text of <v>
  std::string inline_text_;  // text of <is>
};

}  // namespace tongan::ingest
