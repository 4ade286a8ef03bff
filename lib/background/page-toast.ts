/**
 * A toast injected into the agent's tab with `scripting.executeScript` (after a context-menu click,
 * which grants `activeTab`). It must be self-contained: the function is serialised into the page,
 * so it may use nothing from this module's scope. It lives in a shadow root and is built from text
 * nodes only; the text is ours (never page data), and never contains the link itself.
 */
export type ToastRole = 'status' | 'alert';

export interface PageToast {
  text: string;
  role: ToastRole;
}

export function showPageToast(text: string, role: ToastRole): boolean {
  const HOST_ID = 'portal-link-menu-toast';
  document.getElementById(HOST_ID)?.remove();
  const host = document.createElement('div');
  host.id = HOST_ID;
  host.style.setProperty('all', 'initial');
  host.style.setProperty('position', 'fixed');
  host.style.setProperty('z-index', '2147483647');
  host.style.setProperty('right', '16px');
  host.style.setProperty('bottom', '16px');
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent =
    '.toast{font:14px/1.4 system-ui,sans-serif;color:#fff;padding:10px 14px;border-radius:8px;' +
    'box-shadow:0 4px 16px rgba(0,0,0,.25);max-width:360px}' +
    '.status{background:#2b8a3e}.alert{background:#c92a2a}';
  const box = document.createElement('div');
  box.className = `toast ${role === 'alert' ? 'alert' : 'status'}`;
  box.setAttribute('role', role === 'alert' ? 'alert' : 'status');
  box.append(document.createTextNode(text));
  root.append(style, box);
  (document.body ?? document.documentElement).append(host);
  setTimeout(() => host.remove(), role === 'alert' ? 8000 : 4000);
  return true;
}
