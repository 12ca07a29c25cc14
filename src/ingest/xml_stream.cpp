#include "ingest/xml_stream.h"

#include <algorithm>
#include <climits>
#include <new>

#include "ingest/table_internal.h"

namespace tongan::ingest {
namespace {

constexpr char kNamespaceSeparator = '|';

// "uri|local" → "local"; a name without namespace is returned as it is.
std::string_view LocalName(const char* name) {
  const std::string_view full(name);
  const size_t separator = full.rfind(kNamespaceSeparator);
  return separator == std::string_view::npos ? full : full.substr(separator + 1);
}

ReadResult OutOfMemory() { return ReadFailure("file_too_large", "Excel 文件过大，内存不足"); }

}  // namespace

const char* FindAttribute(const char** attributes, std::string_view name) {
  for (size_t i = 0; attributes != nullptr && attributes[i] != nullptr; i += 2)
    if (LocalName(attributes[i]) == name) return attributes[i + 1];
  return nullptr;
}

XmlStream::XmlStream(XmlHandler& handler)
    : handler_(handler), parser_(XML_ParserCreateNS(nullptr, kNamespaceSeparator)) {
  if (parser_ == nullptr) return;
  XML_SetUserData(parser_, this);
  XML_SetElementHandler(parser_, OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser_, OnText);
  // Parts of an .xlsx never have a DTD; refusing one rules out entity expansion attacks.
  XML_SetStartDoctypeDeclHandler(parser_, OnDoctype);
}

XmlStream::~XmlStream() {
  if (parser_ != nullptr) XML_ParserFree(parser_);
}

bool XmlStream::Feed(std::string_view chunk, bool is_final) {
  if (parser_ == nullptr) {
    handler_.failure = OutOfMemory();
    return false;
  }
  while (!chunk.empty() || is_final) {
    const size_t size = std::min(chunk.size(), static_cast<size_t>(INT_MAX / 2));
    const bool last = is_final && size == chunk.size();
    if (XML_Parse(parser_, chunk.data(), static_cast<int>(size), last) != XML_STATUS_OK)
      return false;
    if (handler_.failure) return false;
    chunk.remove_prefix(size);
    if (last) break;
  }
  return !handler_.failure;
}

std::string XmlStream::ErrorText() const {
  if (parser_ == nullptr) return "内存不足";
  if (doctype_seen_) return "含有不允许的 DOCTYPE";
  return "第 " + std::to_string(XML_GetCurrentLineNumber(parser_)) + " 行 XML 格式错误（" +
         XML_ErrorString(XML_GetErrorCode(parser_)) + "）";
}

void XMLCALL XmlStream::OnStart(void* self, const XML_Char* name, const XML_Char** attributes) {
  auto& stream = *static_cast<XmlStream*>(self);
  try {
    stream.handler_.Start(LocalName(name), attributes);
  } catch (const std::bad_alloc&) {
    stream.handler_.failure = OutOfMemory();
  }
  if (stream.handler_.failure) XML_StopParser(stream.parser_, XML_FALSE);
}

void XMLCALL XmlStream::OnEnd(void* self, const XML_Char* name) {
  auto& stream = *static_cast<XmlStream*>(self);
  try {
    stream.handler_.End(LocalName(name));
  } catch (const std::bad_alloc&) {
    stream.handler_.failure = OutOfMemory();
  }
  if (stream.handler_.failure) XML_StopParser(stream.parser_, XML_FALSE);
}

void XMLCALL XmlStream::OnText(void* self, const XML_Char* text, int length) {
  auto& stream = *static_cast<XmlStream*>(self);
  try {
    stream.handler_.Text(std::string_view(text, static_cast<size_t>(length)));
  } catch (const std::bad_alloc&) {
    stream.handler_.failure = OutOfMemory();
  }
  if (stream.handler_.failure) XML_StopParser(stream.parser_, XML_FALSE);
}

void XMLCALL XmlStream::OnDoctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*,
                                  int) {
  auto& stream = *static_cast<XmlStream*>(self);
  stream.doctype_seen_ = true;
  XML_StopParser(stream.parser_, XML_FALSE);
}

}  // namespace tongan::ingest
