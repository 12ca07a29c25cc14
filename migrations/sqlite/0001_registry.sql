-- The child registry, users and sessions, change history and audit log.
-- Every child-owned table carries province_code, the distribution key of a partitioned deployment.

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  region_code TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE villages (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL
) STRICT;

CREATE TABLE children (
  id INTEGER PRIMARY KEY,
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,
  id_number TEXT,
  name TEXT NOT NULL,
  sex TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  residence_since TEXT,
  hukou_region_code TEXT NOT NULL,
  class_basis INTEGER NOT NULL,
  doc TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by INTEGER,
  updated_by INTEGER
) STRICT;
CREATE UNIQUE INDEX children_id_number ON children(id_number) WHERE id_number IS NOT NULL;
-- Covering indexes: counts and the ids of a page come from the index alone, whatever the filter
-- (region subtree, class basis, age by birth date, residence period, name prefix); only the page's
-- rows are read from the table.
CREATE INDEX children_region ON children(region_code, class_basis, birth_date, residence_since);
CREATE INDEX children_name ON children(name, region_code, class_basis, birth_date, residence_since);
-- Name search inside a county (the usual case) scans only that county's names.
CREATE INDEX children_county_name
  ON children(substr(region_code, 1, 6), name, region_code, class_basis, birth_date, residence_since);
CREATE INDEX children_id_suffix ON children(substr(id_number, -4)) WHERE id_number IS NOT NULL;

CREATE TABLE child_history (
  id INTEGER PRIMARY KEY,
  child_id INTEGER NOT NULL REFERENCES children(id),
  province_code TEXT NOT NULL,
  at TEXT NOT NULL,
  user_id INTEGER,
  username TEXT NOT NULL,
  field TEXT NOT NULL,
  old_value TEXT NOT NULL,
  new_value TEXT NOT NULL
) STRICT;
CREATE INDEX child_history_child ON child_history(child_id);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_id INTEGER,
  username TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  result TEXT NOT NULL,
  remote TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_target ON audit_log(target);

-- History and audit are append-only: the database itself refuses edits.
CREATE TRIGGER child_history_no_update BEFORE UPDATE ON child_history
BEGIN SELECT RAISE(ABORT, 'child_history is append-only'); END;
CREATE TRIGGER child_history_no_delete BEFORE DELETE ON child_history
BEGIN SELECT RAISE(ABORT, 'child_history is append-only'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
