/**
 * Reading the in-page toast, whose shadow root is closed (lib/content/host.ts): page scripts, and so
 * Playwright's locators, can't enter it. Chromium runs our content script in its own isolated world,
 * where `chrome.dom.openOrClosedShadowRoot()` reaches a closed root; over CDP a test evaluates there,
 * as the content script itself would (Runtime.evaluate with that world's context id). The build is
 * the production one: nothing is opened for tests.
 */
import type { Page } from 'playwright-core';
import type { Page as PuppeteerPage } from 'puppeteer-core';

interface ExecutionContext {
  id: number;
  origin: string;
  auxData?: { type?: string; frameId?: string };
}

/** Runs `fn(arg)` in the extension's content-script world of the page's top frame; returns its value. */
export function inContentWorld<A, R>(page: Page, fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
  return evaluateInContentWorld(page, `(${fn.toString()})(${JSON.stringify(arg)})`);
}

/** Evaluates `expression` in the extension's content-script world of the page's top frame. */
async function evaluateInContentWorld<R>(page: Page, expression: string): Promise<R> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const contexts: ExecutionContext[] = [];
    cdp.on('Runtime.executionContextCreated', (event) => contexts.push(event.context as ExecutionContext));
    await cdp.send('Runtime.enable'); // reports every existing context first
    const { frameTree } = await cdp.send('Page.getFrameTree');
    const world = contexts.find(
      (c) =>
        c.auxData?.type === 'isolated' &&
        c.auxData.frameId === frameTree.frame.id &&
        c.origin.startsWith('chrome-extension://'),
    );
    if (!world) throw new Error('no content script world in this page');
    const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
      expression,
      contextId: world.id,
      awaitPromise: true,
      returnByValue: true,
    });
    if (exceptionDetails) throw new Error(`in the content script's world: ${exceptionDetails.exception?.description}`);
    return result.value as R;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** What the toast's live region with `role` says (null without a toast), in the content script's world. */
function regionText(role: string): string | null {
  const host = document.querySelector('[data-portal-link="toast"]');
  const dom = (globalThis as { chrome?: { dom?: { openOrClosedShadowRoot(el: Element): ShadowRoot | null } } }).chrome
    ?.dom;
  const root = host && dom?.openOrClosedShadowRoot(host);
  const region = root?.querySelector(`[role="${role}"]`);
  // An empty region is hidden (`[role]:empty`), as a role locator wouldn't find it.
  return region?.textContent ? region.textContent : null;
}

export interface ToastRegion {
  /** The region's words; null when it says nothing (or there is no toast yet). */
  textContent(): Promise<string | null>;
  /** 1 while it says something, else 0. */
  count(): Promise<number>;
  /** Where the region is on the page, as `Locator.boundingBox` gives it. */
  boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null>;
}

/** The toast's `status` or `alert` region. */
export function toastRegion(page: Page, role: 'status' | 'alert'): ToastRegion {
  return {
    textContent: () => inContentWorld(page, regionText, role),
    count: async () => ((await inContentWorld(page, regionText, role)) ? 1 : 0),
    boundingBox: () =>
      inContentWorld(
        page,
        (r) => {
          const host = document.querySelector('[data-portal-link="toast"]');
          const dom = (globalThis as { chrome?: { dom?: { openOrClosedShadowRoot(el: Element): ShadowRoot | null } } })
            .chrome?.dom;
          const region = host && dom?.openOrClosedShadowRoot(host)?.querySelector(`[role="${r}"]`);
          if (!region?.textContent) return null;
          const { x, y, width, height } = region.getBoundingClientRect();
          return { x, y, width, height };
        },
        role,
      ),
  };
}

/** Everything the toast holds that matches `selector` (its words' elements, buttons…), counted. */
export function countInToast(page: Page, selector: string): Promise<number> {
  return inContentWorld(
    page,
    (s) => {
      const host = document.querySelector('[data-portal-link="toast"]');
      const dom = (globalThis as { chrome?: { dom?: { openOrClosedShadowRoot(el: Element): ShadowRoot | null } } })
        .chrome?.dom;
      return host ? (dom?.openOrClosedShadowRoot(host)?.querySelectorAll(s).length ?? 0) : 0;
    },
    selector,
  );
}

/** Clicks the toast's button with that text or accessible name in its middle, as the agent's mouse would. */
export async function clickInToast(page: Page, name: string): Promise<void> {
  const at = await inContentWorld(
    page,
    (n) => {
      const host = document.querySelector('[data-portal-link="toast"]');
      const dom = (globalThis as { chrome?: { dom?: { openOrClosedShadowRoot(el: Element): ShadowRoot | null } } })
        .chrome?.dom;
      const buttons = [...(host ? (dom?.openOrClosedShadowRoot(host)?.querySelectorAll('button') ?? []) : [])];
      const button = buttons.find((b) => !b.hidden && (b.textContent === n || b.getAttribute('aria-label') === n));
      if (!button) return null;
      const { x, y, width, height } = button.getBoundingClientRect();
      return { x: x + width / 2, y: y + height / 2 };
    },
    name,
  );
  if (!at) throw new Error(`no "${name}" button in the toast`);
  await page.mouse.click(at.x, at.y);
}

/** Raw WebDriver BiDi on a puppeteer page (puppeteer-core's own session; its public API has no shadow-tree option). */
function bidi(page: PuppeteerPage) {
  const context = (
    page.mainFrame() as unknown as {
      browsingContext: {
        id: string;
        userContext: { browser: { session: { send(method: string, params: unknown): Promise<unknown> } } };
      };
    }
  ).browsingContext;
  return {
    target: { context: context.id },
    send: (method: string, params: unknown) =>
      context.userContext.browser.session.send(method, params) as Promise<{ result: BidiResult }>,
  };
}

interface BidiResult {
  type: 'success' | 'exception';
  result?: { type: string; value?: unknown; sharedId?: string };
}

/**
 * Firefox (puppeteer over WebDriver BiDi) has no CDP and no way into the content script's world.
 * WebDriver BiDi serialises a node's shadow root, closed ones too, when asked to
 * (`serializationOptions.includeShadowTree: "all"`, the BiDi spec's NodeProperties.shadowRoot), and
 * takes that root back as an argument by its shared id: the test reads the toast there. The toast's
 * region with `role`, as text, or null while it says nothing.
 */
export async function firefoxToastText(page: PuppeteerPage, role: 'status' | 'alert'): Promise<string | null> {
  const { target, send } = bidi(page);
  const { result: host } = await send('script.evaluate', {
    expression: `document.querySelector('[data-portal-link="toast"]')`,
    target,
    awaitPromise: false,
    serializationOptions: { maxDomDepth: 0, includeShadowTree: 'all' },
  });
  const root = (host.result?.value as { shadowRoot?: { sharedId?: string } } | undefined)?.shadowRoot?.sharedId;
  if (!root) return null;
  const { result } = await send('script.callFunction', {
    functionDeclaration: "(root, role) => root.querySelector('[role=\"' + role + '\"]')?.textContent || null",
    arguments: [{ sharedId: root }, { type: 'string', value: role }],
    target,
    awaitPromise: false,
  });
  return result.result?.type === 'string' ? (result.result.value as string) : null;
}

/** One of our in-page UI's controls as a test sees it: its words and where it is on the page. */
export interface UiControl {
  name: string;
  box: { x: number; y: number; width: number; height: number };
}

/**
 * The shown controls matching `selector` in the closed roots of the `hosts`,
 * read in the content script's world (names: text, else aria-label).
 */
function shownControls(arg: { hosts: string; selector: string }) {
  const dom = (globalThis as { chrome?: { dom?: { openOrClosedShadowRoot(el: Element): ShadowRoot | null } } }).chrome
    ?.dom;
  return [...document.querySelectorAll(arg.hosts)]
    .flatMap((host) => [...(dom?.openOrClosedShadowRoot(host)?.querySelectorAll(arg.selector) ?? [])])
    .map((el) => {
      const { x, y, width, height } = el.getBoundingClientRect();
      return { name: el.getAttribute('aria-label') || el.textContent || '', box: { x, y, width, height } };
    })
    .filter((c) => c.box.width > 0 && c.box.height > 0);
}

/**
 * The in-page UI in its closed shadow roots (Chromium), for tests: read in the content script's world,
 * clicked with the real mouse at the control's centre (so the clickjacking guard judges a real click).
 */
export function inPageUi(page: Page) {
  const menuItems = () =>
    inContentWorld(page, shownControls, { hosts: '[data-portal-link="menu"]', selector: '[role="menuitem"]' });
  /** The shown item named `name`, waited for (5 s). */
  async function find(name: string): Promise<UiControl> {
    for (const end = Date.now() + 5_000; ; await page.waitForTimeout(50)) {
      const item = (await menuItems()).find((c) => c.name === name);
      if (item) return item;
      if (Date.now() > end) throw new Error(`no menu item "${name}" shown`);
    }
  }
  return {
    /** The shown in-page button named `name` ("Copy portal link", "More portal link actions"). */
    button: (name: string) => inPageButton(page, name),
    /** The open menu's items, in order (none while it is closed). */
    menuItems,
    menuItem: (name: string) => ({
      boundingBox: async () => (await find(name)).box,
      async click() {
        const { box } = await find(name);
        await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      },
    }),
  };
}

/**
 * Firefox: the shown controls matching `selector` in the closed root of the `[data-portal-link=role]`
 * host, found over WebDriver BiDi as `firefoxToastText` does (empty when there is no such host).
 */
export async function firefoxControls(page: PuppeteerPage, role: string, selector: string): Promise<UiControl[]> {
  const { target, send } = bidi(page);
  const { result: host } = await send('script.evaluate', {
    expression: `document.querySelector('[data-portal-link="${role}"]')`,
    target,
    awaitPromise: false,
    serializationOptions: { maxDomDepth: 0, includeShadowTree: 'all' },
  });
  const root = (host.result?.value as { shadowRoot?: { sharedId?: string } } | undefined)?.shadowRoot?.sharedId;
  if (!root) return [];
  const { result } = await send('script.callFunction', {
    functionDeclaration: `(root, selector) => JSON.stringify([...root.querySelectorAll(selector)].map((el) => {
      const { x, y, width, height } = el.getBoundingClientRect();
      return { name: el.getAttribute('aria-label') || el.textContent || '', box: { x, y, width, height } };
    }).filter((c) => c.box.width > 0 && c.box.height > 0))`,
    arguments: [{ sharedId: root }, { type: 'string', value: selector }],
    target,
    awaitPromise: false,
  });
  return result.result?.type === 'string' ? (JSON.parse(result.result.value as string) as UiControl[]) : [];
}

/** Firefox: waits (5 s) for the menu item named `name` and clicks its centre with the real mouse. */
export async function firefoxClickMenuItem(page: PuppeteerPage, name: string): Promise<void> {
  for (const end = Date.now() + 5_000; ; await new Promise((r) => setTimeout(r, 50))) {
    const item = (await firefoxControls(page, 'menu', '[role="menuitem"]')).find((c) => c.name === name);
    if (item) return page.mouse.click(item.box.x + item.box.width / 2, item.box.y + item.box.height / 2);
    if (Date.now() > end) throw new Error(`no menu item "${name}" shown`);
  }
}

/** The in-page button group's button named `name` (closed root), as a test drives it (Chromium). */
export function inPageButton(page: Page, name: string, hosts = '[data-portal-link="button"]') {
  const shown = async () =>
    (await inContentWorld(page, shownControls, { hosts, selector: 'button' })).filter((c) => c.name === name);
  async function find(): Promise<UiControl> {
    for (const end = Date.now() + 10_000; ; await page.waitForTimeout(50)) {
      const [button] = await shown();
      if (button) return button;
      if (Date.now() > end) throw new Error(`no in-page button "${name}" shown`);
    }
  }
  /** Runs `fn` on the button element in the content script's world (waits for it, as a locator would). */
  const evaluate = async <R>(fn: (button: HTMLButtonElement) => R): Promise<R> =>
    (await find()) &&
    evaluateInContentWorld(
      page,
      `(() => {
        const dom = globalThis.chrome?.dom;
        const button = [...document.querySelectorAll(${JSON.stringify(hosts)})]
          .flatMap((host) => [...(dom?.openOrClosedShadowRoot(host)?.querySelectorAll('button') ?? [])])
          .find((b) => (b.getAttribute('aria-label') || b.textContent) === ${JSON.stringify(name)} && b.getClientRects().length);
        if (!button) throw new Error('no in-page button');
        return (${fn.toString()})(button);
      })()`,
    );
  return {
    /** How many are shown (0 on a page without the extension: no content script world there). */
    count: async () =>
      (await shown().catch((e: Error) => (/no content script world/.test(e.message) ? [] : Promise.reject(e)))).length,
    boundingBox: async () => (await find()).box,
    waitFor: async () => void (await find()),
    /** A real mouse click at its centre (the clickjacking guard judges a real click). */
    async click() {
      const { box } = await find();
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    },
    focus: async () => {
      await evaluate((b) => b.focus());
    },
    evaluate,
  };
}

/** Firefox: waits (10 s) for the in-page button named `name` (closed root, over BiDi); returns it. */
export async function firefoxButton(
  page: PuppeteerPage,
  name: string,
): Promise<UiControl & { click(): Promise<void> }> {
  for (const end = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 50))) {
    const found = (await firefoxControls(page, 'button', 'button')).find((c) => c.name === name);
    if (found)
      return {
        ...found,
        click: () => page.mouse.click(found.box.x + found.box.width / 2, found.box.y + found.box.height / 2),
      };
    if (Date.now() > end) throw new Error(`no in-page button "${name}" shown`);
  }
}
