#include "http/router.h"

namespace tongan {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (end > start) out.push_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

const Route* Router::Match(const std::string& method, const std::string& path,
                           std::map<std::string, std::string>* params, bool* path_known) const {
  const auto path_segments = Segments(path);
  *path_known = false;
  for (const Route& route : routes_) {
    const auto pattern_segments = Segments(route.pattern);
    if (pattern_segments.size() != path_segments.size()) continue;
    std::map<std::string, std::string> found;
    bool match = true;
    for (size_t i = 0; i < pattern_segments.size() && match; ++i) {
      const std::string_view p = pattern_segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}')
        found[std::string(p.substr(1, p.size() - 2))] = PercentDecode(path_segments[i], false);
      else
        match = p == path_segments[i];
    }
    if (!match) continue;
    if (route.method != method) {
      *path_known = true;
      continue;
    }
    *params = std::move(found);
    return &route;
  }
  return nullptr;
}

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    const size_t eq = pair.find('=');
    if (!pair.empty()) {
      if (eq == std::string_view::npos)
        out[PercentDecode(pair, true)] = "";
      else
        out[PercentDecode(pair.substr(0, eq), true)] = PercentDecode(pair.substr(eq + 1), true);
    }
    start = end + 1;
  }
  return out;
}

}  // namespace tongan
