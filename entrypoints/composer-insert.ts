import { serveInserts } from '@/lib/content/insert-page';

// Runs in the helpdesk page's own world (injected by the content script; web_accessible_resources).
export default defineUnlistedScript(() => void serveInserts(document));
