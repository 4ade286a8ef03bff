/**
 * The popup's Insert for the store picked or a customer typed there. The popup (trusted) says what
 * to mint and for which tab; the link itself is minted only when that tab's content script asks, so
 * the helpdesk host it goes into is the browser's word for the sender (the unlisted-host check
 * applies), never a host the popup guessed (it can't read the tab's URL unless activeTab granted it).
 * A grant is used once, by that tab only, within a minute. Kept in memory: a worker that stops
 * between the click and the content script's request loses it, and the insert says it failed.
 */
import type { getPortalLink } from './link-service';

type CustomerInput = Parameters<typeof getPortalLink>[1];

export interface InsertGrant {
  customer: CustomerInput;
  storeId?: string;
  tabId: number;
}

const GRANT_MS = 60_000;
const MAX_GRANTS = 20;

export function insertGrants(now: () => number = Date.now) {
  const grants = new Map<string, InsertGrant & { expires: number }>();
  return {
    issue(grant: InsertGrant): string {
      for (const [id, g] of grants) if (g.expires <= now() || grants.size >= MAX_GRANTS) grants.delete(id);
      const id = crypto.randomUUID();
      grants.set(id, { ...grant, expires: now() + GRANT_MS });
      return id;
    },
    /** The grant for this tab, if it is still there; `use` removes it. */
    find(id: string, tabId: number | undefined): InsertGrant | undefined {
      const grant = grants.get(id);
      if (!grant || grant.expires <= now() || grant.tabId !== tabId) return undefined;
      return grant;
    },
    use(id: string): void {
      grants.delete(id);
    },
  };
}
