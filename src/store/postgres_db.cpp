// sql::Connection over libpq. Statements are prepared server-side on first use and their rows
// stream in single-row mode, so scanning a province does not hold it in memory. A connection runs
// one command at a time: when another statement starts while one is still streaming (nested loops
// written for SQLite), the rest of the first one's rows are buffered first.
#include <libpq-fe.h>

#include <cstdlib>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include "store/sql_db.h"

namespace tongan::sql {
namespace {

constexpr const char* kUniqueViolation = "23505";

class PostgresConnection;

// COPY's text format: backslash, tab, newline and carriage return escaped.
void AppendCopyText(std::string& out, const std::string& value) {
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

// `?` placeholders become `$1`, `$2`, …; a `?` inside a quoted literal stays.
std::string NumberPlaceholders(const std::string& sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  bool in_literal = false;
  *count = 0;
  for (char c : sql) {
    if (c == '\'') in_literal = !in_literal;
    if (c == '?' && !in_literal) {
      out += '$' + std::to_string(++*count);
    } else {
      out += c;
    }
  }
  return out;
}

Error ErrorFrom(const PGresult* result, PGconn* conn, std::string_view context) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  const auto kind = state && std::string_view(state) == kUniqueViolation ? Error::Kind::kUniqueViolation
                                                                           : Error::Kind::kOther;
  return Error(kind, std::string(context) + ": " + (message && *message ? message : PQerrorMessage(conn)));
}

class PostgresCursor final : public Cursor {
 public:
  PostgresCursor(PostgresConnection& conn, std::string name, std::string sql, int param_count)
      : conn_(conn), name_(std::move(name)), sql_(std::move(sql)),
        values_(param_count), present_(param_count, false) {}
  ~PostgresCursor() override { Reset(); }

  void BindInt(int index, int64_t value) override { Set(index, std::to_string(value)); }
  void BindReal(int index, double value) override {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    Set(index, buf);
  }
  void BindText(int index, std::string_view value) override { Set(index, std::string(value)); }
  void BindNull(int index) override {
    if (index >= 1 && index <= static_cast<int>(present_.size())) present_[index - 1] = false;
  }

  bool Step() override;
  int64_t Int(int column) const override {
    const char* v = PQgetvalue(row_, 0, column);
    if (*v == 't') return 1;  // a boolean expression read as a number
    if (*v == 'f') return 0;
    return std::strtoll(v, nullptr, 10);
  }
  double Real(int column) const override { return std::strtod(PQgetvalue(row_, 0, column), nullptr); }
  std::string Text(int column) const override {
    return std::string(PQgetvalue(row_, 0, column), PQgetlength(row_, 0, column));
  }
  bool IsNull(int column) const override { return PQgetisnull(row_, 0, column) != 0; }
  void Reset() noexcept override;

  // Moves the rest of the rows off the wire so the connection can run another command.
  void Buffer();

 private:
  void Set(int index, std::string value) {
    if (index < 1 || index > static_cast<int>(values_.size())) return;
    values_[index - 1] = std::move(value);
    present_[index - 1] = true;
  }
  void Start();
  // Takes the next result off the wire: a row (kept in row_ or buffered), or the end.
  bool Receive(bool keep_in_buffer);
  void Finish() noexcept;
  void ClearRow() {
    PQclear(row_);
    row_ = nullptr;
  }

  PostgresConnection& conn_;
  std::string name_, sql_;
  std::vector<std::string> values_;
  std::vector<bool> present_;
  uint64_t prepared_in_session_ = 0;
  bool started_ = false, streaming_ = false;
  PGresult* row_ = nullptr;
  std::deque<PGresult*> buffered_;
  std::optional<Error> deferred_error_;
  friend class PostgresConnection;
};

class PostgresConnection final : public Connection {
 public:
  PostgresConnection(const std::string& uri, bool read_only) : read_only_(read_only) {
    conn_ = PQconnectdb(uri.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string message = PQerrorMessage(conn_);
      PQfinish(conn_);
      throw Error(Error::Kind::kOther, "connect: " + message);
    }
    SetUpSession();
  }
  ~PostgresConnection() override {
    cache_.clear();
    PQfinish(conn_);
  }

  Backend backend() const override { return Backend::kPostgres; }

  Statement Prepare(const std::string& sql) override {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      int count = 0;
      std::string numbered = NumberPlaceholders(sql, &count);
      auto cursor = std::make_unique<PostgresCursor>(*this, "s" + std::to_string(cache_.size() + 1),
                                                     std::move(numbered), count);
      it = cache_.emplace(sql, std::move(cursor)).first;
    }
    return Statement(it->second.get());
  }

  void Exec(const std::string& sql) override {
    PGresult* r = Command(sql.c_str());
    PQclear(r);
  }

  int64_t LastInsertId() override {
    PGresult* r = Command("SELECT lastval()");
    const int64_t id = std::strtoll(PQgetvalue(r, 0, 0), nullptr, 10);
    PQclear(r);
    return id;
  }

  int64_t Changes() override { return changes_; }
  void Begin() override { Exec("BEGIN"); }

  void CopyRows(const std::string& table, const std::vector<std::string>& columns,
                const std::vector<TextRow>& rows) override {
    std::string sql = "COPY " + table + " (";
    for (size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + columns[i];
    PGresult* started = Command((sql + ") FROM STDIN").c_str(), PGRES_COPY_IN);
    PQclear(started);
    std::string buffer, send_error;  // libpq's message for the first send that failed
    const auto send = [&] {
      if (send_error.empty() && PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) != 1)
        send_error = PQerrorMessage(conn_);
      buffer.clear();
    };
    for (const TextRow& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) {
        if (i) buffer += '\t';
        if (row[i]) {
          AppendCopyText(buffer, *row[i]);
        } else {
          buffer += "\\N";
        }
      }
      buffer += '\n';
      if (buffer.size() >= (1 << 20)) send();
    }
    if (!buffer.empty()) send();
    std::optional<Error> failed;
    if (PQputCopyEnd(conn_, send_error.empty() ? nullptr : "client could not send the rows") != 1)
      failed = ErrorFrom(nullptr, conn_, "copy end");
    if (!send_error.empty()) failed = Error(Error::Kind::kOther, "copy: " + send_error);
    // Every result is read, so the connection is idle again whatever happened.
    while (PGresult* r = PQgetResult(conn_)) {
      const auto status = PQresultStatus(r);
      if (status != PGRES_COMMAND_OK && !failed) failed = ErrorFrom(r, conn_, "copy");
      PQclear(r);
      if (status == PGRES_COPY_IN) break;  // the end could not be sent: libpq would repeat this forever
    }
    if (failed) throw *failed;
    changes_ = static_cast<int64_t>(rows.size());
  }

  // Called before any command is sent: a statement still streaming rows is buffered, and a
  // broken connection is re-established (its prepared statements are then prepared again).
  void MakeReady() {
    if (active_) active_->Buffer();
    active_ = nullptr;
    if (PQstatus(conn_) == CONNECTION_OK) return;
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) throw Error(Error::Kind::kOther, std::string("reconnect: ") + PQerrorMessage(conn_));
    ++session_;
    SetUpSession();
  }

  PGconn* raw() { return conn_; }
  uint64_t session() const { return session_; }
  void set_active(PostgresCursor* cursor) { active_ = cursor; }
  void clear_active(PostgresCursor* cursor) {
    if (active_ == cursor) active_ = nullptr;
  }
  void set_changes(const PGresult* r) {
    const char* n = PQcmdTuples(const_cast<PGresult*>(r));
    changes_ = n && *n ? std::strtoll(n, nullptr, 10) : 0;
  }

 private:
  PGresult* Command(const char* sql, ExecStatusType expected = PGRES_COMMAND_OK) {
    MakeReady();
    PGresult* r = PQexec(conn_, sql);
    const auto status = PQresultStatus(r);
    if (status != expected && status != PGRES_TUPLES_OK) {
      Error e = ErrorFrom(r, conn_, "exec");
      PQclear(r);
      throw e;
    }
    set_changes(r);
    return r;
  }

  void SetUpSession() {
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);  // "already exists, skipping"
    PGresult* r = PQexec(conn_, read_only_ ? "SET client_encoding = 'UTF8'; SET default_transaction_read_only = on"
                                           : "SET client_encoding = 'UTF8'");
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) throw Error(Error::Kind::kOther, std::string("session set-up: ") + PQerrorMessage(conn_));
  }

  PGconn* conn_ = nullptr;
  bool read_only_;
  uint64_t session_ = 1;
  int64_t changes_ = 0;
  PostgresCursor* active_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<PostgresCursor>> cache_;
};

void PostgresCursor::Start() {
  conn_.MakeReady();
  PGconn* pg = conn_.raw();
  if (prepared_in_session_ != conn_.session()) {
    PGresult* r = PQprepare(pg, name_.c_str(), sql_.c_str(), static_cast<int>(values_.size()), nullptr);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) {
      Error e = ErrorFrom(r, pg, "prepare");
      PQclear(r);
      throw e;
    }
    PQclear(r);
    prepared_in_session_ = conn_.session();
  }
  std::vector<const char*> params(values_.size());
  std::vector<int> lengths(values_.size());
  for (size_t i = 0; i < values_.size(); ++i) {
    params[i] = present_[i] ? values_[i].c_str() : nullptr;
    lengths[i] = static_cast<int>(values_[i].size());
  }
  if (!PQsendQueryPrepared(pg, name_.c_str(), static_cast<int>(params.size()), params.data(),
                           lengths.data(), nullptr, 0))
    throw ErrorFrom(nullptr, pg, "send");
  PQsetSingleRowMode(pg);
  started_ = streaming_ = true;
  conn_.set_active(this);
}

bool PostgresCursor::Receive(bool keep_in_buffer) {
  PGresult* r = PQgetResult(conn_.raw());
  if (!r) {
    Finish();
    return false;
  }
  switch (PQresultStatus(r)) {
    case PGRES_SINGLE_TUPLE:
      if (keep_in_buffer) {
        buffered_.push_back(r);
      } else {
        row_ = r;
      }
      return true;
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
      conn_.set_changes(r);
      PQclear(r);
      Finish();
      return false;
    default: {
      Error e = ErrorFrom(r, conn_.raw(), "step");
      PQclear(r);
      Finish();
      throw e;
    }
  }
}

bool PostgresCursor::Step() {
  ClearRow();
  if (!started_) Start();
  if (!buffered_.empty()) {
    row_ = buffered_.front();
    buffered_.pop_front();
    return true;
  }
  if (deferred_error_) {
    Error e = *deferred_error_;
    deferred_error_.reset();
    throw e;
  }
  return streaming_ && Receive(false);
}

void PostgresCursor::Buffer() {
  try {
    while (streaming_ && Receive(true)) {
    }
  } catch (const Error& e) {
    deferred_error_ = e;  // thrown by this statement's next Step, where its caller expects it
  }
}

void PostgresCursor::Finish() noexcept {
  // Whatever follows the end of a result (nothing, normally) is read so the connection is idle.
  while (PGresult* rest = PQgetResult(conn_.raw())) PQclear(rest);
  streaming_ = false;
  conn_.clear_active(this);
}

void PostgresCursor::Reset() noexcept {
  if (streaming_) {
    while (PGresult* r = PQgetResult(conn_.raw())) PQclear(r);
    streaming_ = false;
    conn_.clear_active(this);
  }
  ClearRow();
  for (PGresult* r : buffered_) PQclear(r);
  buffered_.clear();
  deferred_error_.reset();
  present_.assign(present_.size(), false);
  started_ = false;
}

}  // namespace

std::unique_ptr<Connection> OpenPostgres(const std::string& uri, bool read_only) {
  return std::make_unique<PostgresConnection>(uri, read_only);
}

}  // namespace tongan::sql
