-- Account security (等保 2.0 identity authentication) and the audit log's hash chain.

-- Consecutive failed logins and the lock they lead to (unix seconds; 0 = not locked).
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until INTEGER NOT NULL DEFAULT 0;
-- Set for accounts an administrator created or reset: the user must choose a password first.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at TEXT NOT NULL DEFAULT '';
-- TOTP second factor: the base32 secret (pending until enabled) and the last time step used,
-- so that one code logs in once.
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
-- Accounts made by `tongan demo` with the published password: refused outside demo mode.
ALTER TABLE users ADD COLUMN demo_account INTEGER NOT NULL DEFAULT 0;

-- Sessions end after a fixed lifetime however busy they are.
ALTER TABLE sessions ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;

-- Each audit row's SHA-256 over the previous row's hash and its own fields; rows written before
-- this migration keep '' and are reported as outside the chain.
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_log_user ON audit_log(username, id);
CREATE INDEX audit_log_action ON audit_log(action, id);
