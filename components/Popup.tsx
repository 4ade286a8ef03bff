import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { browser } from 'wxt/browser';
import { DetectedCustomerCard, noEmailSentence, useDetectedCustomer } from '@/components/DetectedCustomer';
import { hasLookup, parseActionReply, toCustomerRef } from '@/lib/helpdesks/detected';
import type { SettingsView, StoreView } from '@/lib/settings/schema';
import { resolveStore } from '@/lib/settings/store-resolution';
import { ticketTabId } from '@/lib/shared/active-ticket';
import { requestCopy } from '@/lib/shared/copy-here';
import type { ErrorInfo } from '@/lib/shared/errors';
import { formatLifetimeWithTimeLeft } from '@/lib/shared/expiry';
import { t } from '@/lib/shared/i18n';
import { send, sendToTab } from '@/lib/shared/messaging-client';
import type { CopyResult, PopupGrant } from '@/lib/shared/protocol';
import { activeTabHost, StorePicker } from './StorePicker';

type Outcome =
  | { kind: 'copied'; result: CopyResult; singleUse: boolean }
  | { kind: 'done'; text: string }
  | { kind: 'pending-email'; to: string }
  | { kind: 'error'; error: ErrorInfo }
  | undefined;

const tabDeps = {
  currentTab: () => browser.tabs.getCurrent(),
  tabsOfCurrentWindow: () => browser.tabs.query({ currentWindow: true }),
};

/** Email portal link waits this long for an Undo before its one request. */
export const EMAIL_UNDO_MS = 5_000;

/**
 * Providers whose own documentation calls their portal links single-use (Appstle's API reference,
 * developers.appstle.com "generate-customer-portal-link"); the popup says so after a copy.
 */
const SINGLE_USE = new Set<string>(['appstle']);

/** Errors whose next step is in Settings get a button that goes there. */
const SETTINGS_ERRORS = new Set(['no-store', 'key-missing', 'key-rejected', 'settings-invalid', 'relay-signed-out']);

/**
 * The settings, asked once per popup open (a relay's store list is refreshed behind each ask).
 * Unreadable settings leave the form as it is: an action then says what needs attention.
 */
function useSettings(): SettingsView | undefined {
  const [settings, setSettings] = useState<SettingsView>();
  useEffect(() => {
    void send('get-settings').then((r) => r.ok && setSettings(r.settings));
  }, []);
  return settings;
}

function openSettings() {
  void browser.runtime.openOptionsPage();
}

/** No store yet: the popup can do nothing but send the agent to set one up. */
function FinishSetup({ relay }: { relay: boolean }) {
  return (
    <section className="setup" aria-labelledby="setup-title">
      <h2 id="setup-title" className="label">
        {t('popup.setupTitle')}
      </h2>
      <p>{relay ? t('popup.setupRelay') : t('popup.setupText')}</p>
      <button type="button" className="primary-action" onClick={openSettings}>
        {t('popup.openSettings')}
      </button>
    </section>
  );
}

export function Popup() {
  const [customer, setCustomer] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const detected = useDetectedCustomer();
  const settings = useSettings();
  const [picked, setPicked] = useState<string>();
  // Asked once, at once: a click before the settings have loaded still goes to the tab's store.
  const [tabHost] = useState(activeTabHost);
  const [host, setHost] = useState<string>();
  const emailTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const input = useRef<HTMLInputElement>(null);
  const onStore = useCallback((id: string | undefined) => setPicked(id), []);
  useEffect(() => {
    void tabHost.then(setHost);
  }, [tabHost]);
  useEffect(() => () => clearTimeout(emailTimer.current), []);

  if (settings && settings.stores.length === 0 && !settings.managedPending) {
    return (
      <main className="popup">
        <h1>{t('extName')}</h1>
        <FinishSetup relay={!!settings.relay} />
      </main>
    );
  }

  // The store the popup uses: the one picked, else the tab's mapped one, else the default.
  const tabStore = settings ? resolveStore(settings, host) : undefined;
  const storeId = picked ?? (settings && settings.stores.length > 1 ? tabStore?.id : undefined);
  const store: StoreView | undefined = picked ? settings?.stores.find((s) => s.id === picked) : tabStore;
  // What the store can do is in the view (a relay store emails through the relay): no button that can only fail.
  const canEmail = store?.canEmail === true;
  // Typed text overrides; an empty field means the ticket's customer, when they can be looked up.
  const typed = customer.trim();
  const target = typed !== '' ? typed : hasLookup(detected) ? toCustomerRef(detected) : undefined;

  /** Nothing to act on: the one true sentence, and the field to type in. */
  function needCustomer(): Outcome {
    input.current?.focus();
    const message = detected ? noEmailSentence(detected.name) : t('popup.typeCustomer');
    return { kind: 'error', error: { code: 'no-customer', message } };
  }

  async function act(work: () => Promise<Outcome>) {
    setBusy(true);
    setOutcome(undefined);
    setOutcome(await work());
    setBusy(false);
  }

  function copy(event: FormEvent) {
    event.preventDefault();
    if (!target) return setOutcome(needCustomer());
    void act(async () => {
      const reply = await requestCopy(send, {
        customer: target,
        storeId,
        tabHost: await tabHost,
      });
      if (!reply.ok) return { kind: 'error', error: reply.error };
      // A relay's lasting link is its own page, opened as often as needed: only a provider's link is single-use.
      const singleUse = !reply.lasting && SINGLE_USE.has(store?.provider ?? '');
      return { kind: 'copied', result: reply, singleUse };
    });
  }

  /** Email waits a moment for Undo, then makes its one request (never retried). */
  function email() {
    if (!target) return setOutcome(needCustomer());
    const to =
      typeof target === 'string' ? target : (target.email ?? t('popup.customerId', [target.shopify?.[0]?.id ?? '']));
    setBusy(true);
    setOutcome({ kind: 'pending-email', to });
    emailTimer.current = setTimeout(() => {
      void act(async () => {
        const reply = await send('email-link', {
          customer: target,
          storeId,
          tabHost: await tabHost,
        });
        return reply.ok ? { kind: 'done', text: t('emailedToast', [reply.to]) } : { kind: 'error', error: reply.error };
      });
    }, EMAIL_UNDO_MS);
  }

  function undoEmail(to: string) {
    clearTimeout(emailTimer.current);
    setBusy(false);
    setOutcome({ kind: 'done', text: t('popup.emailUndone', [to]) });
  }

  /**
   * The ticket's own content script inserts (it owns the composer) and asks for the link. For a
   * typed customer or another store picked here, the popup grants that tab this one link first: the
   * background mints it when that tab's content script asks, from a helpdesk account a store lists.
   */
  function insert() {
    if (!target || !detected) return setOutcome(needCustomer());
    const own = typed === '' && (picked === undefined || picked === tabStore?.id);
    const forEmail = typeof target === 'string' ? target : (target.email ?? '');
    const ticketId = detected.ticketId;
    void act(async () => {
      const tabId = await ticketTabId(tabDeps).catch(() => undefined);
      if (tabId === undefined)
        return { kind: 'error', error: { code: 'no-customer', message: t('errors.noCustomer') } };
      let grant: PopupGrant | undefined;
      if (!own) {
        const granted = await send('grant-insert', { customer: target, storeId, tabId });
        if (!granted.ok) return { kind: 'error', error: granted.error };
        grant = { grant: granted.grant, customer: forEmail, ticketId };
      }
      const reply = parseActionReply(
        await sendToTab(tabId, { type: 'insert-detected-link', ...(grant ? { grant } : {}) }).catch(() => undefined),
      );
      if (!reply) return { kind: 'error', error: { code: 'no-customer', message: t('errors.noCustomer') } };
      const text = reply.message ?? '';
      return reply.ok ? { kind: 'done', text } : { kind: 'error', error: { code: 'internal', message: text } };
    });
  }

  const pending = outcome?.kind === 'pending-email' ? outcome : undefined;
  const showEmail = canEmail && target !== undefined;
  const showInsert = !!detected && target !== undefined;
  return (
    <main className="popup">
      <h1>{t('extName')}</h1>
      {detected && <DetectedCustomerCard customer={detected} usable={hasLookup(detected)} />}
      <form onSubmit={copy}>
        <StorePicker stores={settings?.stores ?? []} value={storeId} onChange={onStore} />
        <label htmlFor="customer">{t('popup.customer')}</label>
        <input
          id="customer"
          ref={input}
          value={customer}
          onChange={(e) => setCustomer(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          // biome-ignore lint/a11y/noAutofocus: the popup exists to take this one input; typing should just work
          autoFocus
          placeholder={t('popup.customerPlaceholder')}
        />
        <button type="submit" className="primary-action" disabled={busy}>
          {busy && !pending ? t('popup.copying') : t('popup.copy')}
        </button>
        {(showEmail || showInsert) && (
          <div className="more-actions">
            {showEmail && (
              <button type="button" className="secondary" disabled={busy} onClick={email}>
                {t('popup.email')}
              </button>
            )}
            {showInsert && (
              <button type="button" className="secondary" disabled={busy} onClick={insert}>
                {t('popup.insert')}
              </button>
            )}
          </div>
        )}
      </form>
      <div role="status">
        {outcome?.kind === 'copied' && (
          <>
            <strong>{t('copiedToast', [outcome.result.customer, formatLifetimeWithTimeLeft(outcome.result)])}</strong>
            {outcome.result.cached ? ` ${t('popup.reused')}` : ''}
            {outcome.result.cached && <span className="expiry-detail">{t('popup.reusedHint')}</span>}
            {outcome.singleUse && <span className="expiry-detail">{t('popup.singleUse')}</span>}
            <span className="link">{outcome.result.url}</span>
          </>
        )}
        {outcome?.kind === 'done' && outcome.text}
        {pending && (
          <>
            {t('popup.emailPending', [pending.to])}
            <span aria-hidden="true"> · </span>
            <button type="button" className="link-button" onClick={() => undoEmail(pending.to)}>
              {t('popup.undo')}
            </button>
          </>
        )}
      </div>
      <div role="alert">
        {outcome?.kind === 'error' && (
          <>
            {outcome.error.message}
            {SETTINGS_ERRORS.has(outcome.error.code) && (
              <div>
                <button type="button" className="secondary" onClick={openSettings}>
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
