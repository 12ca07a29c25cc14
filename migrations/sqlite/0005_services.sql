-- Services (DOMAIN.md §8–9): what each child is entitled to under the service catalogue and what
-- it receives, delivery records, the supply of services (providers, activities, pairings) and the
-- needs it meets. Child-owned tables carry province_code.

-- Derived per child at every recomputation: one row per catalogue item the child is entitled to.
CREATE TABLE child_entitlements (
  child_id INTEGER NOT NULL REFERENCES children(id),
  item_id TEXT NOT NULL,
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,
  department TEXT NOT NULL,           -- the item's responsible department
  received INTEGER NOT NULL,
  received_via TEXT NOT NULL,         -- fact | delivery | ''
  last_delivered TEXT NOT NULL,       -- YYYY-MM-DD or ''
  PRIMARY KEY (child_id, item_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX child_entitlements_region ON child_entitlements(region_code, item_id, received);
CREATE INDEX child_entitlements_department ON child_entitlements(department, received, region_code);

-- Derived per child: its current needs (from the file and the latest visit) as need-type codes,
-- and what meets each.
CREATE TABLE child_needs (
  child_id INTEGER NOT NULL REFERENCES children(id),
  need_code TEXT NOT NULL,
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,
  source TEXT NOT NULL,               -- file | visit
  met_by TEXT NOT NULL,               -- '' | pairing:ID | activity:ID | item:ID (a received catalogue item)
  PRIMARY KEY (child_id, need_code)
) STRICT, WITHOUT ROWID;
CREATE INDEX child_needs_region ON child_needs(region_code, need_code, met_by);

-- Who offers services: schools, 儿童之家, 课后托管 centres, social organisations (with their
-- government-purchased project), volunteers (爱心妈妈, 五老 …), health centres.
CREATE TABLE service_providers (
  id INTEGER PRIMARY KEY,
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,          -- where it serves: village (12), township (9) or county (6)
  kind TEXT NOT NULL,                 -- school children_home after_school social_org volunteer health_centre other
  name TEXT NOT NULL,
  volunteer_type TEXT NOT NULL,       -- 爱心妈妈 五老 … for volunteers, else ''
  address TEXT NOT NULL,
  contact_name TEXT NOT NULL,
  contact_phone TEXT NOT NULL,
  services TEXT NOT NULL,             -- JSON list of need-type codes offered
  capacity INTEGER NOT NULL,          -- children served at once; 0 = not limited
  project TEXT NOT NULL,              -- JSON {name, funder, amount, starts_on, ends_on} or {}
  active INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL
) STRICT;
CREATE INDEX service_providers_region ON service_providers(region_code, kind);

CREATE TABLE service_activities (
  id INTEGER PRIMARY KEY,
  provider_id INTEGER NOT NULL REFERENCES service_providers(id),
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,
  title TEXT NOT NULL,
  services TEXT NOT NULL,             -- JSON list of need-type codes
  starts_on TEXT NOT NULL,
  ends_on TEXT NOT NULL,
  capacity INTEGER NOT NULL,          -- 0 = not limited
  description TEXT NOT NULL,
  status TEXT NOT NULL,               -- open closed cancelled
  created_at TEXT NOT NULL,
  created_by_name TEXT NOT NULL
) STRICT;
CREATE INDEX service_activities_region ON service_activities(region_code, starts_on);

CREATE TABLE activity_participants (
  activity_id INTEGER NOT NULL REFERENCES service_activities(id),
  child_id INTEGER NOT NULL REFERENCES children(id),
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,
  signed_up_at TEXT NOT NULL,
  signed_up_by_name TEXT NOT NULL,
  withdrawn_at TEXT NOT NULL,         -- '' while signed up
  PRIMARY KEY (activity_id, child_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX activity_participants_child ON activity_participants(child_id);

-- One row per session a child attended.
CREATE TABLE activity_attendance (
  activity_id INTEGER NOT NULL REFERENCES service_activities(id),
  child_id INTEGER NOT NULL REFERENCES children(id),
  session_date TEXT NOT NULL,
  province_code TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  recorded_by_name TEXT NOT NULL,
  PRIMARY KEY (activity_id, child_id, session_date)
) STRICT, WITHOUT ROWID;

-- 结对帮扶 (a volunteer with a child) and 服务对接 (an organisation taking a child on).
CREATE TABLE pairings (
  id INTEGER PRIMARY KEY,
  provider_id INTEGER NOT NULL REFERENCES service_providers(id),
  child_id INTEGER NOT NULL REFERENCES children(id),
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,
  need_code TEXT NOT NULL,
  started_on TEXT NOT NULL,
  ended_on TEXT NOT NULL,             -- '' while active
  end_reason TEXT NOT NULL,
  notes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by_name TEXT NOT NULL
) STRICT;
CREATE INDEX pairings_child ON pairings(child_id);
CREATE INDEX pairings_region ON pairings(region_code, ended_on);
CREATE INDEX pairings_provider ON pairings(provider_id, ended_on);

-- Services delivered to a child under a catalogue item (who, when, what). Kept when wrong: a
-- mistaken record is voided with a reason, never deleted.
CREATE TABLE service_deliveries (
  id INTEGER PRIMARY KEY,
  child_id INTEGER NOT NULL REFERENCES children(id),
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,
  item_id TEXT NOT NULL,
  department TEXT NOT NULL,
  delivered_on TEXT NOT NULL,
  provider_id INTEGER REFERENCES service_providers(id),
  provider_name TEXT NOT NULL,        -- who delivered: unit or person
  content TEXT NOT NULL,              -- what was delivered
  source TEXT NOT NULL,               -- manual | import
  source_record_id INTEGER REFERENCES source_records(id),  -- an imported row; relinked after an undo, it is recorded again
  recorded_by INTEGER NOT NULL,
  recorded_by_name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  voided_at TEXT NOT NULL,
  void_reason TEXT NOT NULL
) STRICT;
CREATE INDEX service_deliveries_child ON service_deliveries(child_id, item_id);
CREATE INDEX service_deliveries_region ON service_deliveries(region_code, delivered_on);
