import { createRoot } from 'react-dom/client';
import { Popup } from '@/components/Popup';
import { messageLocale } from '@/lib/shared/i18n';

// The messages' language, not the "en" the HTML starts with (screen readers, hyphenation).
document.documentElement.lang = messageLocale();
const root = document.getElementById('root');
if (root) createRoot(root).render(<Popup />);
