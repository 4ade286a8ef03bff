import { useCallback, useEffect, useRef, useState } from 'react';
import { browser } from 'wxt/browser';
import { MANAGED_CHANGED } from '@/lib/settings/managed';
import { providerLabels, providerList } from '@/lib/settings/provider-labels';
import {
  DEFAULT_PORTAL_TEMPLATE,
  hostClashes,
  type ProviderId,
  parseHelpdeskHosts,
  type SettingsView,
  type Store,
  type StoreView,
} from '@/lib/settings/schema';
import type { ErrorInfo } from '@/lib/shared/errors';
import { t } from '@/lib/shared/i18n';
import { sendRequest } from '@/lib/shared/messaging-client';

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
    if (!draft.name.trim()) return { ok: false, message: t('options.needName') };
    const parsed = parseHelpdeskHosts(draft.hostsText);
    if (!parsed.ok) {
      return {
        ok: false,
        message: t('options.notHost', [parsed.invalid, draft.name]),
      };
    }
    hosts.set(draft.id, parsed.hosts);
  }
  const clash = hostClashes(drafts.map((d) => ({ id: d.id, helpdeskHosts: hosts.get(d.id) ?? [] })))[0];
  if (clash) {
    const name = (id: string) => drafts.find((d) => d.id === id)?.name ?? id;
    return {
      ok: false,
      message: t('options.hostClash', [clash.host, name(clash.first), name(clash.second)]),
    };
  }
  return { ok: true, hosts };
}

function testOutcome(reply: { ok: true } | { ok: false; error: ErrorInfo }, provider: string): Outcome {
  if (reply.ok) return { kind: 'status', text: t('options.keyAccepted') };
  if (reply.error.code === 'key-rejected')
    return { kind: 'alert', text: t('options.keyRejected', [reply.error.message]) };
  if (reply.error.code === 'key-missing') return { kind: 'alert', text: reply.error.message };
  return { kind: 'alert', text: t('options.cantReach', [provider, reply.error.message]) };
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
    const first = next.length > 0 ? next : [newDraft(t('options.myStore'))];
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
    document.title = t('options.title');
    void load();
    // The administrator's policy changed while this page was open: show the new managed stores.
    const onMessage = (message: unknown) => {
      if ((message as { type?: unknown } | undefined)?.type === MANAGED_CHANGED) void load(selectedRef.current);
    };
    browser.runtime.onMessage.addListener(onMessage);
    return () => browser.runtime.onMessage.removeListener(onMessage);
  }, [load]);

  if (!drafts) return <main className="options">{t('options.loading')}</main>;
  const draft = drafts.find((d) => d.id === selectedId) ?? drafts[0];
  if (!draft) return <main className="options">{t('options.loading')}</main>;
  // The first store is the default until another is chosen.
  const effectiveDefault = defaultId ?? drafts[0]?.id;
  const providerName = providerLabels[draft.provider].shortName;
  const showSavedKey = draft.apiKeyMask !== '' && draft.provider === draft.savedProvider;

  const update = (patch: Partial<Draft>) => setDrafts(drafts.map((d) => (d.id === draft.id ? { ...d, ...patch } : d)));

  function addStore() {
    if (!drafts) return;
    const added = newDraft(t('options.storeN', [String(drafts.length + 1)]));
    setDrafts([...drafts, added]);
    setSelectedId(added.id);
    setOutcome({ kind: 'status', text: t('options.storeAdded') });
  }

  function removeStore() {
    if (!drafts || !draft || draft.managed) return;
    const rest = drafts.filter((d) => d.id !== draft.id);
    const next = rest.length > 0 ? rest : [newDraft(t('options.myStore'))];
    setDrafts(next);
    if (defaultId === draft.id) setDefaultId(undefined);
    setSelectedId(next[0]?.id);
    setOutcome({ kind: 'status', text: t('options.storeRemoved', [draft.name]) });
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
      setOutcome({ kind: 'status', text: t('options.saved') });
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
      <h1>{t('options.title')}</h1>
      {managedInvalid && <p className="notice">{t('options.managedInvalid')}</p>}
      {managedPending && <p className="notice">{t('options.managedPending')}</p>}
      <nav aria-label={t('options.stores')}>
        <ul className="store-list">
          {drafts.map((d) => (
            <li key={d.id}>
              <button
                type="button"
                className={d.id === draft.id ? '' : 'secondary'}
                aria-current={d.id === draft.id ? 'true' : undefined}
                onClick={() => setSelectedId(d.id)}
              >
                {d.name.trim() || t('options.unnamedStore')}
                {d.id === effectiveDefault ? ` ${t('options.defaultSuffix')}` : ''}
                {d.managed ? ` · ${t('options.managedSuffix')}` : ''}
              </button>
            </li>
          ))}
        </ul>
        <button type="button" className="secondary" onClick={addStore} disabled={busy}>
          {t('options.addStore')}
        </button>
      </nav>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <fieldset aria-label={t('options.storeFieldset', [draft.name.trim() || t('options.unnamedStore')])}>
          <legend>{readOnly ? t('options.managedStore') : t('options.store')}</legend>
          {readOnly && <p className="hint">{t('options.managedHint')}</p>}

          <label htmlFor="store-name">{t('options.storeName')}</label>
          <input
            id="store-name"
            value={draft.name}
            disabled={readOnly}
            onChange={(e) => update({ name: e.target.value })}
          />

          <label htmlFor="provider">{t('options.provider')}</label>
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
              <span className="label">{t('options.apiKey')}</span>
              <p className="hint">{t('options.managedByAdmin')}</p>
            </>
          ) : (
            <>
              <label htmlFor="api-key">{t('options.apiKey')}</label>
              <input
                id="api-key"
                type="password"
                autoComplete="off"
                value={draft.apiKey}
                placeholder={showSavedKey ? t('options.savedKey', [draft.apiKeyMask]) : t('options.pasteKey')}
                onChange={(e) => update({ apiKey: e.target.value })}
              />
            </>
          )}

          {draft.provider === 'appstle' ? (
            <>
              <label htmlFor="store-domain">{t('options.storeDomain')}</label>
              <input
                id="store-domain"
                value={draft.storeDomain}
                disabled={readOnly}
                placeholder={t('options.storeDomainPlaceholder')}
                onChange={(e) => update({ storeDomain: e.target.value })}
              />
            </>
          ) : (
            <>
              <label htmlFor="team">{t('options.team')}</label>
              <input
                id="team"
                value={draft.team}
                disabled={readOnly}
                placeholder={t('options.teamPlaceholder')}
                onChange={(e) => update({ team: e.target.value })}
              />
            </>
          )}

          <label htmlFor="helpdesk-hosts">{t('options.helpdeskHosts')}</label>
          <input
            id="helpdesk-hosts"
            value={draft.hostsText}
            disabled={readOnly}
            aria-describedby="helpdesk-hosts-hint"
            placeholder={t('options.helpdeskHostsPlaceholder')}
            onChange={(e) => update({ hostsText: e.target.value })}
          />
          <p className="hint" id="helpdesk-hosts-hint">
            {t('options.helpdeskHostsHint')}
          </p>

          <label className="check">
            <input
              type="checkbox"
              checked={draft.id === effectiveDefault}
              disabled={draft.id === effectiveDefault || managedDefault}
              onChange={(e) => e.target.checked && setDefaultId(draft.id)}
            />
            {t('options.defaultStore')}
          </label>
          {managedDefault && <p className="hint">{t('options.adminChoseDefault')}</p>}

          {!readOnly && (
            <button type="button" className="secondary" disabled={busy} onClick={removeStore}>
              {t('options.removeStore')}
            </button>
          )}
        </fieldset>

        <div className="row">
          <button type="submit" disabled={busy}>
            {t('options.save')}
          </button>
          <button type="button" className="secondary" disabled={busy} onClick={() => void test()}>
            {t('options.testConnection')}
          </button>
        </div>
      </form>
      <div role="status">{outcome?.kind === 'status' ? outcome.text : ''}</div>
      <div role="alert">{outcome?.kind === 'alert' ? outcome.text : ''}</div>
    </main>
  );
}
