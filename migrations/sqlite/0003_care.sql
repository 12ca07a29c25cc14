-- Care work: the key-care ledger and colour class of each child, visits, cases with their steps,
-- referrals. Child-owned tables carry province_code; events are append-only.

-- Department liaisons receive referrals addressed to their department.
ALTER TABLE users ADD COLUMN department TEXT NOT NULL DEFAULT '';

-- Derived per child, recomputed on every change that can affect it (record, visit, case,
-- referral, department findings): ledger membership, colour class, warnings, visit schedule.
CREATE TABLE care_status (
  child_id INTEGER PRIMARY KEY REFERENCES children(id),
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,
  in_ledger INTEGER NOT NULL,
  ledger_source TEXT NOT NULL,        -- auto | manual | ''
  ledger_since TEXT NOT NULL,
  ledger_reason TEXT NOT NULL,
  ledger_override TEXT NOT NULL,      -- '' | in | out: a worker's decision over the criteria
  colour TEXT NOT NULL,
  warnings TEXT NOT NULL,             -- JSON [{rule_id, colour, title_zh, reason_zh}]
  last_visit TEXT NOT NULL,           -- YYYY-MM-DD or ''
  visit_due TEXT NOT NULL,            -- YYYY-MM-DD or '' when no visits are due
  last_update TEXT NOT NULL,          -- last change of the file or a visit, YYYY-MM-DD
  computed_at TEXT NOT NULL
) STRICT;
CREATE INDEX care_status_region ON care_status(region_code, in_ledger, colour);
CREATE INDEX care_status_due ON care_status(region_code, visit_due) WHERE visit_due != '';

CREATE TABLE ledger_events (
  id INTEGER PRIMARY KEY,
  child_id INTEGER NOT NULL REFERENCES children(id),
  province_code TEXT NOT NULL,
  at TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  username TEXT NOT NULL,
  event TEXT NOT NULL,                -- enter | leave | auto_enter | auto_leave
  reason TEXT NOT NULL
) STRICT;
CREATE INDEX ledger_events_child ON ledger_events(child_id, id);

CREATE TABLE visits (
  id INTEGER PRIMARY KEY,
  child_id INTEGER NOT NULL REFERENCES children(id),
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,
  visit_date TEXT NOT NULL,
  visitor_id INTEGER NOT NULL,
  visitor_name TEXT NOT NULL,
  doc TEXT NOT NULL,                  -- JSON: seen, guardianship, schooling, health, safety_concern, needs, notes
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX visits_child ON visits(child_id, visit_date);

CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  child_id INTEGER NOT NULL REFERENCES children(id),
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,
  source TEXT NOT NULL,
  stage TEXT NOT NULL,
  stage_entered TEXT NOT NULL,        -- YYYY-MM-DD
  deadline TEXT NOT NULL,             -- YYYY-MM-DD, '' once closed
  assignee_id INTEGER,
  assignee_name TEXT NOT NULL,
  title TEXT NOT NULL,
  reporter TEXT NOT NULL,             -- JSON of a mandatory reporter; shown only to county roles
  created_at TEXT NOT NULL,
  created_by INTEGER NOT NULL,
  closed_at TEXT NOT NULL,
  version INTEGER NOT NULL
) STRICT;
CREATE INDEX cases_region ON cases(region_code, stage);
CREATE INDEX cases_child ON cases(child_id);

CREATE TABLE case_events (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  province_code TEXT NOT NULL,
  at TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  username TEXT NOT NULL,
  kind TEXT NOT NULL,                 -- created transition assigned consultation measure assessment help_plan feedback note referral
  from_stage TEXT NOT NULL,
  to_stage TEXT NOT NULL,
  detail TEXT NOT NULL                -- JSON
) STRICT;
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE TABLE referrals (
  id INTEGER PRIMARY KEY,
  child_id INTEGER NOT NULL REFERENCES children(id),
  case_id INTEGER REFERENCES cases(id),
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,          -- the child's region when sent
  to_department TEXT NOT NULL,        -- 教育 卫健 公安 … or an organisation's name
  request TEXT NOT NULL,
  shared_fields TEXT NOT NULL,        -- JSON list of the child's fields the receiver may see
  due_date TEXT NOT NULL,
  status TEXT NOT NULL,               -- sent accepted rejected done
  reply TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by INTEGER NOT NULL,
  created_by_name TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX referrals_department ON referrals(to_department, status);
CREATE INDEX referrals_region ON referrals(region_code, status);

CREATE TABLE referral_events (
  id INTEGER PRIMARY KEY,
  referral_id INTEGER NOT NULL REFERENCES referrals(id),
  province_code TEXT NOT NULL,
  at TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  username TEXT NOT NULL,
  status TEXT NOT NULL,
  note TEXT NOT NULL
) STRICT;

-- Policy edited in the UI (e.g. warning rules), overriding the shipped data file once saved.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;

CREATE TRIGGER ledger_events_no_update BEFORE UPDATE ON ledger_events
BEGIN SELECT RAISE(ABORT, 'ledger_events is append-only'); END;
CREATE TRIGGER ledger_events_no_delete BEFORE DELETE ON ledger_events
BEGIN SELECT RAISE(ABORT, 'ledger_events is append-only'); END;
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case_events is append-only'); END;
CREATE TRIGGER referral_events_no_update BEFORE UPDATE ON referral_events
BEGIN SELECT RAISE(ABORT, 'referral_events is append-only'); END;
CREATE TRIGGER referral_events_no_delete BEFORE DELETE ON referral_events
BEGIN SELECT RAISE(ABORT, 'referral_events is append-only'); END;
CREATE TRIGGER visits_no_delete BEFORE DELETE ON visits
BEGIN SELECT RAISE(ABORT, 'visits are kept'); END;
