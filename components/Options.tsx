import { useEffect, useState } from 'react';
import type { ErrorInfo } from '@/lib/errors';
import { sendRequest } from '@/lib/messaging-client';
import { providerList } from '@/lib/providers/labels';
import {
  DEFAULT_PORTAL_TEMPLATE,
  type ProviderId,
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
  apiKey: string;
  apiKeyMask: string;
  helpdeskHosts: string[];
  storeDomain: string;
  portalUrlTemplate: string;
  team: string;
}

function fromView(view: StoreView): Draft {
  return {
    ...newDraft(),
    ...view,
    apiKey: '',
    storeDomain: view.provider === 'appstle' ? (view.storeDomain ?? '') : '',
    portalUrlTemplate: view.provider === 'appstle' ? view.portalUrlTemplate : DEFAULT_PORTAL_TEMPLATE,
    team: view.provider === 'gigstack' ? (view.team ?? '') : '',
  };
}

function newDraft(): Draft {
  return {
    id: crypto.randomUUID(),
    name: 'My store',
    provider: 'appstle',
    apiKey: '',
    apiKeyMask: '',
    helpdeskHosts: [],
    storeDomain: '',
    portalUrlTemplate: DEFAULT_PORTAL_TEMPLATE,
    team: '',
  };
}

function toStore(draft: Draft): Store {
  const { id, name, apiKey, helpdeskHosts } = draft;
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

function testOutcome(
  reply: { ok: true; provider?: string } | { ok: false; error: ErrorInfo },
  provider: string,
): Outcome {
  if (reply.ok) return { kind: 'status', text: 'Key accepted.' };
  if (reply.error.code === 'key-rejected') return { kind: 'alert', text: `Key rejected. ${reply.error.message}` };
  if (reply.error.code === 'key-missing') return { kind: 'alert', text: reply.error.message };
  return { kind: 'alert', text: `Can't reach ${provider}. ${reply.error.message}` };
}

export function Options() {
  const [draft, setDraft] = useState<Draft>();
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void sendRequest<{ settings: SettingsView }>({ type: 'get-settings' }).then((reply) => {
      if (!reply.ok) {
        setOutcome({ kind: 'alert', text: reply.error.message });
        setDraft(newDraft());
        return;
      }
      const saved = reply.settings.stores[0];
      setDraft(saved ? fromView(saved) : newDraft());
    });
  }, []);

  if (!draft) return <main className="options">Loading…</main>;
  const update = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const providerName = draft.provider === 'appstle' ? 'Appstle' : 'gigstack';

  async function save() {
    if (!draft) return;
    setBusy(true);
    setOutcome(undefined);
    const reply = await sendRequest<{ settings: SettingsView }>({
      type: 'save-settings',
      settings: { stores: [toStore(draft)], defaultStoreId: draft.id },
    });
    if (reply.ok) {
      const saved = reply.settings.stores[0];
      if (saved) setDraft(fromView(saved));
      setOutcome({ kind: 'status', text: 'Settings saved.' });
    } else {
      setOutcome({ kind: 'alert', text: reply.error.message });
    }
    setBusy(false);
  }

  async function test() {
    if (!draft) return;
    setBusy(true);
    setOutcome(undefined);
    const reply = await sendRequest<{ provider: string }>({ type: 'test-connection', store: toStore(draft) });
    setOutcome(testOutcome(reply, providerName));
    setBusy(false);
  }

  return (
    <main className="options">
      <h1>Portal Link settings</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label htmlFor="provider">Provider</label>
        <select
          id="provider"
          value={draft.provider}
          onChange={(e) => update({ provider: e.target.value as ProviderId })}
        >
          {providerList.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </select>

        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          value={draft.apiKey}
          placeholder={draft.apiKeyMask ? `Saved key ${draft.apiKeyMask} (type to replace)` : 'Paste the API key'}
          onChange={(e) => update({ apiKey: e.target.value })}
        />

        {draft.provider === 'appstle' ? (
          <>
            <label htmlFor="store-domain">Store domain</label>
            <input
              id="store-domain"
              value={draft.storeDomain}
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
              placeholder="Optional: gigstack Connect team id"
              onChange={(e) => update({ team: e.target.value })}
            />
          </>
        )}

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
