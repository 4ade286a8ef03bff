import { useCallback, useEffect, useRef, useState } from 'react';
import { browser } from 'wxt/browser';
import type { ErrorInfo } from '@/lib/errors';
import { MANAGED_CHANGED } from '@/lib/managed-settings';
import { sendRequest } from '@/lib/messaging-client';
import { providerLabels, providerList } from '@/lib/providers/labels';
import {
  DEFAULT_PORTAL_TEMPLATE,
  hostClashes,
  type ProviderId,
  parseHelpdeskHosts,
  type SettingsView,
  type Store,
  type StoreView,
} from '@/lib/settings';

type Outcome = { kind: 'status' | 'alert'; text: string } | undefined;

/** A store as edited, all providers' fields flat; `apiKey` is what was typed here ('' keeps the saved key). */
interface Draft {
  id: string;
  name: string;
  provider: ProviderId;
  /** The provider the saved key belongs to: switching provider drops the saved key. */
  savedProvider?: ProviderId;
  apiKey: string;
  apiKeyMask: string;
  hostsText: string;
  storeDomain: string;
  portalUrlTemplate: string;
  team: string;
  managed: boolean;
}

function fromView(view: StoreView): Draft {
  return {
    id: view.id,
    name: view.name,
    provider: view.provider,
    savedProvider: view.provider,
    apiKey: '',
    apiKeyMask: view.apiKeyMask,
    hostsText: view.helpdeskHosts.join(', '),
    storeDomain: view.provider === 'appstle' ? (view.storeDomain ?? '') : '',
    portalUrlTemplate: view.provider === 'appstle' ? view.portalUrlTemplate : DEFAULT_PORTAL_TEMPLATE,
    team: view.provider === 'gigstack' ? (view.team ?? '') : '',
    managed: view.managed === true,
  };
}

function newDraft(name: string): Draft {
  return {
    id: crypto.randomUUID(),
    name,
    provider: 'appstle',
    apiKey: '',
    apiKeyMask: '',
    hostsText: '',
    storeDomain: '',
    portalUrlTemplate: DEFAULT_PORTAL_TEMPLATE,
    team: '',
    managed: false,
  };
}

function toStore(draft: Draft, helpdeskHosts: string[]): Store {
  const { id, apiKey } = draft;
  const name = draft.name.trim();
  return draft.provider === 'appstle'
    ? {
        id,
        name,
        apiKey,
        helpdeskHosts,
        provider: 'appstle',
        storeDomain: draft.storeDomain,
        portalUrlTemplate: draft.portalUrlTemplate,
      }
    : { id, name, apiKey, helpdeskHosts, provider: 'gigstack', team: draft.team || undefined };
}

/** Every draft checked before anything is sent: names, host lists, and no host in two stores. */
function validate(drafts: Draft[]): { ok: true; hosts: Map<string, string[]> } | { ok: false; message: string } {
  const hosts = new Map<string, string[]>();
  for (const draft of drafts) {
    if (!draft.name.trim()) return { ok: false, message: 'Every store needs a name. Fill in Store name.' };
    const parsed = parseHelpdeskHosts(draft.hostsText);
    if (!parsed.ok) {
      return {
        ok: false,
        message: `“${parsed.invalid}” in the Helpdesk accounts of “${draft.name}” is not a host name. Use host names such as acme.zendesk.com, separated by commas.`,
      };
    }
    hosts.set(draft.id, parsed.hosts);
  }
  const clash = hostClashes(drafts.map((d) => ({ id: d.id, helpdeskHosts: hosts.get(d.id) ?? [] })))[0];
  if (clash) {
    const name = (id: string) => drafts.find((d) => d.id === id)?.name ?? id;
    return {
      ok: false,
      message: `${clash.host} is listed in both “${name(clash.first)}” and “${name(clash.second)}”. A helpdesk account can use only one store.`,
    };
  }
  return { ok: true, hosts };
}

function testOutcome(reply: { ok: true } | { ok: false; error: ErrorInfo }, provider: string): Outcome {
  if (reply.ok) return { kind: 'status', text: 'Key accepted.' };
  if (reply.error.code === 'key-rejected') return { kind: 'alert', text: `Key rejected. ${reply.error.message}` };
  if (reply.error.code === 'key-missing') return { kind: 'alert', text: reply.error.message };
  return { kind: 'alert', text: `Can't reach ${provider}. ${reply.error.message}` };
}

export function Options() {
  const [drafts, setDrafts] = useState<Draft[]>();
  const [selectedId, setSelectedId] = useState<string>();
  const [defaultId, setDefaultId] = useState<string>();
  const [managedDefault, setManagedDefault] = useState(false);
  const [managedInvalid, setManagedInvalid] = useState(false);
  const [managedPending, setManagedPending] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const selectedRef = useRef<string | undefined>(undefined);
  selectedRef.current = selectedId;

  const show = useCallback((view: SettingsView, keepSelection?: string) => {
    const next = view.stores.map(fromView);
    const first = next.length > 0 ? next : [newDraft('My store')];
    setDrafts(first);
    setDefaultId(
      view.defaultStoreId && next.some((d) => d.id === view.defaultStoreId) ? view.defaultStoreId : undefined,
    );
    setManagedDefault(view.managedDefault === true);
    setManagedInvalid(view.managedInvalid === true);
    setManagedPending(view.managedPending === true);
    setSelectedId(first.find((d) => d.id === keepSelection)?.id ?? first[0]?.id);
  }, []);

  const load = useCallback(
    (keepSelection?: string) =>
      sendRequest<{ settings: SettingsView }>({ type: 'get-settings' }).then((reply) => {
        if (reply.ok) return show(reply.settings, keepSelection);
        setOutcome({ kind: 'alert', text: reply.error.message });
        show({ stores: [] });
      }),
    [show],
  );

  useEffect(() => {
    void load();
    // The administrator's policy changed while this page was open: show the new managed stores.
    const onMessage = (message: unknown) => {
      if ((message as { type?: unknown } | undefined)?.type === MANAGED_CHANGED) void load(selectedRef.current);
    };
    browser.runtime.onMessage.addListener(onMessage);
    return () => browser.runtime.onMessage.removeListener(onMessage);
  }, [load]);

  if (!drafts) return <main className="options">Loading…</main>;
  const draft = drafts.find((d) => d.id === selectedId) ?? drafts[0];
  if (!draft) return <main className="options">Loading…</main>;
  // The first store is the default until another is chosen.
  const effectiveDefault = defaultId ?? drafts[0]?.id;
  const providerName = providerLabels[draft.provider].shortName;
  const showSavedKey = draft.apiKeyMask !== '' && draft.provider === draft.savedProvider;

  const update = (patch: Partial<Draft>) => setDrafts(drafts.map((d) => (d.id === draft.id ? { ...d, ...patch } : d)));

  function addStore() {
    if (!drafts) return;
    const added = newDraft(`Store ${drafts.length + 1}`);
    setDrafts([...drafts, added]);
    setSelectedId(added.id);
    setOutcome({ kind: 'status', text: 'Store added. Fill it in, then Save.' });
  }

  function removeStore() {
    if (!drafts || !draft || draft.managed) return;
    const rest = drafts.filter((d) => d.id !== draft.id);
    const next = rest.length > 0 ? rest : [newDraft('My store')];
    setDrafts(next);
    if (defaultId === draft.id) setDefaultId(undefined);
    setSelectedId(next[0]?.id);
    setOutcome({ kind: 'status', text: `“${draft.name}” removed. Save to apply.` });
  }

  async function save() {
    if (!drafts) return;
    const checked = validate(drafts);
    if (!checked.ok) {
      setOutcome({ kind: 'alert', text: checked.message });
      return;
    }
    setBusy(true);
    setOutcome(undefined);
    const local = drafts.filter((d) => !d.managed).map((d) => toStore(d, checked.hosts.get(d.id) ?? []));
    const reply = await sendRequest<{ settings: SettingsView }>({
      type: 'save-settings',
      settings: { stores: local, defaultStoreId: effectiveDefault },
    });
    if (reply.ok) {
      show(reply.settings, draft?.id);
      setOutcome({ kind: 'status', text: 'Settings saved.' });
    } else {
      setOutcome({ kind: 'alert', text: reply.error.message });
    }
    setBusy(false);
  }

  async function test() {
    if (!draft) return;
    const hosts = parseHelpdeskHosts(draft.hostsText);
    setBusy(true);
    setOutcome(undefined);
    const reply = await sendRequest({
      type: 'test-connection',
      store: toStore(draft, hosts.ok ? hosts.hosts : []),
    });
    setOutcome(testOutcome(reply, providerName));
    setBusy(false);
  }

  const readOnly = draft.managed;
  return (
    <main className="options">
      <h1>Portal Link settings</h1>
      {managedInvalid && (
        <p className="notice">
          Your administrator’s Portal Link policy is not valid, so it is ignored. Ask them to check it.
        </p>
      )}
      {managedPending && (
        <p className="notice">
          The browser is still loading your administrator’s settings; stores they manage will appear shortly.
        </p>
      )}
      <nav aria-label="Stores">
        <ul className="store-list">
          {drafts.map((d) => (
            <li key={d.id}>
              <button
                type="button"
                className={d.id === draft.id ? '' : 'secondary'}
                aria-current={d.id === draft.id ? 'true' : undefined}
                onClick={() => setSelectedId(d.id)}
              >
                {d.name.trim() || 'Unnamed store'}
                {d.id === effectiveDefault ? ' (default)' : ''}
                {d.managed ? ' · managed' : ''}
              </button>
            </li>
          ))}
        </ul>
        <button type="button" className="secondary" onClick={addStore} disabled={busy}>
          Add store
        </button>
      </nav>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <fieldset aria-label={`Store: ${draft.name.trim() || 'Unnamed store'}`}>
          <legend>{readOnly ? 'Managed store' : 'Store'}</legend>
          {readOnly && <p className="hint">Managed by your administrator. Its settings can't be changed here.</p>}

          <label htmlFor="store-name">Store name</label>
          <input
            id="store-name"
            value={draft.name}
            disabled={readOnly}
            onChange={(e) => update({ name: e.target.value })}
          />

          <label htmlFor="provider">Provider</label>
          <select
            id="provider"
            value={draft.provider}
            disabled={readOnly}
            onChange={(e) => update({ provider: e.target.value as ProviderId })}
          >
            {providerList.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>

          {readOnly ? (
            <>
              <span className="label">API key</span>
              <p className="hint">Managed by your administrator</p>
            </>
          ) : (
            <>
              <label htmlFor="api-key">API key</label>
              <input
                id="api-key"
                type="password"
                autoComplete="off"
                value={draft.apiKey}
                placeholder={showSavedKey ? `Saved key ${draft.apiKeyMask} (type to replace)` : 'Paste the API key'}
                onChange={(e) => update({ apiKey: e.target.value })}
              />
            </>
          )}

          {draft.provider === 'appstle' ? (
            <>
              <label htmlFor="store-domain">Store domain</label>
              <input
                id="store-domain"
                value={draft.storeDomain}
                disabled={readOnly}
                placeholder="your-shop.myshopify.com (optional: read from the token)"
                onChange={(e) => update({ storeDomain: e.target.value })}
              />
            </>
          ) : (
            <>
              <label htmlFor="team">Team</label>
              <input
                id="team"
                value={draft.team}
                disabled={readOnly}
                placeholder="Optional: gigstack Connect team id"
                onChange={(e) => update({ team: e.target.value })}
              />
            </>
          )}

          <label htmlFor="helpdesk-hosts">Helpdesk accounts</label>
          <input
            id="helpdesk-hosts"
            value={draft.hostsText}
            disabled={readOnly}
            aria-describedby="helpdesk-hosts-hint"
            placeholder="acme.zendesk.com, brand.gorgias.com"
            onChange={(e) => update({ hostsText: e.target.value })}
          />
          <p className="hint" id="helpdesk-hosts-hint">
            Host names, separated by commas. Tickets there use this store; anywhere else uses the default store.
          </p>

          <label className="check">
            <input
              type="checkbox"
              checked={draft.id === effectiveDefault}
              disabled={draft.id === effectiveDefault || managedDefault}
              onChange={(e) => e.target.checked && setDefaultId(draft.id)}
            />
            Default store
          </label>
          {managedDefault && <p className="hint">Your administrator chose the default store.</p>}

          {!readOnly && (
            <button type="button" className="secondary" disabled={busy} onClick={removeStore}>
              Remove store
            </button>
          )}
        </fieldset>

        <div className="row">
          <button type="submit" disabled={busy}>
            Save
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => void test()}>
            Test connection
          </button>
        </div>
      </form>
      <div role="status">{outcome?.kind === 'status' ? outcome.text : ''}</div>
      <div role="alert">{outcome?.kind === 'alert' ? outcome.text : ''}</div>
    </main>
  );
}
