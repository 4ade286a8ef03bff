/** Documents for DOM tests (files using it run in happy-dom: `// @vitest-environment happy-dom`). */
export function parseHtml(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}

/**
 * Every shadow root attached in this test file, open or closed: the in-page toast's root is closed
 * (lib/content/host.ts), so `host.shadowRoot` is null to tests as to pages. Recorded by wrapping
 * `attachShadow` here, in the tests only.
 */
const attached = new WeakMap<Element, ShadowRoot>();
if (typeof Element !== 'undefined') {
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
    const root = attach.call(this, init);
    attached.set(this, root);
    return root;
  };
}

/** The shadow root of a host, open or closed. */
export function shadowOf(host: Element | null | undefined): ShadowRoot | null {
  return host ? (attached.get(host) ?? host.shadowRoot) : null;
}
