/**
 * Fixed-window counters, one Durable Object per agent (or per client IP for the sign-in endpoints),
 * so concurrent requests from one agent are counted in one place, in order.
 */
import { DurableObject } from 'cloudflare:workers';

export interface Rule {
  /** Window length in seconds (60 = a minute, 86400 = a UTC day). */
  windowS: number;
  max: number;
}

export type Verdict = { ok: true } | { ok: false; retryAfterS: number };

export class Limiter extends DurableObject {
  /** Known to be set since this object woke (the alarm handler clears it when it ends without one). */
  private alarmSet = false;

  /** Counts one request against every rule, unless one of them is already used up. */
  async take(rules: Rule[], nowMs: number = Date.now()): Promise<Verdict> {
    const nowS = Math.floor(nowMs / 1000);
    const slots = rules.map((rule) => {
      const start = nowS - (nowS % rule.windowS);
      return { rule, key: `${rule.windowS}:${start}`, end: start + rule.windowS };
    });
    const counts = await this.ctx.storage.get<number>(slots.map((s) => s.key));
    let retryAfterS = 0;
    for (const slot of slots) {
      if ((counts.get(slot.key) ?? 0) >= slot.rule.max) retryAfterS = Math.max(retryAfterS, slot.end - nowS);
    }
    if (retryAfterS > 0) return { ok: false, retryAfterS };
    const next: Record<string, number> = {};
    for (const slot of slots) next[slot.key] = (counts.get(slot.key) ?? 0) + 1;
    // The verdict does not wait for the count to reach disk: the object reads its own writes at once,
    // and a write that fails resets the object (at worst a count or two is lost, never a refusal).
    await this.ctx.storage.put(next, { allowUnconfirmed: true });
    // Old windows are dropped once the longest one has passed.
    if (!this.alarmSet) {
      const longest = Math.max(...rules.map((r) => r.windowS));
      if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(nowMs + longest * 1000);
      this.alarmSet = true;
    }
    return { ok: true };
  }

  override async alarm(): Promise<void> {
    const nowS = Math.floor(Date.now() / 1000);
    const all = await this.ctx.storage.list<number>();
    const stale = [...all.keys()].filter((key) => {
      const [window, start] = key.split(':').map(Number);
      return (start ?? 0) + (window ?? 0) <= nowS;
    });
    if (stale.length > 0) await this.ctx.storage.delete(stale);
    if (all.size > stale.length) await this.ctx.storage.setAlarm(Date.now() + 86_400_000);
    else this.alarmSet = false;
  }
}
