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
