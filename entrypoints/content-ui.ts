import { startOnDemand } from '@/lib/content/on-demand';

// The in-page UI's on-demand half, built as an ES module (wxt.config.ts) and imported by the helpdesk
// content scripts (lib/content/load.ts); its default export is `startOnDemand`.
export default defineUnlistedScript(() => startOnDemand);
