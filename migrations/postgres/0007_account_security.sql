-- Account security (等保 2.0 identity authentication) and the audit log's hash chain.
-- PostgreSQL translation of migrations/sqlite/0007_account_security.sql.

-- Consecutive failed logins and the lock they lead to (unix seconds; 0 = not locked).
ALTER TABLE users ADD COLUMN failed_logins BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until BIGINT NOT NULL DEFAULT 0;
-- Set for accounts an administrator created or reset: the user must choose a password first.
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN password_changed_at TEXT COLLATE "C" NOT NULL DEFAULT '';
-- TOTP second factor: the base32 secret (pending until enabled) and the last time step used,
-- so that one code logs in once.
ALTER TABLE users ADD COLUMN totp_secret TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
-- Accounts made by `tongan demo` with the published password: refused outside demo mode.
ALTER TABLE users ADD COLUMN demo_account BIGINT NOT NULL DEFAULT 0;

-- Sessions end after a fixed lifetime however busy they are.
ALTER TABLE sessions ADD COLUMN created_at BIGINT NOT NULL DEFAULT 0;

-- Each audit row's SHA-256 over the previous row's hash and its own fields; rows written before
-- this migration keep '' and are reported as outside the chain.
ALTER TABLE audit_log ADD COLUMN hash TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX audit_log_user ON audit_log(username, id);
CREATE INDEX audit_log_action ON audit_log(action, id);
