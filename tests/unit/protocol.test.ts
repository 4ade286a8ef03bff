import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_COPY, COMMAND_INSERT } from '../../lib/background/command';
import {
  BROADCASTS,
  classifySender,
  offscreenProtocol,
  parseRequest,
  protocolTable,
  runtimeProtocol,
  type SenderClass,
  type SenderLike,
  TAB_SENDERS,
} from '../../lib/shared/protocol';
import { appstleStore, gigstackStore } from './helpers';

const RUNTIME_ID = 'abcdefghijklmnopabcdefghijklmnop';
const EXT_ORIGIN = `chrome-extension://${RUNTIME_ID}`;
const FF_ID = 'portal-link@portal-link.app';
const FF_ORIGIN = 'moz-extension://0b6f6d2c-5c4e-4e0a-9b71-3a1b2c3d4e5f';

const tab = { id: 7, url: 'https://acme.zendesk.com/agent/tickets/1' };
const contentScript = (origin: string, extra: Partial<SenderLike> = {}): SenderLike => ({
  id: RUNTIME_ID,
  origin,
  url: `${origin}/agent/tickets/1`,
  tab,
  frameId: 0,
  ...extra,
});

describe('classifySender', () => {
  it.each<[string, SenderLike, SenderClass]>([
    // Extension pages
    [
      'the popup (Chrome, with origin)',
      { id: RUNTIME_ID, origin: EXT_ORIGIN, url: `${EXT_ORIGIN}/popup.html` },
      'extension-page',
    ],
    ['the popup (url only)', { id: RUNTIME_ID, url: `${EXT_ORIGIN}/popup.html` }, 'extension-page'],
    [
      'the options page in a tab',
      { id: RUNTIME_ID, url: `${EXT_ORIGIN}/options.html`, tab: { id: 3 }, frameId: 0 },
      'extension-page',
    ],
    ['the offscreen document', { id: RUNTIME_ID, url: `${EXT_ORIGIN}/offscreen.html` }, 'extension-page'],
    // Content scripts on helpdesks
    ['Zendesk content script', contentScript('https://acme.zendesk.com'), 'helpdesk-content-script'],
    ['Gorgias content script', contentScript('https://acme.gorgias.com'), 'helpdesk-content-script'],
    ['hyphen and digits in the subdomain', contentScript('https://acme-2.zendesk.com'), 'helpdesk-content-script'],
    ['upper-case origin', contentScript('https://ACME.Zendesk.com'), 'helpdesk-content-script'],
    [
      'url only (no origin)',
      { id: RUNTIME_ID, url: 'https://acme.zendesk.com/agent/tickets/1', tab, frameId: 0 },
      'helpdesk-content-script',
    ],
    ['explicit :443', contentScript('https://acme.zendesk.com:443'), 'helpdesk-content-script'],
    // Untrusted
    ['another extension', { id: 'zyxwvutsrqponmlkzyxwvutsrqponmlk', origin: EXT_ORIGIN }, 'untrusted'],
    ['no id', { origin: EXT_ORIGIN, url: `${EXT_ORIGIN}/popup.html` }, 'untrusted'],
    ['an empty id', { id: '', origin: EXT_ORIGIN }, 'untrusted'],
    ['our id but no origin or url', { id: RUNTIME_ID }, 'untrusted'],
    [
      'our id, another extension origin',
      { id: RUNTIME_ID, origin: 'chrome-extension://zyxwvutsrqponmlk' },
      'untrusted',
    ],
    ['another extension origin in a tab', contentScript('chrome-extension://zyxwvutsrqponmlk'), 'untrusted'],
    ['a helpdesk subframe', contentScript('https://acme.zendesk.com', { frameId: 3 }), 'untrusted'],
    [
      'a helpdesk sender without frameId',
      contentScript('https://acme.zendesk.com', { frameId: undefined }),
      'untrusted',
    ],
    ['a helpdesk sender without tab', contentScript('https://acme.zendesk.com', { tab: undefined }), 'untrusted'],
    ['plain http', contentScript('http://acme.zendesk.com'), 'untrusted'],
    ['another port', contentScript('https://acme.zendesk.com:8443'), 'untrusted'],
    ['an arbitrary site', contentScript('https://evil.example'), 'untrusted'],
    ['a look-alike suffix', contentScript('https://acme.zendesk.com.evil.example'), 'untrusted'],
    ['a look-alike hyphen', contentScript('https://acme-zendesk.com'), 'untrusted'],
    ['the bare helpdesk domain', contentScript('https://zendesk.com'), 'untrusted'],
    ['a nested subdomain', contentScript('https://a.b.zendesk.com'), 'untrusted'],
    ['a wrong TLD', contentScript('https://acme.zendesk.co'), 'untrusted'],
    ['another helpdesk brand', contentScript('https://acme.freshdesk.com'), 'untrusted'],
    ['a null origin (sandboxed frame)', contentScript('null'), 'untrusted'],
    [
      'origin says evil, url says helpdesk',
      contentScript('https://evil.example', { url: 'https://acme.zendesk.com/x' }),
      'untrusted',
    ],
    ['a garbage url', { id: RUNTIME_ID, url: 'not a url', tab, frameId: 0 }, 'untrusted'],
    ['a data: url', { id: RUNTIME_ID, url: 'data:text/html,hi', tab, frameId: 0 }, 'untrusted'],
    ['a file: url', { id: RUNTIME_ID, url: 'file:///tmp/acme.zendesk.com.html', tab, frameId: 0 }, 'untrusted'],
  ])('%s → %s', (_label, sender, expected) => {
    expect(classifySender(sender, RUNTIME_ID, EXT_ORIGIN)).toBe(expected);
  });

  it.each<[string, SenderLike, SenderClass]>([
    ['a Firefox extension page (url only)', { id: FF_ID, url: `${FF_ORIGIN}/popup.html` }, 'extension-page'],
    [
      'a Firefox content script',
      { id: FF_ID, url: 'https://acme.gorgias.com/app/ticket/1', tab, frameId: 0 },
      'helpdesk-content-script',
    ],
    ['another Firefox extension', { id: 'other@example.com', url: `${FF_ORIGIN}/popup.html` }, 'untrusted'],
  ])('%s → %s (extension origin with a trailing slash)', (_label, sender, expected) => {
    expect(classifySender(sender, FF_ID, `${FF_ORIGIN}/`)).toBe(expected);
  });

  it('an empty runtime id never matches an empty sender id', () => {
    expect(classifySender({ id: '', origin: EXT_ORIGIN }, '', EXT_ORIGIN)).toBe('untrusted');
    expect(classifySender({ origin: EXT_ORIGIN }, '', EXT_ORIGIN)).toBe('untrusted');
  });
});

describe('who may send what', () => {
  it('nothing is open to an untrusted sender; nothing that reads or changes settings is open to a content script', () => {
    const open = (cls: SenderClass) =>
      Object.entries(runtimeProtocol)
        .filter(([, spec]) => spec.from.includes(cls))
        .map(([type]) => type);
    expect(open('untrusted')).toEqual([]);
    const settingsTypes = ['get-settings', 'save-settings', 'test-connection', 'relay-sign-in', 'relay-sign-out'];
    expect(open('helpdesk-content-script').filter((type) => settingsTypes.includes(type))).toEqual([]);
  });
});

describe('parseRequest', () => {
  const settings = { stores: [appstleStore({ id: 'a' }), gigstackStore({ id: 'b' })], defaultStoreId: 'a' };

  it.each<[string, unknown]>([
    ['copy with typed text', { type: 'copy-link', customer: 'jane@example.com' }],
    ['copy with a store', { type: 'copy-link', customer: '12345', storeId: 'a' }],
    ['copy with a detected customer', { type: 'copy-link', customer: { id: '1', email: 'j@x.co', name: 'Jane' } }],
    ['copy with an empty detected customer', { type: 'copy-link', customer: {} }],
    ['copy with 1280 characters', { type: 'copy-link', customer: 'x'.repeat(1280) }],
    ['copy with an empty string', { type: 'copy-link', customer: '' }],
    ['copy with a 64-character store id', { type: 'copy-link', customer: 'x', storeId: 's'.repeat(64) }],
    // A relay store keeps the relay's own id (GET /v1/stores), up to the relay's limit of 64 characters.
    ...(['copy-link', 'email-link'] as const).map((type): [string, unknown] => [
      `${type} for a relay store whose id is at the relay's limit`,
      { type, customer: 'jane@example.com', storeId: 'r'.repeat(64) },
    ]),
    ['get-settings', { type: 'get-settings' }],
    ['save-settings', { type: 'save-settings', settings }],
    ['save-settings with no stores', { type: 'save-settings', settings: { stores: [] } }],
    ['test-connection with a store', { type: 'test-connection', store: appstleStore() }],
    ['test-connection with anything (checked later)', { type: 'test-connection', store: 42 }],
  ])('accepts %s', (_label, message) => {
    expect(parseRequest(message) !== undefined).toBe(true);
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'copy-link'],
    ['a number', 1],
    ['an array', [{ type: 'get-settings' }]],
    ['no type', { customer: 'x' }],
    ['an unknown type', { type: 'get-api-key' }],
    ['a type in other case', { type: 'Get-Settings' }],
    ['an inherited property as type', { type: 'toString' }],
    ['__proto__ as type', JSON.parse('{"type":"__proto__"}')],
    ['a keyboard command id as type', { type: 'copy-portal-link', customer: 'x' }],
    ['a tab message type', { type: 'copy-detected-link' }],
    ['copy without a customer', { type: 'copy-link' }],
    ['copy with a null customer', { type: 'copy-link', customer: null }],
    ['copy with a numeric customer', { type: 'copy-link', customer: 12345 }],
    ['copy with 1281 characters', { type: 'copy-link', customer: 'x'.repeat(1281) }],
    ['copy with a numeric id', { type: 'copy-link', customer: { id: 12345 } }],
    ['copy with a 201-character id', { type: 'copy-link', customer: { id: '1'.repeat(201) } }],
    ['copy with a 321-character email', { type: 'copy-link', customer: { email: 'e'.repeat(321) } }],
    ['copy with a 201-character name', { type: 'copy-link', customer: { name: 'n'.repeat(201) } }],
    ['copy with a store id past any limit', { type: 'copy-link', customer: 'x', storeId: 's'.repeat(65) }],
    ['copy with a numeric store id', { type: 'copy-link', customer: 'x', storeId: 1 }],
  ])('rejects %s', (_label, message) => {
    expect(parseRequest(message) !== undefined).toBe(false);
  });

  it('drops unknown fields', () => {
    const parsed = parseRequest({ type: 'get-settings', apiKey: 'x', storeId: 'y' });
    expect(parsed).toEqual({ type: 'get-settings' });
  });
});

describe('one protocol, one naming scheme', () => {
  const types = [
    ...Object.keys(runtimeProtocol),
    ...Object.keys(TAB_SENDERS),
    ...Object.keys(offscreenProtocol),
    ...Object.keys(BROADCASTS),
  ];

  it('every message type is verb-noun kebab case and unique across channels', () => {
    for (const type of types) expect(type).toMatch(/^[a-z]+(-[a-z]+)+$/);
    expect(new Set(types).size).toBe(types.length);
  });

  it('keyboard command ids are not message types', () => {
    const manifest = readFileSync('wxt.config.ts', 'utf8');
    for (const command of [COMMAND_COPY, COMMAND_INSERT]) {
      expect(manifest).toContain(`'${command}'`);
      expect(types).not.toContain(command);
    }
  });

  it("docs/architecture.md's message table is the one the module generates", () => {
    // Biome pads markdown tables: compare cells, not spaces.
    const cells = (text: string) => text.replace(/ *\| */g, '|').replace(/\|-+(?=\|)/g, '|-');
    expect(cells(readFileSync('docs/architecture.md', 'utf8'))).toContain(cells(protocolTable()));
  });
});
