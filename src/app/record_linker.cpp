#include "app/record_linker.h"

#include <chrono>
#include <unordered_map>

namespace tongan {
namespace {

std::string Alternatives(std::initializer_list<const std::string*> values) {
  std::string out;
  for (const std::string* v : values) {
    if (v->empty()) continue;
    if (!out.empty()) out += '|';
    out += *v;
  }
  return out;
}

}  // namespace

nlohmann::json LinkSummary::ToJson() const {
  return {{"records", records},     {"linked", linked},   {"review", review},
          {"new", unmatched},       {"exact_id", exact_id}, {"candidate_pairs", candidate_pairs},
          {"seconds", seconds}};
}

std::string ChildFieldValue(const Child& c, const std::string& field) {
  if (field == "name") return c.name;
  if (field == "id_number") return c.id_number;
  if (field == "birth_date") return FormatIsoDate(c.birth_date);
  if (field == "sex") return std::string(SexNameZh(c.sex));
  if (field == "guardian_name") return Alternatives({&c.father.name, &c.mother.name, &c.guardian.name});
  if (field == "phone") return Alternatives({&c.father.phone, &c.mother.phone, &c.guardian.phone});
  if (field == "address") return c.address;
  if (field == "hukou_address") return c.hukou_address;
  if (field == "school") return c.schooling.school;
  return "";
}

std::string RecordFieldValue(const nlohmann::json& fields, const std::string& field) {
  const auto it = fields.find(field);
  if (it == fields.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::vector<RecordLink> ProposeLinks(Store& store, const RegionScope& region_scope,
                                     const std::vector<SourceRecord>& rows,
                                     const linkage::LinkageConfig& config, LinkSummary& summary) {
  const auto started = std::chrono::steady_clock::now();
  summary = LinkSummary{};
  summary.records = static_cast<int64_t>(rows.size());
  if (rows.empty()) return {};

  std::vector<linkage::Record> left, right;
  left.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto fields = nlohmann::json::parse(rows[i].fields);
    linkage::Record r{static_cast<int64_t>(i), {}};  // position: the row may not be stored yet
    for (const auto& spec : config.fields) r.values.push_back(RecordFieldValue(fields, spec.name));
    left.push_back(std::move(r));
  }
  store.ScanChildren(region_scope, [&](const Child& child) {
    linkage::Record r{child.id, {}};
    for (const auto& spec : config.fields) r.values.push_back(ChildFieldValue(child, spec.name));
    right.push_back(std::move(r));
  });

  const linkage::LinkResult result = linkage::Link(left, right, config);
  summary.candidate_pairs = result.stats.candidate_pairs;
  std::vector<RecordLink> links;
  links.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const linkage::LeftResult& r = result.left[i];
    RecordLink link;
    link.source_record_id = rows[i].id;
    link.batch_id = rows[i].batch_id;
    link.probability = r.explanation.probability;
    if (r.right) link.explanation = r.explanation.ToJson().dump();
    const std::optional<int64_t> child =
        r.right ? std::optional<int64_t>(right[*r.right].key) : std::nullopt;
    switch (r.decision) {
      case linkage::Decision::kLink:
        link.state = "linked";
        link.child_id = child;
        link.method = r.method == linkage::Method::kExactId ? "exact_id" : "probabilistic";
        ++summary.linked;
        if (r.method == linkage::Method::kExactId) ++summary.exact_id;
        break;
      case linkage::Decision::kReview:
        link.state = "review";
        link.candidate_id = child;
        link.method = "probabilistic";
        ++summary.review;
        break;
      case linkage::Decision::kNew:
        link.state = "new";
        link.method = "none";
        link.candidate_id = child;  // the nearest child, for a person who wants to look
        ++summary.unmatched;
        break;
    }
    links.push_back(std::move(link));
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return links;
}

LinkSummary LinkRows(Store& store, const RegionScope& region_scope,
                     const std::vector<SourceRecord>& rows, const linkage::LinkageConfig& config,
                     const Actor& actor) {
  LinkSummary summary;
  const std::vector<RecordLink> links = ProposeLinks(store, region_scope, rows, config, summary);
  if (links.empty()) return summary;
  const auto started = std::chrono::steady_clock::now();
  store.departments().SaveAutoLinks(links, actor);
  summary.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace tongan
