-- A child's file moving to another county (accepted by the receiving county), and key-care
-- children and benefit claims pushed to the registration place's civil affairs (跨省通办).

CREATE TABLE transfers (
  id INTEGER PRIMARY KEY,
  child_id INTEGER NOT NULL REFERENCES children(id),
  province_code TEXT NOT NULL,
  from_region TEXT NOT NULL,
  to_county TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL,               -- pending accepted rejected
  reply TEXT NOT NULL,
  to_region TEXT NOT NULL,            -- the village it was received into
  created_at TEXT NOT NULL,
  created_by_name TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  decided_by_name TEXT NOT NULL
) STRICT;
CREATE INDEX transfers_to ON transfers(to_county, status);
CREATE INDEX transfers_child ON transfers(child_id);

CREATE TABLE pushes (
  id INTEGER PRIMARY KEY,
  child_id INTEGER NOT NULL REFERENCES children(id),
  province_code TEXT NOT NULL,
  from_region TEXT NOT NULL,
  to_county TEXT NOT NULL,            -- the registration (hukou) county
  kind TEXT NOT NULL,                 -- key_care dibao orphan de_facto_unsupported disability_subsidy
  note TEXT NOT NULL,
  status TEXT NOT NULL,               -- sent received accepted rejected
  reply TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by_name TEXT NOT NULL,
  replied_at TEXT NOT NULL,
  replied_by_name TEXT NOT NULL
) STRICT;
CREATE INDEX pushes_to ON pushes(to_county, status);
CREATE INDEX pushes_child ON pushes(child_id);
