#include "app/department_view.h"

#include "core/resident_id.h"

namespace tongan {
namespace {

using nlohmann::json;

bool LooksLikeIdNumber(const std::string& v) {
  if (v.size() != 18 && v.size() != 15) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (!(c >= '0' && c <= '9') && !(i == v.size() - 1 && (c == 'X' || c == 'x'))) return false;
  }
  return true;
}

bool IsPhoneHeading(const std::string& heading) {
  return heading.find("电话") != std::string::npos || heading.find("手机") != std::string::npos ||
         heading.find("联系方式") != std::string::npos;
}

bool IsIdHeading(const std::string& heading) {
  return heading.find("身份") != std::string::npos || heading.find("证件") != std::string::npos ||
         heading.find("社会保障号") != std::string::npos;
}

// Masks ID numbers wherever they appear and phones in phone columns.
json Masked(const json& object, bool by_field_name) {
  json out = json::object();
  for (const auto& [key, value] : object.items()) {
    if (!value.is_string()) {
      out[key] = value;
      continue;
    }
    const std::string v = value.get<std::string>();
    const bool phone = by_field_name ? key == "phone" : IsPhoneHeading(key);
    const bool id = by_field_name ? key == "id_number" : IsIdHeading(key) || LooksLikeIdNumber(v);
    out[key] = id ? MaskIdNumber(v) : phone ? MaskPhone(v) : v;
  }
  return out;
}

}  // namespace

const ImportProfile* ProfileCatalog::Find(const std::string& id) const {
  for (const auto& p : profiles_)
    if (p.id == id) return &p;
  return nullptr;
}

json BatchJson(const ImportBatch& b, const ProfileCatalog& profiles) {
  const ImportProfile* p = profiles.Find(b.profile_id);
  return {{"id", b.id},
          {"region_code", b.region_code},
          {"profile_id", b.profile_id},
          {"profile_name", p ? p->name_zh : b.profile_id},
          {"department", b.department},
          {"record_kind", b.record_kind},
          {"file_name", b.file_name},
          {"file_format", b.file_format},
          {"file_encoding", b.file_encoding},
          {"header_line", b.header_line},
          {"columns", b.columns},
          {"rows_total", b.rows_total},
          {"rows_loaded", b.rows_loaded},
          {"rows_rejected", b.rows_rejected},
          {"rows_duplicate", b.rows_duplicate},
          {"created_at", b.created_at},
          {"created_by_name", b.created_by_name},
          {"linked", b.linked},
          {"review", b.review},
          {"unmatched", b.unmatched}};
}

json RecordJson(const SourceRecord& r, const ProfileCatalog& profiles, bool see_identifiers) {
  const ImportProfile* p = profiles.Find(r.profile_id);
  // Parsed as ordered so the columns keep the file's order.
  nlohmann::ordered_json raw = nlohmann::ordered_json::parse(r.raw);
  json fields = json::parse(r.fields);
  json raw_view = json::object();
  json raw_order = json::array();  // JSON objects here sort their keys; this keeps the file's order
  for (const auto& [heading, value] : raw.items()) {
    raw_order.push_back(heading);
    std::string v = value.is_string() ? value.get<std::string>() : value.dump();
    if (!see_identifiers) {
      if (IsIdHeading(heading) || LooksLikeIdNumber(v)) v = MaskIdNumber(v);
      else if (IsPhoneHeading(heading)) v = MaskPhone(v);
    }
    raw_view[heading] = v;
  }
  return {{"id", r.id},
          {"batch_id", r.batch_id},
          {"line", r.line},
          {"status", r.status},
          {"department", p ? p->department : ""},
          {"profile_name", p ? p->name_zh : r.profile_id},
          {"record_kind", r.record_kind},
          {"name", r.name},
          {"id_number", see_identifiers ? r.id_number : MaskIdNumber(r.id_number)},
          {"birth_date", r.birth_date},
          {"hukou_code", r.hukou_code},
          {"fields", see_identifiers ? fields : Masked(fields, true)},
          {"raw", raw_view},
          {"raw_order", raw_order},
          {"problems", json::parse(r.problems)}};
}

json LinkJson(const RecordLink& l) {
  return {{"record_id", l.source_record_id},
          {"state", l.state},
          {"method", l.method},
          {"child_id", l.child_id ? json(*l.child_id) : json(nullptr)},
          {"candidate_id", l.candidate_id ? json(*l.candidate_id) : json(nullptr)},
          {"probability", l.probability},
          {"decided_by_person", l.decided_by_person},
          {"updated_at", l.updated_at}};
}

json LinkedRecordJson(const LinkedRecord& item, const ProfileCatalog& profiles,
                      bool see_identifiers) {
  return {{"record", RecordJson(item.record, profiles, see_identifiers)},
          {"link", LinkJson(item.link)}};
}

}  // namespace tongan
