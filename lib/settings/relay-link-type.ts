/**
 * A relay store's **Link type** (docs/team-relay.md): a **Lasting link** (the relay's own /l/<id> page, which
 * mints the provider's link only when the customer opens it, days later) or a **Direct link** (the
 * provider's link, minted now, short-lived). Lasting is the default for relay stores. Kept in
 * `storage.local` by store id; nothing secret.
 */
import { z } from '../shared/zod';

export const RELAY_LINK_TYPES_KEY = 'relayLinkTypes';
export const relayLinkTypeSchema = z.enum(['lasting', 'direct']);
export type RelayLinkType = z.infer<typeof relayLinkTypeSchema>;
export const DEFAULT_RELAY_LINK_TYPE: RelayLinkType = 'lasting';

const stored = z.record(z.string().max(80), relayLinkTypeSchema);

/** Every store's choice; anything unreadable counts as no choice (the default). */
export function relayLinkTypes(value: unknown): Record<string, RelayLinkType> {
  const parsed = stored.safeParse(value);
  return parsed.success ? parsed.data : {};
}

export function relayLinkTypeOf(value: unknown, storeId: string): RelayLinkType {
  return relayLinkTypes(value)[storeId] ?? DEFAULT_RELAY_LINK_TYPE;
}

export function withRelayLinkType(value: unknown, storeId: string, type: RelayLinkType): Record<string, RelayLinkType> {
  return { ...relayLinkTypes(value), [storeId]: type };
}
