-- Lasting links (docs/team-relay.md): the reply carries /l/<id>; the provider's link is minted only
-- when the customer presses the button. The id itself is never stored, only its SHA-256.

CREATE TABLE lasting_links (
  id_hash TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  -- 'email' or 'id', and the normalised email or provider customer id it was made for.
  customer_kind TEXT NOT NULL,
  customer TEXT NOT NULL,
  agent TEXT NOT NULL,
  created_at TEXT NOT NULL,
  -- Unix seconds.
  expires_at INTEGER NOT NULL,
  revoked_at TEXT
);
CREATE INDEX lasting_links_agent ON lasting_links(agent);
CREATE INDEX lasting_links_customer ON lasting_links(customer);

-- Per store: how many days a new lasting link works (1-30; 7 when there is no row).
CREATE TABLE lasting_link_settings (
  store_id TEXT PRIMARY KEY,
  days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 30)
);

-- Form tokens of the link page that have been used: a token opens the portal once.
CREATE TABLE lasting_spent_tokens (
  nonce TEXT PRIMARY KEY,
  spent_at INTEGER NOT NULL
);

-- The coarse client hint of a view or open ("chrome/mobile", "scanner"): never the IP.
ALTER TABLE audit ADD COLUMN client TEXT;

-- Append-only still covers every column, the new one included.
DROP TRIGGER audit_finalise_once;
CREATE TRIGGER audit_finalise_once BEFORE UPDATE ON audit
WHEN OLD.outcome <> 'pending'
  OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.agent IS NOT OLD.agent
  OR NEW.store_id IS NOT OLD.store_id OR NEW.customer IS NOT OLD.customer OR NEW.action IS NOT OLD.action
  OR NEW.helpdesk_host IS NOT OLD.helpdesk_host OR NEW.ticket_id IS NOT OLD.ticket_id
  OR NEW.token_hash IS NOT OLD.token_hash OR NEW.session_id IS NOT OLD.session_id
  OR NEW.client IS NOT OLD.client
BEGIN
  SELECT RAISE(ABORT, 'audit rows are append-only');
END;
