-- Agents, their sign-in material (hashed only), the stores with encrypted keys, and the audit log.

CREATE TABLE agents (
  email TEXT PRIMARY KEY,
  -- JSON array of store ids this agent may use; NULL means every store.
  stores TEXT,
  created_at TEXT NOT NULL,
  removed_at TEXT,
  -- Bumped to end every session of the agent at once (refresh-token reuse, removal).
  session_epoch INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE enrollment_codes (
  code_hash TEXT PRIMARY KEY,
  email TEXT NOT NULL REFERENCES agents(email),
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX enrollment_codes_email ON enrollment_codes(email);

CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  email TEXT NOT NULL REFERENCES agents(email),
  session_epoch INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE INDEX refresh_tokens_email ON refresh_tokens(email);

CREATE TABLE stores (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  provider TEXT NOT NULL,
  helpdesk_hosts TEXT NOT NULL,
  store_domain TEXT,
  portal_url_template TEXT,
  team TEXT,
  -- AES-GCM under the KEYS_SECRET Worker secret, the store id as additional data; never returned.
  key_iv TEXT NOT NULL,
  key_ciphertext TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  agent TEXT,
  store_id TEXT,
  customer TEXT,
  action TEXT,
  outcome TEXT NOT NULL,
  helpdesk_host TEXT,
  ticket_id TEXT,
  token_hash TEXT
);
CREATE INDEX audit_at ON audit(at);

-- Append-only: a row is written before the provider call as 'pending' and may be finalised once;
-- nothing else about a row ever changes, and no row is ever deleted.
CREATE TRIGGER audit_finalise_once BEFORE UPDATE ON audit
WHEN OLD.outcome <> 'pending'
  OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.agent IS NOT OLD.agent
  OR NEW.store_id IS NOT OLD.store_id OR NEW.customer IS NOT OLD.customer OR NEW.action IS NOT OLD.action
  OR NEW.helpdesk_host IS NOT OLD.helpdesk_host OR NEW.ticket_id IS NOT OLD.ticket_id
  OR NEW.token_hash IS NOT OLD.token_hash
BEGIN
  SELECT RAISE(ABORT, 'audit rows are append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
  SELECT RAISE(ABORT, 'audit rows are append-only');
END;
