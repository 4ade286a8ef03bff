import { runHelpdesk } from '@/lib/content/start';
import { zendesk } from '@/lib/helpdesks/zendesk';

export default defineContentScript({
  matches: ['https://*.zendesk.com/agent/*'],
  runAt: 'document_idle',
  main: (ctx) => void runHelpdesk(ctx, zendesk),
});
