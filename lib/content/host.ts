/** The in-page UI's shadow hosts: each marked for `removeStaleUi`, each with its own open shadow root and style. */

export const UI_ATTRIBUTE = 'data-portal-link';

export function shadowHost(doc: Document, tag: string, role: string, css: string): [HTMLElement, ShadowRoot] {
  const host = doc.createElement(tag);
  host.setAttribute(UI_ATTRIBUTE, role);
  const root = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = css;
  root.append(style);
  return [host, root];
}
