-- A store's provider-specific settings as one JSON object, read through the provider's own schema:
-- adding a provider needs no new column. The old per-provider columns are copied in and no longer read.
ALTER TABLE stores ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
-- json_patch drops the NULL members (RFC 7396), so an unset field stays absent.
UPDATE stores SET settings = json_patch('{}', json_object('storeDomain', store_domain, 'portalUrlTemplate', portal_url_template))
  WHERE provider = 'appstle';
UPDATE stores SET settings = json_patch('{}', json_object('team', team)) WHERE provider = 'gigstack';
