-- Sessions: one per sign-in, kept across token rotations, so one can be ended alone (sign-out), the
-- audit can tell them apart, and `agent list` can count them. The grace after a rotation (a lost
-- answer must not lock the agent out) keeps the new pair sealed under a key only the old token opens.

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL REFERENCES agents(email),
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  -- When its newest refresh token expires.
  expires_at INTEGER NOT NULL,
  ended_at INTEGER
);
CREATE INDEX sessions_email ON sessions(email);

ALTER TABLE refresh_tokens ADD COLUMN session_id TEXT REFERENCES sessions(id);
-- Set when the token is rotated: the hash of the token that replaced it, and that pair sealed
-- (AES-GCM, key derived from this token; cleared once the grace is used).
ALTER TABLE refresh_tokens ADD COLUMN successor_hash TEXT;
ALTER TABLE refresh_tokens ADD COLUMN successor_sealed TEXT;
ALTER TABLE refresh_tokens ADD COLUMN grace_used_at INTEGER;

-- Sessions live before this migration: each live refresh token becomes one.
UPDATE refresh_tokens SET session_id = lower(hex(randomblob(8)))
WHERE used_at IS NULL AND expires_at > unixepoch()
  AND session_epoch = (SELECT session_epoch FROM agents WHERE agents.email = refresh_tokens.email);
INSERT INTO sessions (id, email, created_at, last_seen_at, expires_at)
SELECT session_id, email, unixepoch(), unixepoch(), expires_at FROM refresh_tokens WHERE session_id IS NOT NULL;

-- Audit rows name the session (sign-ins, refreshes, links), and that too is append-only.
ALTER TABLE audit ADD COLUMN session_id TEXT;
DROP TRIGGER audit_finalise_once;
CREATE TRIGGER audit_finalise_once BEFORE UPDATE ON audit
WHEN OLD.outcome <> 'pending'
  OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.agent IS NOT OLD.agent
  OR NEW.store_id IS NOT OLD.store_id OR NEW.customer IS NOT OLD.customer OR NEW.action IS NOT OLD.action
  OR NEW.helpdesk_host IS NOT OLD.helpdesk_host OR NEW.ticket_id IS NOT OLD.ticket_id
  OR NEW.token_hash IS NOT OLD.token_hash OR NEW.session_id IS NOT OLD.session_id
BEGIN
  SELECT RAISE(ABORT, 'audit rows are append-only');
END;
