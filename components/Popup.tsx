import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { DetectedCustomerCard, useDetectedCustomer } from '@/components/DetectedCustomer';
import { hasLookup, parseActionReply, toCustomerRef } from '@/lib/helpdesks/detected';
import type { SettingsView } from '@/lib/settings/schema';
import { resolveStore } from '@/lib/settings/store-resolution';
import { ticketTabId } from '@/lib/shared/active-ticket';
import { requestCopy } from '@/lib/shared/copy-here';
import type { ErrorInfo } from '@/lib/shared/errors';
import { formatLifetime } from '@/lib/shared/expiry';
import { t } from '@/lib/shared/i18n';
import { send, sendToTab } from '@/lib/shared/messaging-client';
import type { CopyResult } from '@/lib/shared/protocol';
import { activeTabHost, StorePicker } from './StorePicker';

type Outcome =
  | { kind: 'copied'; result: CopyResult }
  | { kind: 'done'; text: string }
  | { kind: 'error'; error: ErrorInfo }
  | undefined;

const tabDeps = {
  currentTab: () => browser.tabs.getCurrent(),
  tabsOfCurrentWindow: () => browser.tabs.query({ currentWindow: true }),
};

/** Whether the store the popup would use (picked, else the tab's mapped one, else the default) can email. */
function useCanEmail(storeId: string | undefined, tabHost: Promise<string | undefined>): boolean {
  const [settings, setSettings] = useState<SettingsView>();
  const [host, setHost] = useState<string>();
  useEffect(() => {
    void send('get-settings').then((r) => r.ok && setSettings(r.settings));
    void tabHost.then(setHost);
  }, [tabHost]);
  if (!settings) return false;
  const store = storeId ? settings.stores.find((s) => s.id === storeId) : resolveStore(settings, host);
  // What the store's provider can do is in the view (a relay store only mints links): no button that can only fail.
  return store?.canEmail === true;
}

/** Errors whose next step is in Settings get a button that goes there. */
const SETTINGS_ERRORS = new Set(['no-store', 'key-missing', 'key-rejected', 'settings-invalid', 'relay-signed-out']);

export function Popup() {
  const [customer, setCustomer] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const detected = useDetectedCustomer();
  const [storeId, setStoreId] = useState<string>();
  // Asked once, at once: a click before the Store picker has loaded still goes to the tab's store.
  const [tabHost] = useState(activeTabHost);
  const onStore = useCallback((id: string | undefined) => setStoreId(id), []);
  const canEmail = useCanEmail(storeId, tabHost);
  // An empty field means the customer detected on the ticket; typed text overrides it.
  const target = () => (customer.trim() === '' && hasLookup(detected) ? toCustomerRef(detected) : customer);

  async function act(work: () => Promise<Outcome>) {
    setBusy(true);
    setOutcome(undefined);
    setOutcome(await work());
    setBusy(false);
  }

  function copy(event: FormEvent) {
    event.preventDefault();
    void act(async () => {
      const reply = await requestCopy(send, {
        customer: target(),
        storeId,
        tabHost: await tabHost,
      });
      return reply.ok ? { kind: 'copied', result: reply } : { kind: 'error', error: reply.error };
    });
  }

  function email() {
    void act(async () => {
      const reply = await send('email-link', {
        customer: target(),
        storeId,
        tabHost: await tabHost,
      });
      return reply.ok ? { kind: 'done', text: t('emailedToast', [reply.to]) } : { kind: 'error', error: reply.error };
    });
  }

  /** The ticket's own content script inserts (it owns the composer), for the customer it detected. */
  function insert() {
    void act(async () => {
      const tabId = await ticketTabId(tabDeps).catch(() => undefined);
      const reply = parseActionReply(
        tabId === undefined ? undefined : await sendToTab(tabId, 'insert-detected-link').catch(() => undefined),
      );
      if (!reply) return { kind: 'error', error: { code: 'no-customer', message: t('errors.noCustomer') } };
      const text = reply.message ?? '';
      return reply.ok ? { kind: 'done', text } : { kind: 'error', error: { code: 'internal', message: text } };
    });
  }

  return (
    <main className="popup">
      <h1>{t('extName')}</h1>
      {detected && <DetectedCustomerCard customer={detected} />}
      <form onSubmit={copy}>
        <StorePicker value={storeId} onChange={onStore} tabHost={tabHost} />
        <label htmlFor="customer">{t('popup.customer')}</label>
        <input
          id="customer"
          value={customer}
          onChange={(e) => setCustomer(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          placeholder={t('popup.customerPlaceholder')}
        />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? t('popup.copying') : t('popup.copy')}
          </button>
          {canEmail && (
            <button type="button" className="secondary" disabled={busy} onClick={email}>
              {t('popup.email')}
            </button>
          )}
          {detected && (
            <button type="button" className="secondary" disabled={busy} onClick={insert}>
              {t('popup.insert')}
            </button>
          )}
        </div>
      </form>
      <div role="status">
        {outcome?.kind === 'copied' && (
          <>
            <strong>{t('copiedToast', [outcome.result.customer, formatLifetime(outcome.result)])}</strong>
            {outcome.result.cached ? ` ${t('popup.reused')}` : ''}
            <br />
            <span className="link">{outcome.result.url}</span>
          </>
        )}
        {outcome?.kind === 'done' && outcome.text}
      </div>
      <div role="alert">
        {outcome?.kind === 'error' && (
          <>
            {outcome.error.message}
            {SETTINGS_ERRORS.has(outcome.error.code) && (
              <div>
                <button type="button" className="secondary" onClick={() => void browser.runtime.openOptionsPage()}>
                  {t('popup.openSettings')}
                </button>
              </div>
            )}
          </>
        )}
      </div>
    </main>
  );
}
