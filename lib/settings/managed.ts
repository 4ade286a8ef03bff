/**
 * Stores an administrator pushes by enterprise policy (`storage.managed`; schema in
 * public/managed_schema.json). Validated like the agent's own settings; an invalid policy is
 * ignored as a whole (fail closed, as bitwarden's managed-config reader does) and reported.
 * Managed stores come first, win every id or helpdesk-host clash, and are read-only for the agent.
 */

import { storeSchema } from '../providers/registry';
import { hostClashes } from '../providers/store-fields';
import { z } from '../shared/zod';
import { parseRelayUrl } from './relay';
import { type EffectiveSettings, inBrowser, type KeyedStore, type Settings } from './schema';

/** A managed store must carry its key: the agent can't add one. */
const managedStoreSchema = storeSchema.refine((store) => store.apiKey !== '', {
  message: 'A managed store needs an apiKey',
});

export const managedSettingsSchema = z
  .object({
    stores: z.array(managedStoreSchema).max(50).default([]),
    defaultStoreId: z.string().min(1).optional(),
    /** The team relay every agent signs in to (lib/settings/relay.ts); https only by policy. */
    relayUrl: z
      .string()
      .max(2048)
      .refine((url) => url.startsWith('https://') && parseRelayUrl(url) !== undefined, 'relayUrl must be https://')
      .optional(),
  })
  .superRefine((settings, ctx) => {
    for (const clash of hostClashes(settings.stores)) {
      ctx.addIssue({ code: 'custom', message: `${clash.host} is listed by two managed stores`, path: ['stores'] });
    }
    if (new Set(settings.stores.map((s) => s.id)).size !== settings.stores.length) {
      ctx.addIssue({ code: 'custom', message: 'Managed store ids must be unique', path: ['stores'] });
    }
  });
export type ManagedSettings = z.infer<typeof managedSettingsSchema>;

/**
 * What the policy says: nothing, valid settings, something that was ignored, or not known yet
 * (Chromium answers `storage.managed.get()` only once its policy service is ready, which can take
 * seconds, and far longer in some start-ups: see managedReader).
 */
export type ManagedState =
  | { kind: 'none' }
  | { kind: 'valid'; settings: ManagedSettings }
  | { kind: 'invalid' }
  | { kind: 'pending' };

export const NO_POLICY: ManagedState = { kind: 'none' };
export const POLICY_PENDING: ManagedState = { kind: 'pending' };

/** Reads the raw `storage.managed` contents (policy names are its top-level keys). */
export function parseManaged(raw: unknown): ManagedState {
  if (raw === null || typeof raw !== 'object') return NO_POLICY;
  const { stores, defaultStoreId, relayUrl } = raw as Record<string, unknown>;
  if (stores === undefined && defaultStoreId === undefined && relayUrl === undefined) return NO_POLICY;
  const parsed = managedSettingsSchema.safeParse({ stores, defaultStoreId, relayUrl });
  return parsed.success ? { kind: 'valid', settings: parsed.data } : { kind: 'invalid' };
}

/**
 * `storage.managed.get()`; Firefox rejects it when no policy or native manifest exists, and some
 * Chromium builds may too: that is "no policy", not an error.
 */
export async function readManaged(area: { get(keys?: null): Promise<Record<string, unknown>> } | undefined) {
  if (!area) return NO_POLICY;
  try {
    return parseManaged(await area.get(null));
  } catch {
    return NO_POLICY;
  }
}

/**
 * Reads the policy without ever making a copy wait long for it: each read waits at most
 * `timeoutMs` for `storage.managed`; while one read is outstanding past that, later reads return
 * the last state this worker saw (or `pending`) at once. Seen in Chromium 156: the first `get()`
 * after start-up answered after ~3 s, and after ~20 s when an extension page that had triggered it
 * was closed meanwhile (tests/e2e harness); a copy must not hang on that.
 */
export function managedReader(
  area: Parameters<typeof readManaged>[0],
  options: { timeoutMs?: number; sleep?: (ms: number) => Promise<void> } = {},
) {
  const timeoutMs = options.timeoutMs ?? 1500;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let last: ManagedState | undefined;
  let inflight: Promise<ManagedState> | undefined;
  let waitedOut = false;
  // Bumped by changed(): a read begun before a policy change must not write the old policy back.
  let generation = 0;
  const refresh = () => {
    if (inflight) return inflight;
    waitedOut = false;
    const startedIn = generation;
    const read = readManaged(area).then((state) => {
      if (startedIn !== generation) return state;
      last = state;
      inflight = undefined;
      return state;
    });
    inflight = read;
    return read;
  };
  return {
    /** `waitMs`: how long this read may wait for a first answer (default: the reader's timeout). */
    async read(waitMs = timeoutMs): Promise<ManagedState> {
      // Once known, the policy is served at once and refreshed behind the copy: a get() that stalls
      // (1.6 s seen once in the bench) must not land on an agent's click. A change is announced.
      if (last !== undefined) {
        void refresh();
        return last;
      }
      refresh();
      if (waitedOut) return last ?? POLICY_PENDING;
      const result = await Promise.race([refresh(), sleep(waitMs).then(() => undefined)]);
      if (result) return result;
      // Only a full wait marks the read as stalled; a short one (a settings page) asks again later.
      if (waitMs >= timeoutMs) waitedOut = true;
      return last ?? POLICY_PENDING;
    },
    /** `storage.onChanged` said the policy changed: the next read waits (briefly) for the new one. */
    changed(): void {
      generation += 1;
      last = undefined;
      inflight = undefined;
      waitedOut = false;
    },
  };
}

/**
 * The settings the background acts on: managed stores first; a local store with a managed id is
 * dropped, and helpdesk hosts a managed store claims are removed from local stores. The default is
 * the administrator's, else the agent's, else the first store.
 */
export function mergeManaged(local: Settings, managed: ManagedState): EffectiveSettings {
  const own = { ...local, stores: inBrowser(local.stores) };
  if (managed.kind === 'none') return own;
  if (managed.kind === 'invalid') return { ...own, managedInvalid: true };
  if (managed.kind === 'pending') return { ...own, managedPending: true };
  const managedIds = new Set(managed.settings.stores.map((s) => s.id));
  const managedHosts = new Set(managed.settings.stores.flatMap((s) => s.helpdeskHosts));
  const stores = [
    ...managed.settings.stores.map((s): KeyedStore => ({ ...s, keySource: 'policy' })),
    ...own.stores
      .filter((s) => !managedIds.has(s.id))
      .map((s) => ({ ...s, helpdeskHosts: s.helpdeskHosts.filter((h) => !managedHosts.has(h)) })),
  ];
  const ids = new Set(stores.map((s) => s.id));
  const managedDefault = managed.settings.defaultStoreId;
  const useManagedDefault = managedDefault !== undefined && ids.has(managedDefault);
  const defaultStoreId = useManagedDefault
    ? managedDefault
    : local.defaultStoreId !== undefined && ids.has(local.defaultStoreId)
      ? local.defaultStoreId
      : undefined;
  return {
    stores,
    ...(defaultStoreId !== undefined ? { defaultStoreId } : {}),
    ...(useManagedDefault ? { managedDefault: true } : {}),
    ...(managed.settings.relayUrl ? { relayUrlPolicy: parseRelayUrl(managed.settings.relayUrl) } : {}),
  };
}

/**
 * The agent's stores as the options page sends them, made ready to store locally: stores with a
 * managed id are dropped (the administrator's win), and a helpdesk host a managed store already
 * claims is refused rather than silently dropped.
 */
export function localPart(
  incoming: Settings,
  managed: ManagedState,
): { ok: true; settings: Settings } | { ok: false; host: string } {
  if (managed.kind !== 'valid') return { ok: true, settings: incoming };
  const managedIds = new Set(managed.settings.stores.map((s) => s.id));
  const stores = incoming.stores.filter((s) => !managedIds.has(s.id));
  const clash = hostClashes([...managed.settings.stores, ...stores])[0];
  if (clash) return { ok: false, host: clash.host };
  return { ok: true, settings: { ...incoming, stores } };
}
