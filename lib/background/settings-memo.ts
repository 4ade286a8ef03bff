/**
 * The effective settings kept between copies, so a click costs no storage reads and no parsing.
 * Storage stays the truth: every change to it forgets them (background.ts's `storage.onChanged`
 * listener, and the router right after it writes), and a load begun before a change is used once
 * but not kept, so nothing read under old settings outlives them.
 */
export interface Memo<T> {
  get(load: () => Promise<T>): Promise<T>;
  forget(): void;
}

/** `keep`: whether a loaded value may be kept (a policy not read yet is not). */
export function memo<T>(keep: (value: T) => boolean = () => true): Memo<T> {
  let kept: { value: T } | undefined;
  let generation = 0;
  return {
    async get(load) {
      if (kept) return kept.value;
      const startedIn = generation;
      const value = await load();
      if (startedIn === generation && keep(value)) kept = { value };
      return value;
    },
    forget() {
      generation += 1;
      kept = undefined;
    },
  };
}
