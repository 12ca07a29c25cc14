-- Department data: each imported file (batch), every source row with its provenance (loaded or
-- rejected with reasons), and the link of each loaded row to the registry with its history.

CREATE TABLE import_batches (
  id INTEGER PRIMARY KEY,
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,          -- the region the file covers (the importer's region)
  profile_id TEXT NOT NULL,
  department TEXT NOT NULL,
  record_kind TEXT NOT NULL,
  file_name TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_format TEXT NOT NULL,
  file_encoding TEXT NOT NULL,
  header_line INTEGER NOT NULL,
  columns TEXT NOT NULL,             -- JSON array of the file's headings, in order
  rows_total INTEGER NOT NULL,
  rows_loaded INTEGER NOT NULL,
  rows_rejected INTEGER NOT NULL,
  rows_duplicate INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  created_by INTEGER NOT NULL,
  created_by_name TEXT NOT NULL
) STRICT;
-- The same file imported again for the same profile and region adds nothing.
CREATE UNIQUE INDEX import_batches_file ON import_batches(profile_id, region_code, file_sha256);
CREATE INDEX import_batches_region ON import_batches(region_code, id);

CREATE TABLE source_records (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL REFERENCES import_batches(id),
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,
  profile_id TEXT NOT NULL,
  record_kind TEXT NOT NULL,
  line INTEGER NOT NULL,
  row_sha256 TEXT NOT NULL,
  status TEXT NOT NULL,               -- loaded | rejected
  name TEXT NOT NULL,
  id_number TEXT NOT NULL,            -- as normalised; may be invalid (kept for review)
  birth_date TEXT NOT NULL,
  hukou_code TEXT NOT NULL,           -- registration county (from a column or the ID), or ''
  raw TEXT NOT NULL,                  -- the row as sent: {"列名": "值", …}
  fields TEXT NOT NULL,               -- mapped fields: {"name": …, "birth_date": …, …}
  problems TEXT NOT NULL              -- [{"code","field","message","severity"}]
) STRICT;
-- A loaded row seen before (same profile, region and content) is not stored again.
CREATE UNIQUE INDEX source_records_row
  ON source_records(profile_id, region_code, row_sha256) WHERE status = 'loaded';
CREATE INDEX source_records_batch ON source_records(batch_id, status, line);
CREATE INDEX source_records_region ON source_records(region_code, record_kind, status);

-- The current link of each loaded source row. state: linked (child_id), review (candidate_id
-- waits for a person), new (no child in the registry: 未纳入).
CREATE TABLE record_links (
  source_record_id INTEGER PRIMARY KEY REFERENCES source_records(id),
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,
  batch_id INTEGER NOT NULL,
  state TEXT NOT NULL,
  method TEXT NOT NULL,               -- exact_id | probabilistic | manual | none
  child_id INTEGER REFERENCES children(id),
  candidate_id INTEGER REFERENCES children(id),
  probability REAL NOT NULL,
  explanation TEXT NOT NULL,
  decided_by_person INTEGER NOT NULL, -- 1 once a person accepted, rejected or undid it
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX record_links_state ON record_links(region_code, state, batch_id);
CREATE INDEX record_links_child ON record_links(child_id) WHERE child_id IS NOT NULL;

-- Every change of a link, by the linker or by a person; append-only.
CREATE TABLE link_events (
  id INTEGER PRIMARY KEY,
  source_record_id INTEGER NOT NULL REFERENCES source_records(id),
  province_code TEXT NOT NULL,
  at TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  username TEXT NOT NULL,
  event TEXT NOT NULL,                -- auto_link | auto_review | auto_new | accept | reject | undo
  state TEXT NOT NULL,
  child_id INTEGER,
  probability REAL NOT NULL,
  note TEXT NOT NULL
) STRICT;
CREATE INDEX link_events_record ON link_events(source_record_id, id);
CREATE TRIGGER link_events_no_update BEFORE UPDATE ON link_events
BEGIN SELECT RAISE(ABORT, 'link_events is append-only'); END;
CREATE TRIGGER link_events_no_delete BEFORE DELETE ON link_events
BEGIN SELECT RAISE(ABORT, 'link_events is append-only'); END;
-- Source rows are provenance: never changed or removed.
CREATE TRIGGER source_records_no_update BEFORE UPDATE ON source_records
BEGIN SELECT RAISE(ABORT, 'source_records is append-only'); END;
CREATE TRIGGER source_records_no_delete BEFORE DELETE ON source_records
BEGIN SELECT RAISE(ABORT, 'source_records is append-only'); END;
