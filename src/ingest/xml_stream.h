// Streaming XML over expat for the parts of an .xlsx, with names reduced to their local part so
// that prefixed ("x:row") and strict-namespace workbooks read like ordinary ones.
#pragma once

#include <expat.h>

#include <optional>
#include <string>
#include <string_view>

#include "ingest/table.h"

namespace tongan::ingest {

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  // `attributes` alternates names and values and ends with nullptr, as expat passes them.
  virtual void Start(std::string_view name, const char** attributes) = 0;
  virtual void End(std::string_view name) = 0;
  virtual void Text(std::string_view text) {}

  // Set by a handler to stop parsing with this result.
  std::optional<ReadResult> failure;
};

// The value of the attribute whose local name is `name`, or nullptr.
const char* FindAttribute(const char** attributes, std::string_view name);

class XmlStream {
 public:
  explicit XmlStream(XmlHandler& handler);
  ~XmlStream();
  XmlStream(const XmlStream&) = delete;
  XmlStream& operator=(const XmlStream&) = delete;

  // Feeds the next chunk; false when the XML is malformed or the handler failed.
  bool Feed(std::string_view chunk, bool is_final);
  // After Feed returned false without a handler failure: what expat objected to.
  std::string ErrorText() const;

 private:
  static void XMLCALL OnStart(void* self, const XML_Char* name, const XML_Char** attributes);
  static void XMLCALL OnEnd(void* self, const XML_Char* name);
  static void XMLCALL OnText(void* self, const XML_Char* text, int length);
  static void XMLCALL OnDoctype(void* self, const XML_Char* name, const XML_Char* system_id,
                                const XML_Char* public_id, int has_internal_subset);

  XmlHandler& handler_;
  XML_Parser parser_;
  bool doctype_seen_ = false;
};

}  // namespace tongan::ingest
