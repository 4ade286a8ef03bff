/**
 * The questions an insert may ask the agent: a `role="alertdialog"` in a closed shadow
 * root, so the page can neither read nor rewrite it, built from text nodes only (page-supplied
 * addresses and host names are never parsed as HTML). Only the agent's own input answers it:
 * scripted clicks and key presses (`isTrusted` false) are ignored. Its own module, so it can be
 * loaded only when a question is asked.
 */
import { t } from '../shared/i18n';
import { UI_ATTRIBUTE } from './host';

const CSS = `
:host { all: initial; position: fixed; inset: 0; z-index: 2147483647; display: flex; align-items: center;
  justify-content: center; background: rgba(0,0,0,.35); }
[role="alertdialog"] { font: 14px/1.45 system-ui, sans-serif; color: #2f3941; background: #fff; max-width: 440px;
  padding: 18px 20px; border-radius: 8px; box-shadow: 0 8px 28px rgba(0,0,0,.3); }
p { margin: 0 0 14px; overflow-wrap: anywhere; }
div { display: flex; gap: 8px; justify-content: flex-end; }
button { font: 500 13px/1.2 system-ui, sans-serif; border-radius: 4px; padding: 6px 12px; cursor: pointer;
  border: 1px solid #1f73b7; background: #fff; color: #1f73b7; }
button.confirm { background: #1f73b7; color: #fff; }
button:focus-visible { outline: 2px solid #f5a623; outline-offset: 2px; }
`;

export interface Question {
  text: string;
  /** The label of the button that goes ahead; the other is always Cancel. */
  confirm: string;
}

/**
 * Shows the question and resolves true (confirm) or false (Cancel, Escape). Cancel has the focus
 * first, so a stray Enter inserts nothing; focus goes back where it was afterwards.
 */
export function askInPage(doc: Document, question: Question): Promise<boolean> {
  const host = doc.createElement('div');
  host.setAttribute(UI_ATTRIBUTE, 'dialog');
  const root = host.attachShadow({ mode: 'closed' });
  const style = doc.createElement('style');
  style.textContent = CSS;
  const dialog = doc.createElement('section');
  dialog.setAttribute('role', 'alertdialog');
  dialog.setAttribute('aria-modal', 'true');
  const text = doc.createElement('p');
  text.id = 'q';
  text.textContent = question.text;
  dialog.setAttribute('aria-labelledby', 'q');
  const buttons = doc.createElement('div');
  const confirm = doc.createElement('button');
  confirm.type = 'button';
  confirm.className = 'confirm';
  confirm.textContent = question.confirm;
  const cancel = doc.createElement('button');
  cancel.type = 'button';
  cancel.textContent = t('content.cancel');
  buttons.append(confirm, cancel);
  dialog.append(text, buttons);
  root.append(style, dialog);

  const previous = doc.activeElement as HTMLElement | null;
  return new Promise((resolve) => {
    const done = (answer: boolean) => (event: Event) => {
      if (!event.isTrusted) return;
      event.preventDefault();
      event.stopPropagation();
      host.remove();
      previous?.focus?.();
      resolve(answer);
    };
    confirm.addEventListener('click', done(true));
    cancel.addEventListener('click', done(false));
    const dismiss = done(false);
    dialog.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') dismiss(event);
      if (event.key === 'Tab') {
        event.preventDefault(); // focus stays in the dialog
        (root.activeElement === cancel ? confirm : cancel).focus();
      }
      event.stopPropagation(); // the helpdesk's shortcuts don't see the agent's keys here
    });
    (doc.body ?? doc.documentElement).append(host);
    cancel.focus();
  });
}
