import { useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { parseRelayUrl, relayOriginPattern } from '@/lib/settings/relay';
import {
  RELAY_LINK_TYPES_KEY,
  type RelayLinkType,
  relayLinkTypeOf,
  relayLinkTypeSchema,
  withRelayLinkType,
} from '@/lib/settings/relay-link-type';
import type { SettingsView } from '@/lib/settings/schema';
import { PortalLinkError } from '@/lib/shared/error-codes';
import { errorInfo } from '@/lib/shared/errors';
import { t } from '@/lib/shared/i18n';
import { send } from '@/lib/shared/messaging-client';

export type RelayOutcome = { kind: 'status' | 'alert'; text: string };

/**
 * The **Team relay** provider: Relay URL + Enrollment code → Sign in; once signed in, who and where,
 * the relay's stores, and Sign out. The relay's origin is asked for here, in the click (a permission
 * request needs the user's gesture), and given back at sign out.
 */
export function RelaySignIn(props: {
  view: SettingsView;
  busy: boolean;
  setBusy(busy: boolean): void;
  onDone(view: SettingsView | undefined, outcome: RelayOutcome): void;
}) {
  const { relay, relayUrlPolicy } = props.view;
  const [url, setUrl] = useState(relayUrlPolicy ?? relay?.url ?? '');
  const [code, setCode] = useState('');
  const relayStores = props.view.stores.filter((s) => s.keySource === 'relay');

  function alert(error: PortalLinkError) {
    props.onDone(undefined, { kind: 'alert', text: errorInfo(error).message });
  }

  async function signIn() {
    const origin = parseRelayUrl(relayUrlPolicy ?? url);
    if (!origin) return alert(new PortalLinkError('relay-url-invalid'));
    const host = new URL(origin).host;
    // Exactly this origin, nothing broader; asked before any other await so the click still counts.
    const asked = browser.permissions.request({ origins: [relayOriginPattern(origin)] }).catch(() => false);
    props.setBusy(true);
    try {
      if (!(await asked)) return alert(new PortalLinkError('relay-permission', { host }));
      const reply = await send('relay-sign-in', { url: origin, code });
      if (!reply.ok) return props.onDone(undefined, { kind: 'alert', text: reply.error.message });
      setCode('');
      const email = reply.settings.relay?.email ?? '';
      props.onDone(reply.settings, { kind: 'status', text: t('relay.signedInAs', [email]) });
    } finally {
      props.setBusy(false);
    }
  }

  async function signOut() {
    const origin = relay?.url;
    props.setBusy(true);
    const reply = await send('relay-sign-out');
    props.setBusy(false);
    if (!reply.ok) return props.onDone(undefined, { kind: 'alert', text: reply.error.message });
    if (origin) await browser.permissions.remove({ origins: [relayOriginPattern(origin)] }).catch(() => false);
    props.onDone(reply.settings, { kind: 'status', text: t('relay.signedOut') });
  }

  if (relay && !relay.removed) {
    return (
      <section className="relay" aria-label={t('relay.name')}>
        <p>
          <strong>{t('relay.signedInAs', [relay.email])}</strong> · {relay.url}
        </p>
        <p className="hint">{t('relay.stores', [relayStores.map((s) => s.name).join(', ') || '—'])}</p>
        {relayStores.map((s) => (
          <RelayLinkTypeField key={s.id} storeId={s.id} storeName={s.name} />
        ))}
        <button type="button" className="secondary" disabled={props.busy} onClick={() => void signOut()}>
          {t('relay.signOut')}
        </button>
      </section>
    );
  }
  return (
    <section className="relay" aria-label={t('relay.name')}>
      {/* Removed by the administrator: said so, and the address kept, so a new code is all it takes. */}
      {relay?.removed ? (
        <p role="alert">{errorInfo(new PortalLinkError('relay-removed')).message}</p>
      ) : (
        <p className="hint">{t('relay.hint')}</p>
      )}
      <label htmlFor="relay-url">{t('relay.url')}</label>
      <input
        id="relay-url"
        type="url"
        value={relayUrlPolicy ?? url}
        disabled={relayUrlPolicy !== undefined}
        aria-describedby={relayUrlPolicy ? 'relay-url-hint' : undefined}
        placeholder="https://relay.example.com"
        onChange={(e) => setUrl(e.target.value)}
      />
      {relayUrlPolicy && (
        <p className="hint" id="relay-url-hint">
          {t('relay.urlByPolicy')}
        </p>
      )}
      <label htmlFor="relay-code">{t('relay.code')}</label>
      <input
        id="relay-code"
        value={code}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => setCode(e.target.value)}
      />
      <button type="button" disabled={props.busy || code.trim() === ''} onClick={() => void signIn()}>
        {props.busy ? t('relay.signingIn') : t('relay.signIn')}
      </button>
    </section>
  );
}

/**
 * A relay store's **Link type**: **Lasting link** (default) or **Direct link**. Stored at once in
 * `storage.local`; the background reads it on every copy (lib/background/relay.ts).
 */
function RelayLinkTypeField(props: { storeId: string; storeName: string }) {
  const [type, setType] = useState<RelayLinkType | undefined>();
  const id = `relay-link-type-${props.storeId.replace(/[^a-z0-9-]/gi, '-')}`;
  useEffect(() => {
    void browser.storage.local
      .get(RELAY_LINK_TYPES_KEY)
      .then((got) => setType(relayLinkTypeOf(got[RELAY_LINK_TYPES_KEY], props.storeId)));
  }, [props.storeId]);

  async function choose(value: string) {
    const next = relayLinkTypeSchema.safeParse(value);
    if (!next.success) return;
    setType(next.data);
    const got = await browser.storage.local.get(RELAY_LINK_TYPES_KEY);
    await browser.storage.local.set({
      [RELAY_LINK_TYPES_KEY]: withRelayLinkType(got[RELAY_LINK_TYPES_KEY], props.storeId, next.data),
    });
  }

  return (
    <fieldset className="relay-link-type">
      <legend>{props.storeName}</legend>
      <label htmlFor={id}>{t('options.linkType')}</label>
      <select
        id={id}
        value={type ?? 'lasting'}
        disabled={type === undefined}
        aria-describedby={`${id}-hint`}
        onChange={(e) => void choose(e.target.value)}
      >
        <option value="lasting">{t('relay.linkTypeLasting')}</option>
        <option value="direct">{t('relay.linkTypeDirect')}</option>
      </select>
      <p className="hint" id={`${id}-hint`}>
        {type === 'direct' ? t('relay.linkTypeDirectHint') : t('relay.linkTypeLastingHint')}
      </p>
    </fieldset>
  );
}
