// SQLite implementation of StatsStore, on the registry store's writer and readers.
//
// child_figures keeps each child's figures as text (' key=value key=value ', keys sorted, zero
// values left out) so one child costs one row and ChildrenWith can search it; region_figures keeps
// the totals of every region at every level, moved by each child's difference.
#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "core/region.h"
#include "store/sql_internal.h"
#include "store/stats_store.h"

namespace tongan::sql {
namespace {

// Lengths of region codes: province, city, county, township, village.
constexpr size_t kLevels[] = {2, 4, 6, 9, 12};

// The first level deeper than `length` (0 → 2 → 4 → 6 → 9 → 12); 0 when there is none.
size_t NextLevel(size_t length) {
  for (size_t level : kLevels) {
    if (level > length) return level;
  }
  return 0;
}

void CheckKey(const std::string& key) {
  if (key.empty() || key.find_first_of(" =") != std::string::npos) {
    throw std::invalid_argument("figure key must be non-empty without spaces or '=': " + key);
  }
}

std::string FiguresText(const Figures& figures) {
  std::string out = " ";
  for (const auto& [key, value] : figures) {
    if (value == 0) continue;
    out += key;
    out += '=';
    out += std::to_string(value);
    out += ' ';
  }
  return out;
}

// Views into a figures text, sorted by key.
using FigureViews = std::vector<std::pair<std::string_view, int64_t>>;

FigureViews ParseFigures(std::string_view text) {
  FigureViews out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = text.substr(i, end - i);
    const size_t eq = item.find('=');
    if (eq != std::string_view::npos) {
      int64_t value = 0;
      std::from_chars(item.data() + eq + 1, item.data() + item.size(), value);
      if (value != 0) out.emplace_back(item.substr(0, eq), value);
    }
    i = end;
  }
  // Written sorted; sorting again costs nothing and keeps the merge below right whatever wrote it.
  std::sort(out.begin(), out.end());
  return out;
}

// new − old for every key whose value differs; both inputs sorted by key.
FigureViews Difference(const FigureViews& old_figures, const Figures& new_figures) {
  FigureViews out;
  auto o = old_figures.begin();
  auto n = new_figures.begin();
  while (o != old_figures.end() || n != new_figures.end()) {
    if (n != new_figures.end() && n->second == 0) {
      ++n;
    } else if (n == new_figures.end() || (o != old_figures.end() && o->first < n->first)) {
      out.emplace_back(o->first, -o->second);
      ++o;
    } else if (o == old_figures.end() || n->first < o->first) {
      out.emplace_back(n->first, n->second);
      ++n;
    } else {
      if (n->second != o->second) out.emplace_back(n->first, n->second - o->second);
      ++o;
      ++n;
    }
  }
  return out;
}

// Sums by key, looked up by string_view without building a string per lookup.
struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using KeySums = std::unordered_map<std::string, int64_t, KeyHash, std::equal_to<>>;

void AddTo(KeySums& sums, std::string_view key, int64_t value) {
  auto it = sums.find(key);
  if (it == sums.end()) {
    sums.emplace(std::string(key), value);
  } else {
    it->second += value;
  }
}

// Sums over codes met in ascending order (so each region's codes are consecutive): one running
// sum per level, written through `write` when the code at that level changes and added to the
// level above; the top level's sums are gathered in top(). Memory stays a few keys per level
// however many villages or children pass through, and each region is written once.
class LevelSums {
 public:
  using Write = std::function<void(std::string_view code, std::string_view key, int64_t value)>;
  LevelSums(std::vector<size_t> levels, Write write)
      : levels_(std::move(levels)), running_(levels_.size()), write_(std::move(write)) {}

  // The sums to add one code's figures to (those of the deepest level the code has); nullptr
  // when the code is shorter than the top level.
  KeySums* Enter(const std::string& code) {
    size_t depth = levels_.size();
    while (depth > 0 && levels_[depth - 1] > code.size()) --depth;
    if (depth == 0) return nullptr;
    for (size_t i = levels_.size(); i-- > 0;) {
      if (running_[i].active &&
          (i >= depth || running_[i].code.compare(0, std::string::npos, code, 0, levels_[i]) != 0)) {
        Flush(i);
      }
    }
    for (size_t i = 0; i < depth; ++i) {
      if (!running_[i].active) {
        running_[i].active = true;
        running_[i].code = code.substr(0, levels_[i]);
      }
    }
    return &running_[depth - 1].sums;
  }

  // Writes what is still running; top() is complete afterwards.
  void Finish() {
    for (size_t i = levels_.size(); i-- > 0;) Flush(i);
  }
  KeySums& top() { return top_; }

 private:
  struct Running {
    bool active = false;
    std::string code;
    KeySums sums;
  };

  void Flush(size_t i) {
    Running& r = running_[i];
    if (!r.active) return;
    KeySums& up = i == 0 ? top_ : running_[i - 1].sums;
    for (const auto& [key, value] : r.sums) {
      if (value == 0) continue;
      write_(r.code, key, value);
      AddTo(up, key, value);
    }
    r.active = false;
    r.sums.clear();
  }

  std::vector<size_t> levels_;
  std::vector<Running> running_;
  Write write_;
  KeySums top_;
};

// Statements are compiled once per connection (Connection caches them by text); these strings
// are built once so each use is only a cache lookup.
// No RETURNING: SQLite gathers RETURNING rows in a temporary table, which made each upsert about
// three times slower (AddTotals writes millions).
const std::string kAddTotal =
    "INSERT INTO region_figures (region_code, key, value) VALUES (?, ?, ?) "
    "ON CONFLICT (region_code, key) DO UPDATE SET value = region_figures.value + excluded.value";
const std::string kDeleteZeroTotal =
    "DELETE FROM region_figures WHERE region_code = ? AND key = ? AND value = 0";
// value != 0: a total can be left at zero only by adding to a negative one (see AddToTotal).
const std::string kTotals = "SELECT key, value FROM region_figures WHERE region_code = ? AND value != 0";

class SqlStatsStore final : public StatsStore {
 public:
  explicit SqlStatsStore(Handles& h) : h_(h) {}

  void PutChildFigures(int64_t child_id, const std::string& region_code, const Figures& figures) override {
    for (const auto& [key, value] : figures) CheckKey(key);
    const std::string text = FiguresText(figures);
    std::lock_guard lock(h_.write_mutex);
    Transaction tx(h_.writer);
    bool had_row = false;
    std::string old_region;
    std::string old_text;
    {
      auto s = h_.writer.Prepare("SELECT region_code, figures FROM child_figures WHERE child_id = ?");
      s.Bind(1, child_id);
      if (s.Step()) {
        had_row = true;
        old_region = s.Text(0);
        old_text = s.Text(1);
      }
    }
    // Unchanged: nothing to write (the empty transaction rolls back without touching the disk).
    if (had_row && old_region == region_code && old_text == text) return;

    if (had_row && old_region == region_code) {
      // The usual case; setting only figures leaves the region index alone.
      h_.writer.Prepare("UPDATE child_figures SET figures = ? WHERE child_id = ?")
          .Bind(1, text)
          .Bind(2, child_id)
          .Run();
    } else {
      h_.writer
          .Prepare("INSERT INTO child_figures (child_id, province_code, region_code, figures) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT (child_id) DO UPDATE SET province_code = excluded.province_code, "
                   "region_code = excluded.region_code, figures = excluded.figures")
          .Bind(1, child_id)
          .Bind(2, ProvinceCodeOf(region_code))
          .Bind(3, region_code)
          .Bind(4, text)
          .Run();
    }

    const FigureViews old_figures = ParseFigures(old_text);
    const FigureViews difference = Difference(old_figures, figures);
    // Level by level: an ancestor the child stays under moves by the difference only (nothing
    // when few keys changed); one it leaves loses the old figures, one it enters gains the new.
    for (size_t level : kLevels) {
      const bool in_old = had_row && old_region.size() >= level;
      const bool in_new = region_code.size() >= level;
      const std::string_view old_code = in_old ? std::string_view(old_region).substr(0, level) : "";
      const std::string_view new_code = in_new ? std::string_view(region_code).substr(0, level) : "";
      if (in_old && in_new && old_code == new_code) {
        for (const auto& [key, delta] : difference) AddToTotal(new_code, key, delta);
        continue;
      }
      if (in_old) {
        for (const auto& [key, value] : old_figures) AddToTotal(old_code, key, -value);
      }
      if (in_new) {
        for (const auto& [key, value] : figures) AddToTotal(new_code, key, value);
      }
    }
    tx.Commit();
  }

  std::optional<Figures> ChildFigures(int64_t child_id) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare("SELECT figures FROM child_figures WHERE child_id = ?");
    s.Bind(1, child_id);
    if (!s.Step()) return std::nullopt;
    const std::string text = s.Text(0);
    Figures out;
    for (const auto& [key, value] : ParseFigures(text)) out[std::string(key)] += value;
    return out;
  }

  void RebuildTotals(const std::string& region_code) override {
    // The levels of the subtree, from its top (the region itself when its code is a level).
    std::vector<size_t> levels;
    for (size_t level : kLevels) {
      if (level >= region_code.size()) levels.push_back(level);
    }
    if (levels.empty()) return;
    const std::string end = PrefixUpperBound(region_code);

    std::lock_guard lock(h_.write_mutex);
    Transaction tx(h_.writer);
    // What the ancestors hold for the subtree now: the region's own totals, or for a code that
    // is not a level ("" for everything) the sum of its top-level regions'.
    KeySums old_top;
    if (levels.front() == region_code.size()) {
      auto s = h_.writer.Prepare(kTotals);
      s.Bind(1, region_code);
      while (s.Step()) AddTo(old_top, s.Text(0), s.Int(1));
    } else {
      auto s = h_.writer.Prepare(
          "SELECT key, value FROM region_figures WHERE region_code >= ? AND region_code < ? "
          "AND length(region_code) = ?");
      s.Bind(1, region_code).Bind(2, end).Bind(3, static_cast<int64_t>(levels.front()));
      while (s.Step()) AddTo(old_top, s.Text(0), s.Int(1));
    }
    h_.writer.Prepare("DELETE FROM region_figures WHERE region_code >= ? AND region_code < ?")
        .Bind(1, region_code)
        .Bind(2, end)
        .Run();

    // Children in code order: each region is summed once, level by level (LevelSums).
    LevelSums sums(levels, [this](std::string_view code, std::string_view key, int64_t value) {
      AddToTotal(code, key, value);
    });
    {
      auto s = h_.writer.Prepare(
          "SELECT region_code, figures FROM child_figures WHERE region_code >= ? AND region_code < ?" +
          h_.dialect.ProvinceFilter(region_code) + " ORDER BY region_code");
      s.Bind(1, region_code).Bind(2, end);
      while (s.Step()) {
        KeySums* into = sums.Enter(s.Text(0));
        if (!into) continue;
        const std::string text = s.Text(1);
        for (const auto& [key, value] : ParseFigures(text)) AddTo(*into, key, value);
      }
    }
    sums.Finish();
    KeySums& new_top = sums.top();

    // The proper ancestors move by the subtree's change.
    for (const auto& [key, value] : old_top) AddTo(new_top, key, -value);
    for (size_t level : kLevels) {
      if (level >= region_code.size()) break;
      const std::string_view ancestor = std::string_view(region_code).substr(0, level);
      for (const auto& [key, delta] : new_top) {
        if (delta != 0) AddToTotal(ancestor, key, delta);
      }
    }
    tx.Commit();
  }

  void AddTotals(const std::vector<std::pair<std::string, Figures>>& by_village) override {
    // Villages in code order, so the inserts walk the primary key instead of jumping about.
    std::vector<const std::pair<std::string, Figures>*> villages;
    villages.reserve(by_village.size());
    for (const auto& v : by_village) villages.push_back(&v);
    std::sort(villages.begin(), villages.end(), [](auto* a, auto* b) { return a->first < b->first; });

    // Each village and ancestor row is written once, with the villages' sums (LevelSums).
    std::lock_guard lock(h_.write_mutex);
    Transaction tx(h_.writer);
    LevelSums sums(std::vector<size_t>(std::begin(kLevels), std::end(kLevels)),
                   [this](std::string_view code, std::string_view key, int64_t value) {
                     AddToTotal(code, key, value);
                   });
    for (const auto* v : villages) {
      KeySums* into = sums.Enter(v->first);
      if (!into) continue;
      for (const auto& [key, value] : v->second) {
        if (value != 0) AddTo(*into, key, value);
      }
    }
    sums.Finish();
    tx.Commit();
  }

  Figures Totals(const std::string& region_code) override {
    auto reader = h_.readers->Acquire();
    return ReadTotals(*reader, region_code);
  }

  std::map<std::string, Figures> SubRegionTotals(const std::string& parent) override {
    std::map<std::string, Figures> out;
    const size_t next = NextLevel(parent.size());
    if (next == 0) return out;
    const std::string end = PrefixUpperBound(parent);
    auto reader = h_.readers->Acquire();
    // Skips from one sub-region to the next instead of reading the whole subtree and filtering
    // on length: a province's cities cost a few seeks, not its villages' million rows.
    std::string after = parent;
    while (true) {
      std::string code;
      {
        auto s = reader->Prepare(
            "SELECT region_code FROM region_figures WHERE region_code > ? AND region_code < ? "
            "ORDER BY region_code LIMIT 1");
        s.Bind(1, after).Bind(2, end);
        if (!s.Step()) break;
        code = s.Text(0);
      }
      if (code.size() < next) {  // a code between levels; step past its own rows
        after = code;
        continue;
      }
      const std::string sub = code.substr(0, next);
      Figures figures = ReadTotals(*reader, sub);
      if (!figures.empty()) out.emplace(sub, std::move(figures));
      after = PrefixUpperBound(sub);
    }
    return out;
  }

  void SaveHistory(const std::string& period, const std::string& region_code, size_t max_code_length) override {
    const std::string end = PrefixUpperBound(region_code);
    std::lock_guard lock(h_.write_mutex);
    Transaction tx(h_.writer);
    h_.writer.Prepare("DELETE FROM figure_history WHERE period = ? AND region_code >= ? AND region_code < ?")
        .Bind(1, period)
        .Bind(2, region_code)
        .Bind(3, end)
        .Run();
    h_.writer
        .Prepare("INSERT INTO figure_history (period, region_code, key, value) "
                 "SELECT ?, region_code, key, value FROM region_figures "
                 "WHERE region_code >= ? AND region_code < ? AND length(region_code) <= ? AND value != 0")
        .Bind(1, period)
        .Bind(2, region_code)
        .Bind(3, end)
        .Bind(4, static_cast<int64_t>(max_code_length))
        .Run();
    tx.Commit();
  }

  std::vector<std::pair<std::string, Figures>> History(const std::string& region_code) override {
    auto reader = h_.readers->Acquire();
    auto s = reader->Prepare(
        "SELECT period, key, value FROM figure_history WHERE region_code = ? ORDER BY period, key");
    s.Bind(1, region_code);
    std::vector<std::pair<std::string, Figures>> out;
    while (s.Step()) {
      std::string period = s.Text(0);
      if (out.empty() || out.back().first != period) out.emplace_back(std::move(period), Figures{});
      out.back().second[s.Text(1)] = s.Int(2);
    }
    return out;
  }

  std::vector<int64_t> ChildrenWith(const std::string& region_code, const std::string& key, int64_t offset,
                                    int64_t limit, int64_t* total) override {
    // A substring test rather than LIKE: exact and case-sensitive (LIKE folds ASCII case and would need
    // '%' and '_' escaped). The surrounding ' ' and '=' keep "class:m" from matching
    // "class:migrant"; zero values are never stored, so a present key is a non-zero figure.
    const std::string needle = " " + key + "=";
    const std::string end = PrefixUpperBound(region_code);
    const std::string where =
        " FROM child_figures WHERE region_code >= ? AND region_code < ?" + h_.dialect.ProvinceFilter(region_code) +
        " AND " + h_.dialect.Contains("figures");
    auto reader = h_.readers->Acquire();
    if (total) {
      auto count = reader->Prepare("SELECT count(*)" + where);
      count.Bind(1, region_code).Bind(2, end).Bind(3, needle);
      count.Step();
      *total = count.Int(0);
    }
    auto rows = reader->Prepare("SELECT child_id" + where + " ORDER BY child_id LIMIT ? OFFSET ?");
    rows.Bind(1, region_code).Bind(2, end).Bind(3, needle).Bind(4, limit).Bind(5, offset);
    std::vector<int64_t> out;
    while (rows.Step()) out.push_back(rows.Int(0));
    return out;
  }

 private:
  // Adds `delta` to one total on the writer (inside the caller's transaction). A total that a
  // subtraction brings to zero is removed; one reached by adding to a negative total (possible
  // only with negative figures) stays as a zero row, which the reads leave out.
  void AddToTotal(std::string_view region_code, std::string_view key, int64_t delta) {
    if (delta == 0) return;
    h_.writer.Prepare(kAddTotal).Bind(1, region_code).Bind(2, key).Bind(3, delta).Run();
    if (delta < 0) h_.writer.Prepare(kDeleteZeroTotal).Bind(1, region_code).Bind(2, key).Run();
  }

  static Figures ReadTotals(Connection& db, const std::string& region_code) {
    auto s = db.Prepare(kTotals);
    s.Bind(1, region_code);
    Figures out;
    while (s.Step()) out[s.Text(0)] = s.Int(1);
    return out;
  }

  Handles& h_;
};

}  // namespace

std::unique_ptr<StatsStore> MakeStatsStore(Handles& handles) { return std::make_unique<SqlStatsStore>(handles); }

}  // namespace tongan::sql
