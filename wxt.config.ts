import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'wxt';
import { providerHosts } from './lib/providers/registry';

// The providers' own hosts (each provider's folder names them), production names only: tests route
// them to local mocks (--host-resolver-rules; a proxy in Firefox).
const PROVIDER_HOSTS = providerHosts;
/** A relay run on this machine (`npm run relay:dev`) is http. */
const LOOPBACK_HOSTS = ['http://127.0.0.1/*', 'http://localhost/*'];
const RELAY_HOSTS = ['https://*/*', ...LOOPBACK_HOSTS];

/** The content scripts' `ctx` is lib/content/context.ts, not WXT's (why: that file). */
const OWN_CONTEXT = fileURLToPath(new URL('lib/content/context.ts', import.meta.url));
const ownContext: Plugin = {
  name: 'portal-link:content-script-context',
  enforce: 'pre',
  resolveId: (id) => (id === 'wxt/utils/content-script-context' ? OWN_CONTEXT : null),
};

export default defineConfig({
  modules: ['@wxt-dev/module-react', '@wxt-dev/i18n/module'],
  // WXT_E2E=1: the same production build plus the test hook, in its own folder (.output/chrome-mv3-e2e).
  outDirTemplate: process.env.WXT_E2E === '1' ? '{{browser}}-mv{{manifestVersion}}-e2e' : undefined,
  // Firefox stays on MV2 (WXT's default for Firefox); why: docs/architecture.md, "Firefox".
  manifest: ({ browser }) => ({
    // Words come from locales/*.yml (English default, Spanish); the browser's UI language picks one.
    default_locale: 'en',
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    permissions: [
      'storage',
      'clipboardWrite',
      'contextMenus',
      // Opening the popup grants activeTab: the popup reads the tab's URL to pick the mapped store.
      'activeTab',
      // A context-menu outcome on a page that is not a helpdesk: the badge, and a notification (no
      // toast injected into a page that could rewrite it).
      'notifications',
      ...(browser === 'firefox' ? [] : ['offscreen']),
    ],
    // Enterprise policy (storage.managed): lib/settings/managed.ts, docs/deployment.md.
    storage: { managed_schema: 'managed_schema.json' },
    // The e2e build may reach a relay on loopback without the permission prompt, which no driver can answer.
    host_permissions: process.env.WXT_E2E === '1' ? [...PROVIDER_HOSTS, ...LOOPBACK_HOSTS] : PROVIDER_HOSTS,
    // The team relay's origin, asked for at Sign in (exactly that origin; nothing is granted up front).
    // Firefox's MV2 manifest names optional hosts among optional_permissions.
    ...(browser === 'firefox' ? { optional_permissions: RELAY_HOSTS } : { optional_host_permissions: RELAY_HOSTS }),
    commands: {
      'copy-portal-link': {
        suggested_key: { default: 'Alt+Shift+L' },
        description: '__MSG_commandCopy__',
      },
      'insert-portal-link': {
        suggested_key: { default: 'Alt+Shift+I' },
        description: '__MSG_commandInsert__',
      },
    },
    // The main-world half of "Insert into reply" (the editor objects live only there), for helpdesk pages only.
    web_accessible_resources: [
      // and the in-page UI's on-demand half (lib/content/load.ts).
      {
        resources: ['composer-insert.js', 'content-ui.js'],
        matches: ['https://*.zendesk.com/*', 'https://*.gorgias.com/*'],
      },
    ],
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'portal-link@portal-link.app',
              // data_collection_permissions (Firefox's install-time data consent) exists from Firefox 140.
              strict_min_version: '140.0',
              // The customer's email or id leaves the device, to the provider the agent configured (PRIVACY.md).
              data_collection_permissions: { required: ['personallyIdentifyingInfo'] },
            },
            // Android is not a target (no context menus there); without this floor web-ext lint warns
            // that Firefox for Android only has data_collection_permissions from 142.
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : {}),
  }),
  // WXT_SOURCEMAP=1: source maps next to each file, for `tsx bench/composition.ts` (what a script is made of).
  vite: () => ({ build: { sourcemap: process.env.WXT_SOURCEMAP === '1' }, plugins: [ownContext] }),
  hooks: {
    // The in-page UI's on-demand half (entrypoints/content-ui.ts) is an ES module, so that the content
    // scripts can `import()` it (lib/content/load.ts).
    'vite:build:extendConfig': (entrypoints, config) => {
      if (entrypoints.length !== 1 || entrypoints[0]?.name !== 'content-ui' || !config.build?.lib) return;
      config.build.lib.formats = ['es'];
      const output = config.build.rollupOptions?.output;
      // Vite leaves whitespace in ES libraries (for their users' bundlers); this one is shipped as is.
      if (output && !Array.isArray(output)) (output as { minify?: boolean }).minify = true;
    },
  },
  zip: {
    // The Firefox sources zip: what a reviewer needs to rebuild (`npm install && npm run build:firefox`),
    // and the docs that explain it (architecture, security); not the tests, benchmarks or screenshots.
    excludeSources: [
      'tests/**',
      'bench/**',
      'docs/screenshots/**',
      'scripts/demo.ts',
      'coverage/**',
      'vitest*.config.ts',
      '*.log',
    ],
  },
});
