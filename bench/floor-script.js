// The floor of a ticket load (bench/control.ts puts this in a copy of the build as its only content
// script): the least an in-page button that talks to its extension costs in a content script's own
// world, whatever its code. The extension API's first use (the UI language, a message listener, a
// port and one question on it), one button in a closed shadow root with a style, placed by the
// requester field after the same 60 ms settle our script waits. The bench traces it as it traces ours.
(() => {
  const label = chrome.i18n.getUILanguage().startsWith('es') ? 'Copiar enlace del portal' : 'Copy portal link';
  const host = document.createElement('span');
  host.setAttribute('data-portal-link', 'button');
  const root = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = 'button { font: 500 12px/1.2 system-ui, sans-serif; padding: 4px 10px; }';
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  root.append(style, button);
  chrome.runtime.onMessage.addListener(() => undefined);
  const port = chrome.runtime.connect({ name: 'portal-link' });
  port.onMessage.addListener(() => undefined);
  port.postMessage({ id: 0, message: { type: 'get-actions' } });
  setTimeout(() => {
    const field = document.querySelector('[data-test-id="ticket-system-field-requester-select"]');
    if (field) field.after(host);
    else document.body.append(host);
  }, 60);
})();
