/**
 * The background's message handling, with every side effect passed in so it can be tested
 * without a browser: classify the sender, validate the message, do the work, reply with a value.
 */

import type { HttpDeps } from '../providers/http';
import { providerFor, storeSchema } from '../providers/registry';
import { claimedHosts, keepClaimedHosts } from '../settings/claimed-hosts';
import { localPart, type ManagedState, mergeManaged, NO_POLICY } from '../settings/managed';
import { mergeRelay, parseRelayUrl } from '../settings/relay';
import {
  type EffectiveSettings,
  type EffectiveStore,
  EMPTY_SETTINGS,
  keyedStores,
  mergeKeys,
  type Settings,
  settingsSchema,
  toView,
} from '../settings/schema';
import { defaultStore, hostListed, resolveStore } from '../settings/store-resolution';
import { PortalLinkError } from '../shared/error-codes';
import { errorInfo } from '../shared/errors';
import { PORT_NAME } from '../shared/messaging-client';
import {
  type Broadcast,
  classifySender,
  type ParsedRequestOf,
  parseRequest,
  type Reply,
  type ResultOf,
  type RuntimeType,
  runtimeProtocol,
  type SenderClass,
  type SenderLike,
} from '../shared/protocol';
import { insertGrants } from './insert-grants';
import { type LinkCache, testConnection } from './link-service';
import { copyPortalLink, issuePortalLink, sendPortalLinkEmail } from './link-source';
import { type LinkContext, linkContext, type RelayClient } from './relay';
import type { Memo } from './settings-memo';

export interface RouterDeps {
  runtimeId: string;
  extensionOrigin: string;
  /** The agent's own settings, as stored. */
  loadSettings(): Promise<Settings>;
  saveSettings(settings: Settings): Promise<Settings>;
  /** The administrator's policy (`storage.managed`); none when absent. */
  loadManaged?(waitMs?: number): Promise<ManagedState>;
  /** The policy changed: the next loadManaged reads it afresh. */
  forgetManaged?(): void;
  /** Tells open extension pages something changed under them (they re-ask; no data travels). */
  announce?(message: Broadcast): Promise<void>;
  /** Opens (or focuses) the settings page. */
  openSettings?(): Promise<void>;
  http: HttpDeps;
  cache: LinkCache;
  copy(text: string): Promise<void>;
  /** The team relay (lib/background/relay.ts); absent in tests that do not use it. */
  relay?: RelayClient;
  /** The effective settings kept between copies (settings-memo.ts); without it every copy reads storage. */
  settingsMemo?: Memo<EffectiveSettings>;
}

function hostOf(sender: SenderLike): string | undefined {
  try {
    return new URL(sender.origin ?? sender.url ?? '').hostname || undefined;
  } catch {
    return undefined;
  }
}

/** How long get-settings waits for a policy read: past this, "still loading" is worth saying. */
export const SETTINGS_PAGE_POLICY_WAIT_MS = 300;

/** The agent's settings merged with the administrator's: what every copy and every page sees. */
export async function loadEffectiveSettings(
  deps: Pick<RouterDeps, 'loadSettings' | 'loadManaged' | 'relay'>,
  managedWaitMs?: number,
): Promise<EffectiveSettings> {
  const [local, managed, relay] = await Promise.all([
    deps.loadSettings(),
    deps.loadManaged?.(managedWaitMs) ?? NO_POLICY,
    deps.relay?.session(),
  ]);
  return mergeRelay(mergeManaged(local, managed), relay);
}

/** The settings a copy, email or insert uses: kept in memory between clicks when the memo is there. */
export function currentSettings(
  deps: Pick<RouterDeps, 'loadSettings' | 'loadManaged' | 'relay' | 'settingsMemo'>,
): Promise<EffectiveSettings> {
  return deps.settingsMemo ? deps.settingsMemo.get(() => loadEffectiveSettings(deps)) : loadEffectiveSettings(deps);
}

/**
 * `storage.onChanged` said the administrator's policy changed: read it afresh, serve no link minted
 * before, and have open settings pages show the new managed stores. The only reaction to a change.
 */
export async function policyChanged(
  deps: Pick<RouterDeps, 'forgetManaged' | 'cache' | 'announce' | 'settingsMemo'>,
): Promise<void> {
  deps.forgetManaged?.();
  deps.settingsMemo?.forget();
  await deps.cache.invalidate();
  await deps.announce?.({ type: 'settings-changed' });
}

/** What a handler knows besides the request: who sent it, and the store that sender may use. */
interface Context {
  sender: SenderLike;
  senderClass: Exclude<SenderClass, 'untrusted'>;
  /** A content script never picks the store (its helpdesk host does); a page picks one or names its tab's host. */
  storeFor(storeId?: string, tabHost?: string): Promise<EffectiveStore | undefined>;
  /** For the relay's audit: the ticket the action came from (content script), or the tab's helpdesk (page). */
  contextOf(tabHost?: string): LinkContext | undefined;
}
type Handlers = { [K in RuntimeType]: (request: ParsedRequestOf<K>, context: Context) => Promise<ResultOf<K>> };

/** Every runtime message's handler, by type (lib/shared/protocol.ts lists the types). */
function handlers(deps: RouterDeps): Handlers {
  const grants = insertGrants();
  const settingsView = async () => ({ settings: toView(await loadEffectiveSettings(deps)) });
  return {
    'copy-link': async (request, { storeFor, contextOf }) => {
      const store = await storeFor(request.storeId, request.tabHost);
      return copyPortalLink(deps, store, request.customer, {
        context: contextOf(request.tabHost),
        copyHere: request.copyHere,
      });
    },
    'get-link': async (request, { sender, storeFor, contextOf }) => {
      // A link goes into a page only on a helpdesk account a store lists (the agent may add it).
      const settings = await currentSettings(deps);
      const host = hostOf(sender);
      if (settings.stores.length > 0 && !hostListed(settings.stores, host))
        throw new PortalLinkError('host-unlisted', { host });
      if (request.grant === undefined) return issuePortalLink(deps, await storeFor(), request.customer, contextOf());
      // What the popup granted this tab: its store (else the host's) and its customer, once.
      const grant = grants.find(request.grant, sender.tab?.id);
      if (!grant) throw new PortalLinkError('ticket-changed');
      grants.use(request.grant);
      const store = grant.storeId ? settings.stores.find((s) => s.id === grant.storeId) : await storeFor();
      return issuePortalLink(deps, store, grant.customer, contextOf());
    },
    'grant-insert': async (request) => ({
      grant: grants.issue({ customer: request.customer, storeId: request.storeId, tabId: request.tabId }),
    }),
    'add-helpdesk-host': async (_, { sender }) => {
      // The agent chose "Use this store here": the default store (one of their own) lists the host.
      const host = hostOf(sender);
      const settings = await currentSettings(deps);
      const store = defaultStore(settings);
      if (!host || !store) throw new PortalLinkError('settings-invalid');
      // A store the policy or the team relay sets can't be edited here: only its administrator can.
      if (store.keySource !== 'browser') throw new PortalLinkError('host-locked', { host, store: store.name });
      const saved = await deps.loadSettings();
      const stores = saved.stores.map((s) =>
        s.id === store.id && !s.helpdeskHosts.includes(host) ? { ...s, helpdeskHosts: [...s.helpdeskHosts, host] } : s,
      );
      await deps.saveSettings({ ...saved, stores });
      deps.settingsMemo?.forget();
      return {};
    },
    'email-link': async (request, { storeFor, contextOf }) =>
      sendPortalLinkEmail(
        deps,
        await storeFor(request.storeId, request.tabHost),
        request.customer,
        contextOf(request.tabHost),
      ),
    'get-actions': async (_, { storeFor }) => {
      const store = await storeFor().catch(() => undefined);
      return { canEmail: !!store && !!providerFor(store).emailLink, ready: !!store };
    },
    'open-settings': async () => {
      await deps.openSettings?.();
      return {};
    },
    'get-settings': async () => {
      // A page shows the agent's stores at once; a policy still loading is shown as such (and
      // the page asks again), rather than holding the whole page for a stalled read.
      const settings = await loadEffectiveSettings(deps, SETTINGS_PAGE_POLICY_WAIT_MS);
      // The relay's store list is brought up to date behind the page (an admin may have changed it).
      if (settings.relay) void deps.relay?.refreshStores().catch(() => undefined);
      return { settings: toView(settings) };
    },
    'relay-sign-in': async (request) => {
      if (!deps.relay) throw new PortalLinkError('internal');
      const settings = await loadEffectiveSettings(deps);
      const origin = parseRelayUrl(settings.relayUrlPolicy ?? request.url);
      if (!origin) throw new PortalLinkError('relay-url-invalid');
      await deps.relay.signIn(origin, request.code);
      deps.settingsMemo?.forget();
      return settingsView();
    },
    'relay-sign-out': async () => {
      await deps.relay?.signOut();
      deps.settingsMemo?.forget();
      return settingsView();
    },
    'save-settings': async (request) => {
      const incoming = settingsSchema.safeParse(request.settings);
      if (!incoming.success) throw new PortalLinkError('invalid-message');
      const saved = await deps.loadSettings().catch((): Settings => EMPTY_SETTINGS);
      const managed = (await deps.loadManaged?.()) ?? NO_POLICY;
      const local = localPart(incoming.data, managed);
      if (!local.ok) throw new PortalLinkError('host-taken', { host: local.host });
      // Hosts a policy or the relay claims were hidden from the page: a save keeps them.
      const claimed = claimedHosts(await loadEffectiveSettings(deps).catch((): EffectiveSettings => ({ stores: [] })));
      const next = await deps.saveSettings(mergeKeys(keepClaimedHosts(local.settings, saved, claimed), saved));
      deps.settingsMemo?.forget();
      // New keys or templates mint different links: no link from before is served again.
      await deps.cache.invalidate();
      return { settings: toView(mergeManaged(next, managed)) };
    },
    'test-connection': async (request) => {
      const draft = storeSchema.safeParse(request.store);
      if (!draft.success) throw new PortalLinkError('invalid-message');
      const saved = keyedStores(await loadEffectiveSettings(deps).catch((): EffectiveSettings => ({ stores: [] })));
      // A policy's store is tested as the administrator set it, whatever the page sent.
      const known = saved.stores.find((s) => s.id === draft.data.id);
      const [store] = known?.keySource === 'policy' ? [known] : mergeKeys({ stores: [draft.data] }, saved).stores;
      if (!store) throw new PortalLinkError('invalid-message');
      const result = await testConnection(store, deps.http);
      const provider = providerFor(store).shortName;
      if (!result.ok) throw new PortalLinkError(result.error.code, { provider, ...result.error.context });
      return { provider };
    },
  };
}

/**
 * The background's answer to any message: classify the sender, look the type up, check the sender
 * may send it, validate, run its handler; fail closed with an error reply, never a crash.
 */
export function createRouter(deps: RouterDeps) {
  const byType = handlers(deps);
  return async function handle(message: unknown, sender: SenderLike): Promise<Reply<Record<string, unknown>>> {
    try {
      const senderClass = classifySender(sender, deps.runtimeId, deps.extensionOrigin);
      if (senderClass === 'untrusted') throw new PortalLinkError('forbidden-sender');
      const request = parseRequest(message);
      if (!request) throw new PortalLinkError('invalid-message');
      if (!runtimeProtocol[request.type].from.includes(senderClass)) throw new PortalLinkError('forbidden-sender');
      const storeFor = async (storeId?: string, tabHost?: string) => {
        const settings = await currentSettings(deps);
        if (senderClass !== 'extension-page') return resolveStore(settings, hostOf(sender));
        return storeId ? settings.stores.find((s) => s.id === storeId) : resolveStore(settings, tabHost);
      };
      const contextOf = (tabHost?: string) =>
        senderClass === 'helpdesk-content-script'
          ? linkContext(sender.url ?? sender.tab?.url)
          : linkContext(tabHost ? `https://${tabHost}/` : undefined);
      const handler = byType[request.type] as (request: unknown, context: Context) => Promise<object>;
      return { ok: true, ...(await handler(request, { sender, senderClass, storeFor, contextOf })) };
    } catch (error) {
      return { ok: false, error: errorInfo(error) };
    }
  };
}

/**
 * A content script's long-lived port (lib/shared/messaging-client.ts `portSender`): each request on
 * it is answered like a runtime message, from the port's own sender (the same classification).
 */
export function answerOnPort(
  port: {
    name: string;
    sender?: SenderLike;
    onMessage: { addListener(listener: (message: unknown) => void): void };
    postMessage(message: unknown): void;
  },
  handle: ReturnType<typeof createRouter>,
): void {
  if (port.name !== PORT_NAME) return;
  port.onMessage.addListener((envelope) => {
    const { id, message } = (envelope ?? {}) as { id?: unknown; message?: unknown };
    if (typeof id !== 'number') return;
    void handle(message, port.sender ?? {}).then((reply) => {
      try {
        port.postMessage({ id, reply });
      } catch {
        // The tab went away meanwhile: nobody to answer.
      }
    });
  });
}
