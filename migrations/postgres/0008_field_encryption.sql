-- Encryption at rest (src/store/field_cipher.h). ID numbers, the child's document (phones,
-- addresses, parents' and guardian's IDs), change history values and department rows are stored
-- sealed once the store is given a key; lookups by ID number go through keyed blind indexes.
-- Until then (no key) the index columns hold the plain values, as the old expression indexes did.
ALTER TABLE children ADD COLUMN id_number_index TEXT COLLATE "C";
ALTER TABLE children ADD COLUMN id_suffix_index TEXT COLLATE "C";
UPDATE children SET id_number_index = id_number, id_suffix_index = right(id_number, 4)
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
);

-- Once sealed, the database itself refuses a plain value in a sealed column, so a process that
-- opened it without the key (before another process sealed it) cannot write identifying data in
-- the clear. The sealing pass runs before the data_encryption row exists.
CREATE FUNCTION refuse_plain_if_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM data_encryption) THEN
    RAISE EXCEPTION '%: plain value in a sealed database', TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER children_sealed BEFORE INSERT OR UPDATE OF id_number, doc ON children
FOR EACH ROW WHEN (left(NEW.doc, 5) <> 'enc1:' OR left(coalesce(NEW.id_number, 'enc1:'), 5) <> 'enc1:')
EXECUTE FUNCTION refuse_plain_if_sealed();
CREATE TRIGGER child_history_sealed BEFORE INSERT ON child_history
FOR EACH ROW WHEN ((NEW.old_value <> '' AND left(NEW.old_value, 5) <> 'enc1:') OR
                   (NEW.new_value <> '' AND left(NEW.new_value, 5) <> 'enc1:'))
EXECUTE FUNCTION refuse_plain_if_sealed();
CREATE TRIGGER source_records_sealed BEFORE INSERT ON source_records
FOR EACH ROW WHEN ((NEW.id_number <> '' AND left(NEW.id_number, 5) <> 'enc1:') OR
                   (NEW.raw <> '' AND left(NEW.raw, 5) <> 'enc1:') OR
                   (NEW.problems <> '' AND left(NEW.problems, 5) <> 'enc1:'))
EXECUTE FUNCTION refuse_plain_if_sealed();
CREATE TRIGGER users_sealed_totp BEFORE UPDATE OF totp_secret ON users
FOR EACH ROW WHEN (NEW.totp_secret <> '' AND left(NEW.totp_secret, 5) <> 'enc1:')
EXECUTE FUNCTION refuse_plain_if_sealed();
