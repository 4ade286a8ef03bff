// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { guardClick } from '../../lib/content/clickable';
import { type HelpdeskRuntime, type RuntimeOptions, startHelpdesk } from '../../lib/content/runtime';
import { COPY_MEASURE, DETECT_MEASURE } from '../../lib/helpdesks/detected';
import { gorgias } from '../../lib/helpdesks/gorgias';
import type { GetJson, Helpdesk } from '../../lib/helpdesks/types';
import { zendesk } from '../../lib/helpdesks/zendesk';
import { formatExpiry } from '../../lib/shared/expiry';
import type { CopyResult, Reply, Request } from '../../lib/shared/protocol';
import {
  BOB_G,
  GORGIAS_TICKETS,
  type GorgiasTicket,
  gorgiasDetailHtml,
  gorgiasTicketJson,
  JANE_G,
} from '../fixtures/helpdesk/gorgias';
import {
  BOB,
  CARLOS,
  changeZendeskRequester,
  JANE,
  ZENDESK_TICKETS,
  ZENDESK_USERS,
  type ZendeskTicket,
  type ZendeskUser,
  zendeskTicketHtml,
  zendeskTicketJson,
  zendeskUserJson,
} from '../fixtures/helpdesk/zendesk';
import { shadowOf } from './dom';
import { sendVia } from './helpers';

// The on-demand half of the in-page UI (menu, toast), imported here rather than from the extension's URL.
vi.mock('../../lib/content/load', async () => {
  const { startOnDemand } = await import('../../lib/content/on-demand');
  return { loadOnDemand: async () => startOnDemand() };
});

const SETTLE = 5;
const ORIGIN = 'https://acme.zendesk.com';
const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE * 6));
const ticket = (id: number) => ZENDESK_TICKETS[id] as ZendeskTicket;

function setUrl(path: string) {
  (globalThis as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${ORIGIN}${path}`);
}

function render(active: number, mounted: number[] = [101, 102, 103]) {
  const ids = [...new Set([...mounted, active])];
  document.body.innerHTML = `<main id="main_panes">${ids.map((id) => zendeskTicketHtml(ticket(id), { active: id === active })).join('')}</main>`;
}

/** Requesters saved on tickets after an agent changed them (what the API then says). */
const saved = new Map<number, ZendeskUser>();

/** The fixture API: 200 with the ticket JSON (and the users API), or the ticket's refusal. */
const fixtureApi: GetJson = async (path) => {
  const user = /^\/api\/v2\/users\/(\d+)\.json$/.exec(path);
  if (user) {
    const found = ZENDESK_USERS.find((u) => String(u.id) === user[1]);
    return found ? { status: 200, body: { user: zendeskUserJson(found) } } : { status: 404, body: {} };
  }
  const id = Number(/tickets\/(\d+)/.exec(path)?.[1]);
  const t = ZENDESK_TICKETS[id];
  if (!t || (t.api && t.api !== 200)) return { status: t?.api ?? 404, body: { error: 'x' } };
  return { status: 200, body: zendeskTicketJson(t, saved.get(id)) };
};

const copied = (expiresAt = Date.now() + 3_600_000): Reply<CopyResult> & { ok: true } => ({
  ok: true,
  url: 'https://acme-shop.myshopify.com/tools/recurring/customer_portal?token=t',
  expiresAt,
  cached: false,
  customer: JANE.email as string,
});

/** What `get-actions` says about the store (a test sets it to false for "no store set up"). */
let actionsReady = true;

interface Started {
  runtime: HelpdeskRuntime;
  controller: AbortController;
  send: ReturnType<typeof vi.fn<(request: Request) => Promise<Reply<CopyResult>>>>;
  navigate(path: string): void;
}

function start(helpdesk: Helpdesk = zendesk, overrides: Partial<RuntimeOptions> = {}): Started {
  const controller = new AbortController();
  const send = vi.fn(async (_request: Request) => copied());
  let listener: ((url: URL) => void) | undefined;
  const runtime = startHelpdesk(helpdesk, {
    signal: controller.signal,
    onLocationChange: (l) => {
      listener = l;
    },
    getJson: fixtureApi,
    // The set-up check (`get-actions`, on the first ticket) answers "a store is set up"; everything else is `send`'s.
    send: sendVia(async (request) =>
      request.type === 'get-actions' ? { ok: true, canEmail: true, ready: actionsReady } : send(request),
    ),
    settleMs: SETTLE,
    // happy-dom has no layout: the clickjacking guard has its own tests below.
    judgeClick: () => undefined,
    ...overrides,
  });
  return {
    runtime,
    controller,
    send,
    navigate(path) {
      setUrl(path);
      listener?.(new URL(`${ORIGIN}${path}`));
    },
  };
}

const buttons = () => document.querySelectorAll('[data-portal-link="button"]');
const button = () => shadowOf(buttons()[0])?.querySelector('button') as HTMLButtonElement | undefined;
const toastText = (role: 'status' | 'alert') =>
  shadowOf(document.querySelector('[data-portal-link="toast"]'))?.querySelector(`[role="${role}"]`)?.textContent ?? '';
const paneOfButton = () =>
  /^ticket-(\d+)-custom-layout$/.exec(
    buttons()[0]?.closest('.ticket-panes-grid-layout')?.getAttribute('data-test-id') ?? '',
  )?.[1];
const requesterField = (id: number) =>
  document.querySelector(
    `[data-test-id="ticket-${id}-custom-layout"] [data-test-id="ticket-system-field-requester-select"]`,
  );

let started: Started | undefined;

beforeEach(() => {
  fakeBrowser.reset();
  setUrl('/agent/tickets/101');
  render(101);
});

afterEach(() => {
  saved.clear();
  started?.controller.abort();
  started = undefined;
  document.body.innerHTML = '';
});

describe('content runtime: the button', () => {
  it('is placed as the script starts (the page is idle by then), not one settle later', () => {
    started = start();
    expect(buttons()).toHaveLength(1);
    expect(paneOfButton()).toBe('101');
  });

  it('sits right after the requester field of the ticket in the URL, once', async () => {
    started = start();
    await settle();
    expect(buttons()).toHaveLength(1);
    expect(paneOfButton()).toBe('101');
    expect(buttons()[0]?.previousElementSibling?.getAttribute('data-test-id')).toBe(
      'ticket-system-field-requester-select',
    );
    expect(button()?.textContent).toBe('Copy portal link');
  });

  it('click → busy → copies the requester (email and name, no helpdesk id) → toast with the expiry', async () => {
    started = start();
    await settle();
    const expiresAt = new Date(2030, 0, 2, 16, 42).getTime();
    let release: (reply: Reply<CopyResult>) => void = () => undefined;
    started.send.mockImplementation(() => new Promise((resolve) => (release = resolve)));
    button()?.click();
    await vi.waitFor(() => expect(started?.send).toHaveBeenCalled());
    expect(button()?.getAttribute('aria-busy')).toBe('true');
    expect(button()?.disabled).toBe(true);
    release(copied(expiresAt));
    await vi.waitFor(() =>
      expect(toastText('status')).toBe(`Portal link for ${JANE.email} copied · expires 2 Jan 16:42`),
    );
    expect(started.send).toHaveBeenCalledWith({
      type: 'copy-link',
      customer: { email: JANE.email, name: JANE.name },
    });
    expect(button()?.getAttribute('aria-busy')).toBe('false');
  });

  it('an error reply shows the agent-facing message as an alert', async () => {
    started = start();
    started.send.mockResolvedValue({
      ok: false,
      error: { code: 'key-rejected', message: 'Appstle rejected the API key. Check the key in Settings.' },
    });
    await settle();
    button()?.click();
    await vi.waitFor(() => expect(toastText('alert')).toBe('Appstle rejected the API key. Check the key in Settings.'));
    expect(toastText('status')).toBe('');
  });

  it('text is never parsed as HTML', async () => {
    started = start();
    const hostile = '<img src=x onerror="alert(1)"> rejected';
    started.send.mockResolvedValue({ ok: false, error: { code: 'internal', message: hostile } });
    await settle();
    button()?.click();
    await vi.waitFor(() => expect(toastText('alert')).toBe(hostile));
    const toastRoot = shadowOf(document.querySelector('[data-portal-link="toast"]'));
    expect(toastRoot?.querySelector('img')).toBeNull();
  });

  it('API refused (403): the customer panel of the ticket’s layout is read', async () => {
    setUrl('/agent/tickets/104');
    render(104);
    started = start();
    await settle();
    expect(await started.runtime.customer()).toMatchObject({ email: JANE.email, source: 'page' });
    button()?.click();
    await vi.waitFor(() =>
      expect(started?.send).toHaveBeenCalledWith(
        expect.objectContaining({ customer: expect.objectContaining({ email: JANE.email }) }),
      ),
    );
  });

  it('API refused and the customer panel not rendered (its tab closed): no customer, not a CC or comment', async () => {
    setUrl('/agent/tickets/103');
    render(103);
    started = start();
    await settle();
    expect(await started.runtime.customer()).toBeUndefined();
  });

  it('no requester field: pinned, and its tooltip says where it belongs', async () => {
    requesterField(101)?.remove();
    started = start();
    await settle();
    expect(buttons()[0]?.getAttribute('data-pinned')).toBe('');
    expect(button()?.title).toBe(
      'Copy this customer’s subscription portal link. This button belongs next to the Requester field, which isn’t on this ticket.',
    );
    expect(await started.runtime.customer()).toMatchObject({ email: JANE.email });
  });

  it('a requester without an email: names them and says what to do, sends nothing', async () => {
    setUrl('/agent/tickets/105');
    render(105);
    started = start();
    await settle();
    button()?.click();
    await vi.waitFor(() =>
      expect(toastText('alert')).toBe(
        'Carlos Phone has no email on this ticket. Type their email or customer ID in the Portal Link popup.',
      ),
    );
    expect(started.send).not.toHaveBeenCalled();
  });

  it('API refused and no customer panel open: says that opening the Customer panel fixes it', async () => {
    setUrl('/agent/tickets/103');
    render(103);
    started = start();
    await settle();
    button()?.click();
    await vi.waitFor(() =>
      expect(toastText('alert')).toBe(
        'Portal Link can’t read this ticket’s requester. Open the Customer panel on the right, then try again.',
      ),
    );
    expect(started.send).not.toHaveBeenCalled();
  });

  it('no store set up: the button says Finish set-up and a click opens the settings page, copying nothing', async () => {
    actionsReady = false;
    try {
      started = start();
      await settle();
      expect(button()?.getAttribute('aria-label')).toBe('Finish set-up');
      button()?.click();
      await vi.waitFor(() => expect(started?.send).toHaveBeenCalledWith({ type: 'open-settings' }));
      expect(started.send).toHaveBeenCalledTimes(1);
    } finally {
      actionsReady = true;
    }
  });

  it('a key the settings page fixes: the alert carries Open settings', async () => {
    started = start();
    await settle();
    started.send.mockResolvedValueOnce({
      ok: false,
      error: { code: 'key-rejected', message: 'Appstle rejected the API key. Check the key in Settings.' },
    });
    button()?.click();
    await vi.waitFor(() => expect(toastText('alert')).toMatch(/Check the key in Settings/));
    const toastRoot = shadowOf(document.querySelector('[data-portal-link="toast"]'));
    const open = [...(toastRoot?.querySelectorAll('button') ?? [])].find((b) => b.textContent === 'Open settings');
    open?.click();
    await vi.waitFor(() => expect(started?.send).toHaveBeenLastCalledWith({ type: 'open-settings' }));
  });

  it('records the detection cost in the Performance timeline (latest entry only)', async () => {
    performance.clearMeasures(DETECT_MEASURE);
    started = start();
    await settle();
    expect(await started.runtime.customer()).toMatchObject({ email: JANE.email });
    started.navigate('/agent/tickets/102');
    await settle();
    buttons()[0]?.dispatchEvent(new Event('pointerover'));
    await settle();
    const entries = performance.getEntriesByName(DETECT_MEASURE);
    expect(entries).toHaveLength(1);
    expect((entries[0] as PerformanceMeasure).detail).toEqual({ helpdesk: 'zendesk', ticketId: '102', source: 'api' });
  });

  it('records each copy (click → copied) with the provider’s share, for the benchmark’s overhead figure', async () => {
    performance.clearMeasures(COPY_MEASURE);
    started = start();
    await settle();
    started.send.mockResolvedValue({ ...copied(), providerMs: 6.4 });
    expect(await started.runtime.copy()).toBe(true);
    started.send.mockResolvedValue({ ...copied(), cached: true, providerMs: 0 });
    expect(await started.runtime.copy()).toBe(true);
    const entries = performance.getEntriesByName(COPY_MEASURE) as PerformanceMeasure[];
    expect(entries.map((e) => e.detail)).toEqual([{ cached: true, providerMs: 0 }]); // the latest only
    expect(entries[0]?.duration).toBeGreaterThanOrEqual(0);
  });
});

describe('content runtime: the requester is looked up when first needed', () => {
  /** The ticket API paths asked so far. */
  const asked: string[] = [];
  const countingApi: GetJson = async (path) => {
    asked.push(path);
    return fixtureApi(path);
  };
  beforeEach(() => {
    asked.length = 0;
  });

  it('opening a ticket asks the API nothing; the pointer reaching the button asks once', async () => {
    started = start(zendesk, { getJson: countingApi });
    await settle();
    expect(buttons()).toHaveLength(1);
    expect(asked).toEqual([]);
    buttons()[0]?.dispatchEvent(new Event('pointerover'));
    buttons()[0]?.dispatchEvent(new Event('pointerover'));
    await vi.waitFor(() => expect(asked).toEqual(['/api/v2/tickets/101.json?include=users']));
    await settle();
    started.send.mockClear();
    button()?.click();
    await vi.waitFor(() => expect(toastText('status')).toMatch(/Portal link for/));
    expect(started.send.mock.calls[0]?.[0]).toMatchObject({ type: 'copy-link', customer: { email: JANE.email } });
    expect(asked).toHaveLength(1);
  });

  it('keyboard focus reaching the button asks too, for the ticket now on screen', async () => {
    started = start(zendesk, { getJson: countingApi });
    await settle();
    started.navigate('/agent/tickets/102');
    await settle();
    expect(asked).toEqual([]);
    buttons()[0]?.dispatchEvent(new FocusEvent('focusin'));
    await vi.waitFor(() => expect(asked).toEqual(['/api/v2/tickets/102.json?include=users']));
  });

  it('a click with no reach before it (a script-free path: the shortcut, the popup) asks then', async () => {
    started = start(zendesk, { getJson: countingApi });
    await settle();
    expect(asked).toEqual([]);
    expect(await started.runtime.customer()).toMatchObject({ email: JANE.email, source: 'api' });
    expect(await started.runtime.copy()).toBe(true);
    expect(asked).toEqual(['/api/v2/tickets/101.json?include=users']);
  });
});

describe('content runtime: navigation', () => {
  it('follows the ticket in the URL; one button throughout; none off a ticket', async () => {
    started = start();
    await settle();
    started.navigate('/agent/tickets/102'); // a mounted, hidden tab becomes active
    for (const layout of document.querySelectorAll<HTMLElement>('.ticket-panes-grid-layout')) {
      layout.style.display = layout.getAttribute('data-test-id') === 'ticket-102-custom-layout' ? 'grid' : 'none';
    }
    await settle();
    expect(buttons()).toHaveLength(1);
    expect(paneOfButton()).toBe('102');
    expect(await started.runtime.customer()).toMatchObject({ email: BOB.email });

    started.navigate('/agent/tickets/104'); // a layout rendered later
    await settle();
    expect(buttons()).toHaveLength(1);
    expect(buttons()[0]?.getAttribute('data-pinned')).toBe(''); // no anchor yet
    document
      .getElementById('main_panes')
      ?.insertAdjacentHTML('beforeend', zendeskTicketHtml(ticket(104), { active: true }));
    await settle();
    expect(buttons()).toHaveLength(1);
    expect(paneOfButton()).toBe('104');
    expect(await started.runtime.customer()).toMatchObject({ email: JANE.email, source: 'page' });

    started.navigate('/agent/dashboard');
    await settle();
    expect(buttons()).toHaveLength(0);
  });

  it('puts the button back when the page re-renders over it', async () => {
    started = start();
    await settle();
    buttons()[0]?.remove();
    await settle();
    expect(buttons()).toHaveLength(1);
    const field = requesterField(101);
    field?.replaceWith(field.cloneNode(true));
    await settle();
    expect(buttons()).toHaveLength(1);
    expect(buttons()[0]?.previousElementSibling?.getAttribute('data-test-id')).toBe(
      'ticket-system-field-requester-select',
    );
  });

  it('coalesces a burst of 10,000 mutations into one cheap check', async () => {
    const anchor = vi.fn(zendesk.anchor);
    started = start({ ...zendesk, anchor });
    await settle();
    const calls = anchor.mock.calls.length;
    const log = document.querySelector('[data-side-conversations-anchor-id="101"] [data-test-id="omni-log-container"]');
    for (let i = 0; i < 10_000; i++) log?.append(document.createElement('span'));
    await settle();
    // The button is still in place: no look-up of the page at all.
    expect(anchor.mock.calls.length).toBe(calls);
    expect(buttons()).toHaveLength(1);
  });

  it('once settled, a busy conversation does not even schedule a check (only the button’s ancestors are watched)', async () => {
    started = start();
    await settle();
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const log = document.querySelector('[data-side-conversations-anchor-id="101"] [data-test-id="omni-log-container"]');
    for (let i = 0; i < 1_000; i++) log?.append(document.createElement('span'));
    await Promise.resolve();
    expect(timers).not.toHaveBeenCalled();
    document.getElementById('main_panes')?.append(document.createElement('div')); // an ancestor's child list
    await Promise.resolve();
    expect(timers).toHaveBeenCalledTimes(1);
    timers.mockRestore();
    await settle();
    expect(buttons()).toHaveLength(1);
  });

  it('removes what an earlier copy of the content script left behind', async () => {
    const stale = document.createElement('span');
    stale.setAttribute('data-portal-link', 'button');
    document.body.append(stale);
    started = start();
    await settle();
    expect(stale.isConnected).toBe(false);
    expect(buttons()).toHaveLength(1);
  });
});

describe('content runtime: the requester changed on the open ticket', () => {
  it('saved (the API follows): the next copy and the popup use the new requester, never the old', async () => {
    started = start();
    await settle();
    expect(await started.runtime.customer()).toMatchObject({ email: JANE.email });
    saved.set(101, BOB);
    changeZendeskRequester(document, ticket(101), BOB);
    await settle();
    expect(buttons()).toHaveLength(1);
    expect(await started.runtime.customer()).toMatchObject({ email: BOB.email, name: BOB.name, source: 'api' });
    button()?.click();
    await vi.waitFor(() => expect(started?.send).toHaveBeenCalled());
    expect(started.send).toHaveBeenLastCalledWith({
      type: 'copy-link',
      customer: { email: BOB.email, name: BOB.name },
    });
  });

  it('a copy right after the change (before any mutation check) already uses the new requester', async () => {
    started = start({ ...zendesk }, { settleMs: 60_000 });
    await vi.waitFor(async () => expect(await started?.runtime.customer()).toMatchObject({ email: JANE.email }));
    saved.set(101, BOB);
    changeZendeskRequester(document, ticket(101), BOB);
    expect(await started.runtime.customer()).toMatchObject({ email: BOB.email });
  });

  it('not saved yet (the API still names the old one): the ticket’s panel, which shows the new one', async () => {
    started = start();
    await settle();
    changeZendeskRequester(document, ticket(101), BOB);
    await settle();
    expect(await started.runtime.customer()).toMatchObject({ email: BOB.email, source: 'page' });
  });

  it('not saved and no panel: no customer rather than the old one', async () => {
    started = start();
    await settle();
    changeZendeskRequester(document, ticket(101), CARLOS);
    document.querySelector('[data-test-id="ticket-101-custom-layout"] .component-type-ContextPanel')?.replaceChildren();
    await settle();
    expect(await started.runtime.customer()).toBeUndefined();
    button()?.click();
    await vi.waitFor(() => expect(toastText('alert')).toMatch(/^No customer detected on this page/));
    expect(started.send).not.toHaveBeenCalled();
  });

  it('is noticed without polling: no timer runs while nothing changes', async () => {
    started = start();
    await settle();
    const timers = vi.spyOn(globalThis, 'setTimeout');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(timers).toHaveBeenCalledTimes(1); // this test's own wait
    timers.mockRestore();
  });
});

describe('content runtime: Gorgias, whose page shows one ticket at a time', () => {
  const gTicket = (id: number) => GORGIAS_TICKETS[id] as GorgiasTicket;
  const apiCalls: string[] = [];
  const gorgiasApi: GetJson = async (path) => {
    apiCalls.push(path);
    const t = GORGIAS_TICKETS[Number(/^\/api\/tickets\/(\d+)$/.exec(path)?.[1])];
    if (!t || (t.api && t.api !== 200)) return { status: t?.api ?? 404, body: {} };
    return { status: 200, body: gorgiasTicketJson(t) };
  };
  const showDetail = (id: number) => {
    (document.getElementById('detail') as HTMLElement).innerHTML = gorgiasDetailHtml(gTicket(id));
  };

  beforeEach(() => {
    apiCalls.length = 0;
    setUrl('/app/ticket/202');
    document.body.innerHTML = '<div id="detail"></div>';
    showDetail(202);
  });

  it('API refused right after navigating, the previous ticket still on screen: not its customer', async () => {
    started = start(gorgias, { getJson: gorgiasApi });
    await vi.waitFor(async () => expect(await started?.runtime.customer()).toMatchObject({ email: JANE_G.email }));
    started.navigate('/app/ticket/204'); // API 404; the detail hasn't re-rendered yet
    expect(await started.runtime.customer()).toBeUndefined();
    showDetail(204);
    expect(await started.runtime.customer()).toMatchObject({ email: BOB_G.email, source: 'page' });
  });

  it('API found while the previous ticket is still on screen: the API’s customer, one request', async () => {
    started = start(gorgias, { getJson: gorgiasApi });
    await settle();
    started.navigate('/app/ticket/203');
    expect(await started.runtime.customer()).toMatchObject({ email: BOB_G.email, source: 'api' });
    showDetail(203);
    await settle();
    expect(await started.runtime.customer()).toMatchObject({ email: BOB_G.email, source: 'api' });
    expect(apiCalls.filter((p) => p === '/api/tickets/203')).toHaveLength(1);
  });

  it('the customer switched on the ticket (saved at once): the next answer is the new one', async () => {
    started = start(gorgias, { getJson: gorgiasApi });
    await settle();
    expect(await started.runtime.customer()).toMatchObject({ email: JANE_G.email });
    const switched = { ...gTicket(202), customer: BOB_G };
    GORGIAS_TICKETS[202] = switched;
    try {
      (document.getElementById('detail') as HTMLElement).innerHTML = gorgiasDetailHtml(switched);
      await settle();
      expect(await started.runtime.customer()).toMatchObject({ email: BOB_G.email, source: 'api' });
    } finally {
      GORGIAS_TICKETS[202] = { ...switched, customer: JANE_G };
    }
  });
});

describe('content runtime: invalidation', () => {
  it('takes the UI, observer and listener away quietly', async () => {
    started = start();
    await settle();
    expect(fakeBrowser.runtime.onMessage.hasListeners()).toBe(true);
    started.controller.abort();
    expect(document.querySelectorAll('[data-portal-link]')).toHaveLength(0);
    expect(fakeBrowser.runtime.onMessage.hasListeners()).toBe(false);
    // The page keeps changing and navigating: nothing comes back.
    document.getElementById('main_panes')?.append(document.createElement('div'));
    started.navigate('/agent/tickets/102');
    await settle();
    expect(document.querySelectorAll('[data-portal-link]')).toHaveLength(0);
    expect(await started.runtime.copy()).toBe(false);
    expect(started.send).not.toHaveBeenCalled();
  });

  it('orphaned by an update (runtime.id gone): the next mutation or click removes the UI quietly', async () => {
    started = start();
    await settle();
    const runtime = fakeBrowser.runtime as { id?: string };
    const id = runtime.id;
    try {
      runtime.id = undefined;
      buttons()[0]?.parentElement?.append(document.createElement('i'));
      await settle();
      expect(document.querySelectorAll('[data-portal-link]')).toHaveLength(0);
      expect(await started.runtime.copy()).toBe(false);
      expect(started.send).not.toHaveBeenCalled();
    } finally {
      runtime.id = id;
    }
  });

  it('orphaned: the tab coming back into view, or the pointer reaching the button, removes the UI', async () => {
    const runtime = fakeBrowser.runtime as { id?: string };
    const id = runtime.id;
    for (const wake of [
      () => document.dispatchEvent(new Event('visibilitychange')),
      () => window.dispatchEvent(new Event('focus')),
      () => buttons()[0]?.dispatchEvent(new Event('pointerover')),
    ]) {
      started?.controller.abort();
      started = start();
      await settle();
      expect(buttons()).toHaveLength(1);
      try {
        runtime.id = undefined;
        wake();
        expect(document.querySelectorAll('[data-portal-link]')).toHaveLength(0);
      } finally {
        runtime.id = id;
      }
    }
    expect(started?.send).not.toHaveBeenCalled();
  });

  it('a click the page scripted is ignored; a covered button says so and sends nothing', async () => {
    const verdicts: ('ignore' | 'covered' | 'transparent')[] = ['ignore', 'covered', 'transparent'];
    let verdict = verdicts[0];
    started = start(zendesk, { judgeClick: () => verdict });
    await settle();
    for (verdict of verdicts) {
      button()?.click();
      await settle();
      expect(toastText('alert')).toEqual(
        verdict === 'ignore' ? '' : expect.stringMatching(/^The Copy portal link button is covered/),
      );
    }
    expect(started.send).not.toHaveBeenCalled();
  });

  it('the default guard ignores untrusted clicks (a script calling click())', async () => {
    started = start(zendesk, { judgeClick: guardClick });
    await settle();
    button()?.click();
    button()?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await settle();
    expect(started.send).not.toHaveBeenCalled();
    expect(toastText('alert')).toBe('');
  });

  it('an already invalid context starts nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    startHelpdesk(zendesk, {
      signal: controller.signal,
      onLocationChange: () => undefined,
      getJson: fixtureApi,
      settleMs: SETTLE,
    });
    await settle();
    expect(buttons()).toHaveLength(0);
  });
});

describe('content runtime: messages from the extension', () => {
  async function ask(message: unknown, sender: { id?: string } = { id: fakeBrowser.runtime.id }) {
    let reply: unknown = 'no reply';
    await fakeBrowser.runtime.onMessage.trigger(message, sender, (r: unknown) => {
      reply = r;
    });
    await settle();
    return reply;
  }

  it('tells the popup the detected customer', async () => {
    started = start();
    expect(await ask({ type: 'get-detected-customer' })).toEqual({
      helpdesk: 'zendesk',
      ticketId: '101',
      name: JANE.name,
      email: JANE.email,
      source: 'api',
    });
  });

  it('copies on the shortcut’s request and says it handled it', async () => {
    started = start();
    await settle();
    expect(await ask({ type: 'copy-detected-link' })).toEqual({
      handled: true,
      ok: true,
      message: `Portal link for ${JANE.email} copied · ${formatExpiry(Date.now() + 3_600_000)}`,
    });
    expect(toastText('status')).toMatch(/^Portal link for jane@example\.com copied/);
  });

  it('off a ticket: the shortcut gets the no-customer toast; the popup gets null', async () => {
    setUrl('/agent/dashboard');
    started = start();
    expect(await ask({ type: 'copy-detected-link' })).toMatchObject({
      handled: true,
      ok: false,
      message: expect.stringMatching(/^No customer detected/),
    });
    expect(toastText('alert')).toMatch(/^No customer detected on this page/);
    expect(await ask({ type: 'get-detected-customer' })).toBeNull();
  });

  it.each([
    ['another extension', { type: 'copy-detected-link' }, { id: 'someone-else' }],
    ['no sender id', { type: 'get-detected-customer' }, {}],
    ['an unknown message', { type: 'copy-link', customer: 'x' }, undefined],
    ['not an object', 'copy-detected-link', undefined],
  ])('ignores %s', async (_name, message, sender) => {
    started = start();
    await settle();
    expect(await ask(message, sender)).toBe('no reply');
    expect(started.send).not.toHaveBeenCalled();
  });
});
