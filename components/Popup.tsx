import { type FormEvent, useState } from 'react';
import { browser } from 'wxt/browser';
import { DetectedCustomerCard, useDetectedCustomer } from '@/components/DetectedCustomer';
import { hasLookup, toCustomerRef } from '@/lib/helpdesks/detected';
import { requestCopy } from '@/lib/shared/copy-here';
import type { ErrorInfo } from '@/lib/shared/errors';
import { formatExpiry } from '@/lib/shared/expiry';
import { t } from '@/lib/shared/i18n';
import type { CopyResult } from '@/lib/shared/messages';
import { sendRequest } from '@/lib/shared/messaging-client';
import { activeTabHost, StorePicker } from './StorePicker';

type Outcome = { kind: 'copied'; result: CopyResult } | { kind: 'error'; error: ErrorInfo } | undefined;

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

  async function copy(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setOutcome(undefined);
    // An empty field means the customer detected on the ticket; typed text overrides it.
    const target = customer.trim() === '' && hasLookup(detected) ? toCustomerRef(detected) : customer;
    const reply = await requestCopy((request) => sendRequest<CopyResult>(request), {
      type: 'copy-portal-link',
      customer: target,
      storeId,
      tabHost: await tabHost,
    });
    setOutcome(reply.ok ? { kind: 'copied', result: reply } : { kind: 'error', error: reply.error });
    setBusy(false);
  }

  return (
    <main className="popup">
      <h1>{t('extName')}</h1>
      {detected && <DetectedCustomerCard customer={detected} />}
      <form onSubmit={copy}>
        <StorePicker value={storeId} onChange={setStoreId} tabHost={tabHost} />
        <label htmlFor="customer">{t('popup.customer')}</label>
        <input
          id="customer"
          value={customer}
          onChange={(e) => setCustomer(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          placeholder={t('popup.customerPlaceholder')}
        />
        <button type="submit" disabled={busy}>
          {busy ? t('popup.copying') : t('popup.copy')}
        </button>
      </form>
      <div role="status">
        {outcome?.kind === 'copied' && (
          <>
            <strong>{t('copied')}</strong> · {formatExpiry(outcome.result.expiresAt)}
            {outcome.result.cached ? ` ${t('popup.reused')}` : ''}
            <br />
            <span className="link">{outcome.result.url}</span>
          </>
        )}
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
