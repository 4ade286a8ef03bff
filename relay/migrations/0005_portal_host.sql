-- Trust on first use (relay/src/portal-host.ts): for a provider whose links are on the shop's public
-- domain, which only it knows, the first portal host the relay saw for the store that is not on the
-- store's own list. NULL until one is seen; re-saving the store (or `store forget-host`) clears it.
ALTER TABLE stores ADD COLUMN portal_host TEXT;
