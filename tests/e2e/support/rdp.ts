/**
 * A small client for Firefox's Remote Debugging Protocol, the protocol about:debugging uses to
 * inspect an extension. WebDriver BiDi in Firefox skips extension documents (background page,
 * moz-extension:// tabs; bug 1755014), so the Firefox harness reaches them through this instead:
 * https://firefox-source-docs.mozilla.org/devtools/backend/protocol.html
 */
import { connect, type Socket } from 'node:net';

export interface RdpPacket {
  from: string;
  type?: string;
  error?: string;
  message?: string;
  [key: string]: unknown;
}

/** A document of the extension (background page, options tab…) as the watcher reports it. */
export interface RdpTarget {
  actor: string;
  consoleActor: string;
  url: string;
}

const REQUEST_TIMEOUT_MS = 15_000;

export class RdpClient {
  readonly #socket: Socket;
  #buffer = Buffer.alloc(0);
  readonly #pending = new Map<string, { resolve(p: RdpPacket): void; reject(e: Error): void }[]>();
  readonly #listeners = new Set<(packet: RdpPacket) => void>();

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
  }

  /** Connects once Firefox's debugger server (`--start-debugger-server PORT`) listens. */
  static async connect(port: number, timeoutMs = 10_000): Promise<RdpClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(port, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        });
        const client = new RdpClient(socket);
        await client.#next((p) => p.from === 'root' && 'applicationType' in p, timeoutMs); // the greeting
        return client;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Replies come in order per actor; packets with a `type` are events (see `on`). */
  request(to: string, type: string, params: Record<string, unknown> = {}): Promise<RdpPacket> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`RDP ${to} ${type}: no reply`)), REQUEST_TIMEOUT_MS);
      const queue = this.#pending.get(to) ?? [];
      queue.push({
        resolve: (p) => {
          clearTimeout(timer);
          if (p.error) reject(new Error(`RDP ${to} ${type}: ${p.error} ${p.message ?? ''}`));
          else resolve(p);
        },
        reject,
      });
      this.#pending.set(to, queue);
      const body = Buffer.from(JSON.stringify({ to, type, ...params }));
      this.#socket.write(Buffer.concat([Buffer.from(`${body.length}:`), body]));
    });
  }

  on(listener: (packet: RdpPacket) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#socket.destroy();
  }

  #next(match: (p: RdpPacket) => boolean, timeoutMs: number): Promise<RdpPacket> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error('RDP: timed out waiting for a packet'));
      }, timeoutMs);
      const off = this.on((p) => {
        if (!match(p)) return;
        clearTimeout(timer);
        off();
        resolve(p);
      });
    });
  }

  /** Frames are `<byte length>:<JSON>`. */
  #read(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const colon = this.#buffer.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.#buffer.subarray(0, colon).toString());
      if (this.#buffer.length < colon + 1 + length) return;
      const packet = JSON.parse(this.#buffer.subarray(colon + 1, colon + 1 + length).toString()) as RdpPacket;
      this.#buffer = this.#buffer.subarray(colon + 1 + length);
      if (packet.type === undefined && !('applicationType' in packet))
        this.#pending.get(packet.from)?.shift()?.resolve(packet);
      for (const listener of this.#listeners) listener(packet);
    }
  }

  /**
   * Watches every document of one add-on: resolves with a live list of targets (background page,
   * extension tabs) that grows and shrinks as documents come and go.
   */
  async watchAddon(addonId: string, onConsole: (line: string) => void): Promise<Map<string, RdpTarget>> {
    const { addons } = (await this.request('root', 'listAddons')) as unknown as {
      addons: { actor: string; id: string }[];
    };
    const addon = addons.find((a) => a.id === addonId);
    if (!addon) throw new Error(`RDP: add-on ${addonId} is not installed`);
    const watcher = (await this.request(addon.actor, 'getWatcher', { isServerTargetSwitchingEnabled: true })).actor;
    if (typeof watcher !== 'string') throw new Error('RDP: no watcher for the add-on');
    const targets = new Map<string, RdpTarget>();
    this.on((p) => {
      const target = p.target as RdpTarget | undefined;
      if (p.from === watcher && p.type === 'target-available-form' && target) targets.set(target.actor, target);
      if (p.from === watcher && p.type === 'target-destroyed-form' && target) targets.delete(target.actor);
      // Console messages come from each document's target actor, not from the watcher.
      if (p.type === 'resources-available-array' && (p.from === watcher || targets.has(p.from))) {
        for (const [, resources] of p.array as [string, unknown[]][]) {
          for (const resource of resources) onConsole(consoleText(resource));
        }
      }
    });
    await this.request(watcher, 'watchTargets', { targetType: 'frame' });
    await this.request(watcher, 'watchResources', { resourceTypes: ['console-message', 'error-message'] });
    return targets;
  }

  /**
   * Runs `source` (an expression, awaited) in a document and returns its value through JSON.
   * A thrown error or rejected promise rejects here with the page's message.
   */
  async evaluate<T>(target: RdpTarget, source: string): Promise<T> {
    const text = `(async () => JSON.stringify(await (${source})))()`;
    // The result event may arrive in the same chunk as the reply that names it: collect from the start.
    const arrived: RdpPacket[] = [];
    const off = this.on((p) => p.type === 'evaluationResult' && p.from === target.consoleActor && arrived.push(p));
    let result: RdpPacket;
    try {
      const { resultID } = await this.request(target.consoleActor, 'evaluateJSAsync', {
        text,
        mapped: { await: true },
      });
      result =
        arrived.find((p) => p.resultID === resultID) ??
        (await this.#next((p) => p.type === 'evaluationResult' && p.resultID === resultID, REQUEST_TIMEOUT_MS));
    } finally {
      off();
    }
    if (result.hasException) throw new Error(`in ${target.url}: ${String(result.exceptionMessage)}`);
    const json = await this.#string(result.result);
    return (json === undefined ? undefined : JSON.parse(json)) as T;
  }

  /** A string result, fetched in full when the server sent a long-string grip. */
  async #string(grip: unknown): Promise<string | undefined> {
    if (typeof grip === 'string') return grip;
    const g = grip as { type?: string; actor?: string; length?: number } | undefined;
    if (g?.type === 'longString' && g.actor) {
      return (await this.request(g.actor, 'substring', { start: 0, end: g.length })).substring as string;
    }
    return undefined;
  }
}

function consoleText(resource: unknown): string {
  const r = resource as {
    message?: { arguments?: unknown[]; level?: string };
    arguments?: unknown[];
    level?: string;
    pageError?: { errorMessage?: string };
  };
  if (r.pageError) return `error: ${r.pageError.errorMessage ?? ''}`;
  const message = r.message ?? r;
  const args = (message.arguments ?? []).map((a) => (typeof a === 'string' ? a : JSON.stringify(a)));
  return `${message.level ?? 'log'}: ${args.join(' ')}`;
}
