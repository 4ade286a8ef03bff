/**
 * The in-page UI's shadow hosts: each marked for `removeStaleUi`, each with its own shadow root and
 * style. `closed` for what names the customer (the toast) and for the menu: the page can't reach into a closed root
 * (`host.shadowRoot` is null to it), so it can neither read nor rewrite the confirmation. The root
 * is returned to the caller only, which keeps it.
 */

export const UI_ATTRIBUTE = 'data-portal-link';

export function shadowHost(
  doc: Document,
  tag: string,
  role: string,
  css: string,
  mode: ShadowRootMode = 'open',
): [HTMLElement, ShadowRoot] {
  const host = doc.createElement(tag);
  host.setAttribute(UI_ATTRIBUTE, role);
  const root = host.attachShadow({ mode });
  const style = doc.createElement('style');
  style.textContent = css;
  root.append(style);
  return [host, root];
}
