import { useCallback, useEffect, useRef, useState } from 'react';
import { browser } from 'wxt/browser';
import { providerFor, providerList } from '@/lib/providers/registry';
import {
  checkDraft,
  checkDrafts,
  type Draft,
  type FieldErrors,
  fromView,
  newDraft,
  normaliseField,
  originsToAsk,
} from '@/lib/settings/drafts';
import type { SettingsView } from '@/lib/settings/schema';
import type { ErrorInfo } from '@/lib/shared/errors';
import { t } from '@/lib/shared/i18n';
import { send } from '@/lib/shared/messaging-client';
import type { Broadcast } from '@/lib/shared/protocol';
import { Intro } from './Intro';
import { RelaySignIn } from './RelaySignIn';
import { RELAY_OPTION, StoreForm } from './StoreForm';
import { STORE_PANEL_ID, StoreList, storeTabId } from './StoreList';

type Outcome = { kind: 'status' | 'alert'; text: string } | undefined;

/** Test connection's answer, one sentence said from here (not "…check the key in Settings"). */
function testOutcome(reply: { ok: true } | { ok: false; error: ErrorInfo }, provider: string): Outcome {
  if (reply.ok) return { kind: 'status', text: t('options.keyAccepted') };
  const { code, message } = reply.error;
  if (code === 'key-rejected') return { kind: 'alert', text: t('options.keyRejected', [provider]) };
  // Already one sentence that names the provider: "Can't reach Appstle. Check your internet connection…".
  if (code === 'key-missing' || code === 'offline') return { kind: 'alert', text: message };
  return { kind: 'alert', text: t('options.cantReach', [provider]) };
}

/** What a save would write, to tell whether anything changed since the page loaded or saved. */
const snapshot = (drafts: readonly Draft[], defaultId: string | undefined) => JSON.stringify([drafts, defaultId]);

/** The options page: loads the settings view, keeps the drafts, validates, saves and tests. */
export function Options() {
  const [drafts, setDrafts] = useState<Draft[]>();
  const [selectedId, setSelectedId] = useState<string>();
  const [defaultId, setDefaultId] = useState<string>();
  const [errors, setErrors] = useState<Record<string, FieldErrors>>({});
  const [managedDefault, setManagedDefault] = useState(false);
  const [managedInvalid, setManagedInvalid] = useState(false);
  const [managedPending, setManagedPending] = useState(false);
  /** The policy was still loading, and turned out to be absent: say so instead of "still loading". */
  const [noPolicy, setNoPolicy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const [view, setView] = useState<SettingsView>({ stores: [] });
  /** The draft whose provider select says **Team relay**: it shows the relay's sign-in. */
  const [relayDraftId, setRelayDraftId] = useState<string>();
  /** The drafts as loaded or last saved: anything else is unsaved. */
  const [baseline, setBaseline] = useState<string>();
  const selectedRef = useRef<string | undefined>(undefined);
  selectedRef.current = selectedId;

  const show = useCallback((view: SettingsView, keepSelection?: string) => {
    setView(view);
    setRelayDraftId(undefined);
    const next = view.stores.map(fromView);
    const first = next.length > 0 ? next : [newDraft(t('options.myStore'))];
    setDrafts(first);
    setErrors({});
    const defaultId =
      view.defaultStoreId && next.some((d) => d.id === view.defaultStoreId) ? view.defaultStoreId : undefined;
    setDefaultId(defaultId);
    setBaseline(snapshot(first, defaultId));
    setManagedDefault(view.managedDefault === true);
    setManagedInvalid(view.managedInvalid === true);
    setManagedPending(view.managedPending === true);
    setSelectedId(first.find((d) => d.id === keepSelection)?.id ?? first[0]?.id);
  }, []);

  const load = useCallback(
    (keepSelection?: string) =>
      send('get-settings').then((reply) => {
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
      if ((message as Partial<Broadcast> | undefined)?.type === 'settings-changed') void load(selectedRef.current);
    };
    browser.runtime.onMessage.addListener(onMessage);
    return () => browser.runtime.onMessage.removeListener(onMessage);
  }, [load]);

  // While the browser still loads policies, ask again each second; drafts are only replaced when
  // the policy brings stores (as a policy change does), so typing is never lost to this.
  useEffect(() => {
    if (!managedPending) return;
    let tries = 0;
    const timer = setInterval(() => {
      void send('get-settings').then((reply) => {
        if (!reply.ok || reply.settings.managedPending) {
          if (++tries >= 60) clearInterval(timer);
          return;
        }
        clearInterval(timer);
        if (reply.settings.managedDefault || reply.settings.stores.some((s) => s.keySource === 'policy')) {
          show(reply.settings, selectedRef.current);
          return;
        }
        setManagedPending(false);
        setManagedInvalid(reply.settings.managedInvalid === true);
        setNoPolicy(reply.settings.managedInvalid !== true);
      });
    }, 1000);
    return () => clearInterval(timer);
  }, [managedPending, show]);

  const dirty = drafts !== undefined && baseline !== undefined && snapshot(drafts, defaultId) !== baseline;
  // Leaving (closing the tab, reloading) with unsaved changes: the browser asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  if (!drafts) return <main className="options">{t('options.loading')}</main>;
  const draft = drafts.find((d) => d.id === selectedId) ?? drafts[0];
  if (!draft) return <main className="options">{t('options.loading')}</main>;
  // The first store is the default until another is chosen.
  const effectiveDefault = defaultId ?? drafts[0]?.id;

  /** Replaces the selected draft; a draft showing errors is checked again, so fixed fields clear. */
  function replace(next: Draft) {
    if (!drafts) return;
    setDrafts(drafts.map((d) => (d.id === next.id ? next : d)));
    if (errors[next.id]) {
      const checked = checkDraft(next);
      setErrors({ ...errors, [next.id]: checked.ok ? {} : checked.errors });
    }
  }

  function addStore() {
    if (!drafts) return;
    const added = newDraft(t('options.storeN', [String(drafts.length + 1)]));
    setDrafts([...drafts, added]);
    setSelectedId(added.id);
    setOutcome({ kind: 'status', text: t('options.storeAdded') });
  }

  function removeStore() {
    if (!drafts || !draft || draft.keySource !== 'browser') return;
    const rest = drafts.filter((d) => d.id !== draft.id);
    const next = rest.length > 0 ? rest : [newDraft(t('options.myStore'))];
    setDrafts(next);
    if (defaultId === draft.id) setDefaultId(undefined);
    setSelectedId(next[0]?.id);
    setOutcome({ kind: 'status', text: t('options.storeRemoved', [draft.name]) });
  }

  async function save() {
    if (!drafts) return;
    const checked = checkDrafts(drafts);
    if (!checked.ok) {
      setErrors(checked.errors);
      setSelectedId(checked.first.draftId);
      setOutcome({ kind: 'alert', text: checked.summary });
      return;
    }
    setErrors({});
    const { stores } = checked;
    // A store on a host of its own (Custom (HTTP)) needs that host: asked in this click, before any await.
    const origins = originsToAsk(stores);
    if (origins.length > 0 && !(await browser.permissions.request({ origins }))) {
      const hosts = origins.map((o) => new URL(o.replace(/\*$/, '')).host).join(', ');
      setOutcome({ kind: 'alert', text: t('options.customHostRefused', [hosts]) });
      return;
    }
    setBusy(true);
    setOutcome(undefined);
    const reply = await send('save-settings', { settings: { stores, defaultStoreId: effectiveDefault } });
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
    const checked = checkDraft(draft);
    if (!checked.ok) {
      setErrors({ ...errors, [draft.id]: checked.errors });
      setOutcome({ kind: 'alert', text: Object.values(checked.errors)[0] ?? '' });
      return;
    }
    setBusy(true);
    setOutcome(undefined);
    const reply = await send('test-connection', { store: checked.store });
    setOutcome(testOutcome(reply, providerFor(draft).shortName));
    setBusy(false);
  }

  // First run: nothing saved, no store from a policy or a relay. `managedPending`, not the view's:
  // a policy still loading at first (a busy browser start) that turns out absent shows the intro too.
  const firstRun = view.stores.length === 0 && !managedPending && !view.relay;
  const relayShown = draft.keySource === 'relay' || draft.id === relayDraftId;
  return (
    <main className="options">
      <h1>{t('options.title')}</h1>
      {firstRun && <Intro />}
      {managedInvalid && <p className="notice">{t('options.managedInvalid')}</p>}
      {managedPending && <p className="notice">{t('options.managedPending')}</p>}
      {noPolicy && <p className="hint">{t('options.noPolicy')}</p>}
      <StoreList
        drafts={drafts}
        selectedId={draft.id}
        defaultId={effectiveDefault}
        invalidIds={new Set(Object.keys(errors).filter((id) => Object.keys(errors[id] ?? {}).length > 0))}
        busy={busy}
        onSelect={setSelectedId}
        onAdd={addStore}
      />
      <form
        role="tabpanel"
        id={STORE_PANEL_ID}
        aria-labelledby={storeTabId(draft.id)}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        {relayShown ? (
          <fieldset aria-label={t('relay.name')}>
            <legend>{t('relay.name')}</legend>
            {draft.keySource !== 'relay' && (
              <>
                <label htmlFor="provider">{t('options.provider')}</label>
                <select
                  id="provider"
                  value={RELAY_OPTION}
                  onChange={(e) => {
                    setRelayDraftId(undefined);
                    replace({ ...draft, provider: e.target.value as Draft['provider'] });
                  }}
                >
                  {providerList.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.label}
                    </option>
                  ))}
                  <option value={RELAY_OPTION}>{t('relay.name')}</option>
                </select>
              </>
            )}
            <RelaySignIn
              view={view}
              busy={busy}
              setBusy={setBusy}
              onDone={(next, result) => {
                if (next) show(next, selectedRef.current);
                setOutcome(result);
              }}
            />
          </fieldset>
        ) : (
          <StoreForm
            draft={draft}
            errors={errors[draft.id] ?? {}}
            isDefault={draft.id === effectiveDefault}
            onlyStore={drafts.length === 1}
            managedDefault={managedDefault}
            busy={busy}
            onChange={(patch) => replace({ ...draft, ...patch })}
            onLeave={(key) => replace(normaliseField(draft, key))}
            onMakeDefault={() => setDefaultId(draft.id)}
            onRemove={removeStore}
            onPickRelay={() => setRelayDraftId(draft.id)}
          />
        )}
        {/* The relay's stores are the relay's: nothing here to save or test. */}
        {!relayShown && (
          <div className="row">
            <button type="submit" disabled={busy}>
              {t('options.save')}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => void test()}>
              {t('options.testConnection')}
            </button>
            {dirty && <span className="hint unsaved">{t('options.unsaved')}</span>}
          </div>
        )}
      </form>
      <div role="status">{outcome?.kind === 'status' ? outcome.text : ''}</div>
      <div role="alert">{outcome?.kind === 'alert' ? outcome.text : ''}</div>
    </main>
  );
}
