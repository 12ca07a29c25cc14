-- Encryption at rest (src/store/field_cipher.h). ID numbers, the child's document (phones,
-- addresses, parents' and guardian's IDs), change history values and department rows are stored
-- sealed once the store is given a key; lookups by ID number go through keyed blind indexes.
-- Until then (no key) the index columns hold the plain values, as the old expression indexes did.
ALTER TABLE children ADD COLUMN id_number_index TEXT;
ALTER TABLE children ADD COLUMN id_suffix_index TEXT;
UPDATE children SET id_number_index = id_number, id_suffix_index = substr(id_number, -4)
  WHERE id_number IS NOT NULL;
DROP INDEX children_id_number;
DROP INDEX children_id_suffix;
CREATE UNIQUE INDEX children_id_number_index ON children(id_number_index)
  WHERE id_number_index IS NOT NULL;
CREATE INDEX children_id_suffix_index ON children(id_suffix_index) WHERE id_suffix_index IS NOT NULL;

-- One row once the data are sealed: what recognises the key (a keyed hash, not the key).
CREATE TABLE data_encryption (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  key_check TEXT NOT NULL,
  sealed_at TEXT NOT NULL
) STRICT;

-- Once sealed, the database itself refuses a plain value in a sealed column, so a process that
-- opened it without the key (before another process sealed it) cannot write identifying data in
-- the clear. The sealing pass runs before the data_encryption row exists.
CREATE TRIGGER children_sealed_insert BEFORE INSERT ON children
WHEN (substr(NEW.doc, 1, 5) <> 'enc1:' OR substr(coalesce(NEW.id_number, 'enc1:'), 1, 5) <> 'enc1:')
  AND EXISTS (SELECT 1 FROM data_encryption)
BEGIN SELECT RAISE(ABORT, 'children: plain value in a sealed database'); END;
CREATE TRIGGER children_sealed_update BEFORE UPDATE OF id_number, doc ON children
WHEN (substr(NEW.doc, 1, 5) <> 'enc1:' OR substr(coalesce(NEW.id_number, 'enc1:'), 1, 5) <> 'enc1:')
  AND EXISTS (SELECT 1 FROM data_encryption)
BEGIN SELECT RAISE(ABORT, 'children: plain value in a sealed database'); END;
CREATE TRIGGER child_history_sealed BEFORE INSERT ON child_history
WHEN ((NEW.old_value <> '' AND substr(NEW.old_value, 1, 5) <> 'enc1:') OR
      (NEW.new_value <> '' AND substr(NEW.new_value, 1, 5) <> 'enc1:'))
  AND EXISTS (SELECT 1 FROM data_encryption)
BEGIN SELECT RAISE(ABORT, 'child_history: plain value in a sealed database'); END;
CREATE TRIGGER source_records_sealed BEFORE INSERT ON source_records
WHEN ((NEW.id_number <> '' AND substr(NEW.id_number, 1, 5) <> 'enc1:') OR
      (NEW.raw <> '' AND substr(NEW.raw, 1, 5) <> 'enc1:') OR
      (NEW.problems <> '' AND substr(NEW.problems, 1, 5) <> 'enc1:'))
  AND EXISTS (SELECT 1 FROM data_encryption)
BEGIN SELECT RAISE(ABORT, 'source_records: plain value in a sealed database'); END;
CREATE TRIGGER users_sealed_totp BEFORE UPDATE OF totp_secret ON users
WHEN NEW.totp_secret <> '' AND substr(NEW.totp_secret, 1, 5) <> 'enc1:'
  AND EXISTS (SELECT 1 FROM data_encryption)
BEGIN SELECT RAISE(ABORT, 'users: plain value in a sealed database'); END;
