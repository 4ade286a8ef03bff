/** Wires a helpdesk to WXT's content-script context: its signal and its SPA navigation event. */
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { Helpdesk } from '../helpdesks/types';
import { type HelpdeskRuntime, startHelpdesk } from './runtime';

export function runHelpdesk(ctx: ContentScriptContext, helpdesk: Helpdesk): HelpdeskRuntime {
  return startHelpdesk(helpdesk, {
    signal: ctx.signal,
    onLocationChange: (listener) =>
      // `newUrl`, not `location`: the event fires before the new URL is committed.
      ctx.addEventListener(window, 'wxt:locationchange', (event) =>
        listener(event.newUrl instanceof URL ? event.newUrl : new URL(location.href)),
      ),
  });
}
