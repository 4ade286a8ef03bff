import { serveInserts } from '@/lib/content/page-insert';

// Runs in the helpdesk page's own world (injected by the content script; web_accessible_resources).
export default defineUnlistedScript(() => {
  const channel = document.currentScript;
  if (channel) serveInserts(channel, document);
});
