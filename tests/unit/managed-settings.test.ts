import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { providerList, storeSchema } from '../../lib/providers/registry';
import {
  localPart,
  type ManagedState,
  managedReader,
  mergeManaged,
  NO_POLICY,
  POLICY_PENDING,
  parseManaged,
  readManaged,
} from '../../lib/settings/managed';
import { maskKey, type Settings, toView } from '../../lib/settings/schema';
import { resolveStore } from '../../lib/settings/store-resolution';
import { APPSTLE_KEY, appstleStore, GIGSTACK_KEY, gigstackStore, ownSettings } from './helpers';

const MANAGED_KEY = 'apst_live_MANAGED_SECRET_99f1';
const rawManagedStore = (overrides: Record<string, unknown> = {}) => ({
  id: 'hq',
  name: 'HQ brand',
  provider: 'appstle',
  apiKey: MANAGED_KEY,
  storeDomain: 'hq.myshopify.com',
  helpdeskHosts: ['hq.zendesk.com'],
  ...overrides,
});
const valid = (raw: unknown): ManagedState => {
  const state = parseManaged(raw);
  if (state.kind !== 'valid') throw new Error(`expected a valid policy, got ${state.kind}`);
  return state;
};

const local: Settings = {
  stores: [
    appstleStore({ id: 'a', name: 'Acme', helpdeskHosts: ['acme.zendesk.com', 'hq.zendesk.com'] }),
    gigstackStore({ id: 'b', name: 'Beta', helpdeskHosts: ['beta.zendesk.com'] }),
  ],
  defaultStoreId: 'b',
};

describe('parseManaged', () => {
  it.each<[string, unknown]>([
    ['nothing (Chrome without policy)', {}],
    ['null', null],
    ['a string', 'stores'],
    ['only unrelated policies', { SomethingElse: true }],
  ])('%s → no policy', (_label, raw) => {
    expect(parseManaged(raw)).toEqual(NO_POLICY);
  });

  it('a valid policy: stores normalised by the same schema as the agent’s', () => {
    const state = parseManaged({
      stores: [
        rawManagedStore({ helpdeskHosts: [' HQ.Zendesk.com '] }),
        { ...rawManagedStore({ id: 'mx' }), provider: 'gigstack', helpdeskHosts: [] },
      ],
      defaultStoreId: 'mx',
    });
    expect(state.kind).toBe('valid');
    if (state.kind !== 'valid') return;
    expect(state.settings.defaultStoreId).toBe('mx');
    expect(state.settings.stores[0]).toEqual(storeSchema.parse(rawManagedStore({ helpdeskHosts: ['hq.zendesk.com'] })));
    expect(state.settings.stores[1]?.provider).toBe('gigstack');
  });

  it('a policy with only a default store is valid', () => {
    expect(parseManaged({ defaultStoreId: 'b' })).toEqual({
      kind: 'valid',
      settings: { stores: [], defaultStoreId: 'b' },
    });
  });

  it.each<[string, unknown]>([
    ['stores not an array', { stores: { id: 'x' } }],
    ['an unknown provider', { stores: [rawManagedStore({ provider: 'recharge' })] }],
    ['a store without a key', { stores: [rawManagedStore({ apiKey: '' })] }],
    ['a store without a name', { stores: [rawManagedStore({ name: '' })] }],
    ['a bad helpdesk host', { stores: [rawManagedStore({ helpdeskHosts: ['https://acme.zendesk.com/'] })] }],
    ['a non-https template', { stores: [rawManagedStore({ portalUrlTemplate: 'http://x/{token}' })] }],
    ['duplicate ids', { stores: [rawManagedStore(), rawManagedStore({ helpdeskHosts: [] })] }],
    [
      'a host in two managed stores',
      { stores: [rawManagedStore(), rawManagedStore({ id: 'other', helpdeskHosts: ['hq.zendesk.com'] })] },
    ],
    ['an empty default id', { stores: [rawManagedStore()], defaultStoreId: '' }],
    ['one good and one bad store (the whole policy is ignored)', { stores: [rawManagedStore(), { id: 'x' }] }],
  ])('%s → invalid, ignored whole', (_label, raw) => {
    expect(parseManaged(raw)).toEqual({ kind: 'invalid' });
  });
});

describe('readManaged', () => {
  it('reads the whole area', async () => {
    const state = await readManaged({ get: async () => ({ stores: [rawManagedStore()] }) });
    expect(state.kind).toBe('valid');
  });

  it.each<[string, Parameters<typeof readManaged>[0]]>([
    ['no managed area (some browsers)', undefined],
    [
      'Firefox without a policy: get() rejects',
      { get: async () => Promise.reject(new Error('Managed storage manifest not found')) },
    ],
    [
      'get() throws synchronously',
      {
        get: () => {
          throw new Error('boom');
        },
      },
    ],
  ])('%s → no policy', async (_label, area) => {
    expect(await readManaged(area)).toEqual(NO_POLICY);
  });
});

describe('managedReader (a slow storage.managed never holds a copy up)', () => {
  function slowArea() {
    const waiting: ((value: Record<string, unknown>) => void)[] = [];
    return {
      calls: () => waiting.length,
      answer: (value: Record<string, unknown>) => {
        for (const resolve of waiting.splice(0)) resolve(value);
      },
      get: () => new Promise<Record<string, unknown>>((resolve) => waiting.push(resolve)),
    };
  }
  // A sleep the test releases by hand.
  function manualSleep() {
    const sleepers: (() => void)[] = [];
    return {
      wake: () => {
        for (const wake of sleepers.splice(0)) wake();
      },
      sleep: () => new Promise<void>((r) => sleepers.push(r)),
    };
  }
  const policy = { stores: [rawManagedStore()] };

  it('answers with the policy when storage answers in time', async () => {
    const reader = managedReader({ get: async () => policy }, { timeoutMs: 1000 });
    expect((await reader.read()).kind).toBe('valid');
  });

  it('answers "pending" when storage is slow, then at once while it still is, then the policy', async () => {
    const area = slowArea();
    const clock = manualSleep();
    const reader = managedReader(area, { sleep: clock.sleep });
    const first = reader.read();
    await Promise.resolve();
    clock.wake();
    expect(await first).toEqual(POLICY_PENDING);
    expect(await reader.read()).toEqual(POLICY_PENDING); // no second wait, no second get()
    expect(area.calls()).toBe(1);
    area.answer(policy);
    await Promise.resolve();
    await Promise.resolve();
    const next = reader.read(); // a fresh get() now
    area.answer(policy);
    expect((await next).kind).toBe('valid');
  });

  it('a settings page waits briefly (then says pending), and the next copy still waits the full time', async () => {
    const area = slowArea();
    const waits: number[] = [];
    const sleepers: (() => void)[] = [];
    const reader = managedReader(area, {
      timeoutMs: 1500,
      sleep: (ms) =>
        new Promise<void>((r) => {
          waits.push(ms);
          sleepers.push(r);
        }),
    });
    const page = reader.read(300);
    await Promise.resolve();
    sleepers.shift()?.();
    expect(await page).toEqual(POLICY_PENDING);
    const copy = reader.read(); // not marked stalled by the page's short wait
    await Promise.resolve();
    expect(area.calls()).toBe(1); // one get() in flight for both
    area.answer({}); // it answers: no policy
    expect(await copy).toEqual(NO_POLICY);
    expect(waits).toEqual([300, 1500]);
  });

  it('after a slow start, a later slow read returns the last known policy', async () => {
    const area = slowArea();
    const clock = manualSleep();
    const reader = managedReader(area, { sleep: clock.sleep });
    const first = reader.read();
    area.answer(policy);
    expect((await first).kind).toBe('valid');
    const second = reader.read();
    await Promise.resolve();
    clock.wake();
    expect((await second).kind).toBe('valid');
  });
});

describe('managedReader once the policy is known', () => {
  const policy = { stores: [rawManagedStore()] };

  it('answers at once with the known policy while a stalled get() refreshes it', async () => {
    let calls = 0;
    let sleeps = 0;
    const never = new Promise<Record<string, unknown>>(() => undefined);
    const area = { get: () => (++calls === 1 ? Promise.resolve(policy) : never) };
    const reader = managedReader(area, {
      sleep: () => {
        sleeps++;
        return new Promise<void>(() => undefined);
      },
    });
    expect((await reader.read()).kind).toBe('valid');
    const sleepsAfterFirst = sleeps;
    expect((await reader.read()).kind).toBe('valid'); // would hang forever if it waited
    expect(sleeps).toBe(sleepsAfterFirst);
    expect(calls).toBe(2);
  });

  it('after changed(), the next read waits for the new policy', async () => {
    let current: Record<string, unknown> = policy;
    const reader = managedReader({ get: async () => current }, { timeoutMs: 1000 });
    expect((await reader.read()).kind).toBe('valid');
    current = {};
    reader.changed();
    expect(await reader.read()).toEqual(NO_POLICY);
  });

  it('a read begun before changed() does not write the old policy back', async () => {
    const answers: ((value: Record<string, unknown>) => void)[] = [];
    const area = { get: () => new Promise<Record<string, unknown>>((resolve) => answers.push(resolve)) };
    const reader = managedReader(area, { timeoutMs: 1000 });
    const first = reader.read();
    answers.shift()?.(policy);
    expect((await first).kind).toBe('valid');
    const refreshing = reader.read(); // served the known policy; a refresh get() is now in flight
    expect((await refreshing).kind).toBe('valid');
    reader.changed(); // the administrator removed the policy
    const next = reader.read(); // a new get(), begun after the change
    answers.shift()?.(policy); // the old refresh answers late, with the old policy
    answers.shift()?.({});
    expect(await next).toEqual(NO_POLICY);
    expect(await reader.read()).toEqual(NO_POLICY);
  });
});

describe('mergeManaged', () => {
  it('a policy not loaded yet → the agent’s settings, flagged pending', () => {
    expect(mergeManaged(local, POLICY_PENDING)).toEqual({ ...ownSettings(local), managedPending: true });
    expect(toView(mergeManaged(local, POLICY_PENDING)).managedPending).toBe(true);
  });

  it('no policy → the agent’s settings unchanged', () => {
    expect(mergeManaged(local, NO_POLICY)).toEqual(ownSettings(local));
  });

  it('an invalid policy → the agent’s settings, flagged', () => {
    expect(mergeManaged(local, { kind: 'invalid' })).toEqual({ ...ownSettings(local), managedInvalid: true });
  });

  it('managed stores come first and are flagged', () => {
    const merged = mergeManaged(local, valid({ stores: [rawManagedStore()] }));
    expect(merged.stores.map((s) => [s.id, s.keySource])).toEqual([
      ['hq', 'policy'],
      ['a', 'browser'],
      ['b', 'browser'],
    ]);
  });

  it('a managed store wins an id clash: the local store of that id is dropped', () => {
    const merged = mergeManaged(local, valid({ stores: [rawManagedStore({ id: 'a', helpdeskHosts: [] })] }));
    expect(merged.stores.map((s) => [s.id, s.name])).toEqual([
      ['a', 'HQ brand'],
      ['b', 'Beta'],
    ]);
    expect(merged.stores[0]).toMatchObject({ keySource: 'policy', apiKey: MANAGED_KEY });
  });

  it('a managed store wins a helpdesk host clash: the host is taken off the local store', () => {
    const merged = mergeManaged(local, valid({ stores: [rawManagedStore()] }));
    expect(merged.stores.find((s) => s.id === 'a')?.helpdeskHosts).toEqual(['acme.zendesk.com']);
    expect(resolveStore(merged, 'hq.zendesk.com')?.id).toBe('hq');
    expect(resolveStore(merged, 'acme.zendesk.com')?.id).toBe('a');
    expect(local.stores[0]?.helpdeskHosts).toEqual(['acme.zendesk.com', 'hq.zendesk.com']); // not mutated
  });

  it.each<[string, Settings, unknown, string | undefined, boolean]>([
    ['the administrator’s default wins', local, { stores: [rawManagedStore()], defaultStoreId: 'hq' }, 'hq', true],
    [
      'the administrator may make a local store the default',
      local,
      { stores: [rawManagedStore()], defaultStoreId: 'a' },
      'a',
      true,
    ],
    ['no managed default → the agent’s', local, { stores: [rawManagedStore()] }, 'b', false],
    [
      'a managed default naming no store → the agent’s',
      local,
      { stores: [rawManagedStore()], defaultStoreId: 'gone' },
      'b',
      false,
    ],
    [
      'no default anywhere → none (the first store, a managed one, is used)',
      { stores: local.stores },
      { stores: [rawManagedStore()] },
      undefined,
      false,
    ],
    [
      'the agent’s default was a store the administrator replaced → kept (same id)',
      { ...local, defaultStoreId: 'a' },
      { stores: [rawManagedStore({ id: 'a', helpdeskHosts: [] })] },
      'a',
      false,
    ],
  ])('%s', (_label, settings, raw, defaultStoreId, managedDefault) => {
    const merged = mergeManaged(settings, valid(raw));
    expect(merged.defaultStoreId).toBe(defaultStoreId);
    expect(merged.managedDefault ?? false).toBe(managedDefault);
  });

  it('with no default anywhere, the first managed store is the default', () => {
    const merged = mergeManaged({ stores: local.stores }, valid({ stores: [rawManagedStore()] }));
    expect(resolveStore(merged, 'unmapped.zendesk.com')?.id).toBe('hq');
  });

  it('the view of merged settings never carries a managed key, not even masked', () => {
    const view = toView(mergeManaged(local, valid({ stores: [rawManagedStore()] })));
    const hq = view.stores.find((s) => s.id === 'hq');
    expect(hq).toMatchObject({ keySource: 'policy', apiKeyMask: '' });
    expect(view.stores.find((s) => s.id === 'a')).toMatchObject({
      keySource: 'browser',
      apiKeyMask: maskKey(APPSTLE_KEY),
    });
    const text = JSON.stringify(view);
    for (const key of [MANAGED_KEY, APPSTLE_KEY, GIGSTACK_KEY, MANAGED_KEY.slice(-4)]) expect(text).not.toContain(key);
  });
});

describe('localPart (what the options page may save)', () => {
  const policy = valid({ stores: [rawManagedStore()] });

  it('no policy: everything is the agent’s', () => {
    expect(localPart(local, NO_POLICY)).toEqual({ ok: true, settings: local });
  });

  it('drops stores that carry a managed id', () => {
    const incoming: Settings = {
      stores: [appstleStore({ id: 'hq', helpdeskHosts: [] }), ...local.stores.slice(1)],
      defaultStoreId: 'hq',
    };
    expect(localPart(incoming, policy)).toEqual({
      ok: true,
      settings: { stores: local.stores.slice(1), defaultStoreId: 'hq' },
    });
  });

  it('refuses a local store claiming a managed helpdesk host, naming it', () => {
    expect(localPart(local, policy)).toEqual({ ok: false, host: 'hq.zendesk.com' });
  });
});

describe('public/managed_schema.json', () => {
  const schema = JSON.parse(readFileSync('public/managed_schema.json', 'utf8'));

  it('is what Chrome accepts at the top: an object of policies, no additionalProperties', () => {
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBeUndefined();
    expect(Object.keys(schema.properties).sort()).toEqual(['defaultStoreId', 'relayUrl', 'stores']);
  });

  it('describes every store field the settings schema knows, and nothing else', () => {
    const fields = Object.keys(schema.properties.stores.items.properties).sort();
    const known = new Set<string>();
    for (const p of providerList) for (const key of Object.keys(p.schema.shape)) known.add(key);
    expect(fields).toEqual([...known].sort());
  });

  it('lists exactly the providers the settings schema knows, and hides the key in chrome://policy', () => {
    const props = schema.properties.stores.items.properties;
    expect(props.provider.enum).toEqual(providerList.map((p) => p.id));
    expect(props.apiKey.sensitiveValue).toBe(true);
  });

  it('offers exactly the choices each provider field offers (Link type, Method, Send customer as)', () => {
    const props = schema.properties.stores.items.properties;
    const selects = providerList.flatMap((p) => p.fields.filter((f) => f.options));
    expect(selects.length).toBeGreaterThan(0);
    for (const field of selects)
      expect([field.key, props[field.key]?.enum]).toEqual([field.key, field.options?.map((o) => o.value)]);
  });

  it('a policy written to it validates with our parser', () => {
    expect(parseManaged({ stores: [rawManagedStore()], defaultStoreId: 'hq' }).kind).toBe('valid');
  });
});
