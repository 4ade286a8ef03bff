import { runHelpdesk } from '@/lib/content/start';
import { gorgias } from '@/lib/helpdesks/gorgias';

export default defineContentScript({
  matches: ['https://*.gorgias.com/app/*'],
  runAt: 'document_idle',
  main: (ctx) => void runHelpdesk(ctx, gorgias),
});
