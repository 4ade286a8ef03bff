import { defineConfig } from 'wxt';

// Production host names only: tests map them to local mocks with --host-resolver-rules.
export const PROVIDER_HOSTS = ['https://subscription-admin.appstle.com/*', 'https://api.gigstack.io/*'];

export default defineConfig({
  modules: ['@wxt-dev/module-react'],
  // WXT_E2E=1: the same production build plus the test hook, in its own folder (.output/chrome-mv3-e2e).
  outDirTemplate: process.env.WXT_E2E === '1' ? '{{browser}}-mv{{manifestVersion}}-e2e' : undefined,
  manifest: ({ browser }) => ({
    name: 'Portal Link',
    description: "Copy a customer's subscription portal link from Zendesk, Gorgias or any page.",
    permissions: [
      'storage',
      'clipboardWrite',
      'contextMenus',
      // The context-menu click (and opening the popup) grants activeTab: the toast is injected into
      // that tab, and the popup reads the tab's URL to pick the mapped store.
      'activeTab',
      'scripting',
      'notifications',
      ...(browser === 'firefox' ? [] : ['offscreen']),
    ],
    // Enterprise policy (storage.managed): lib/managed-settings.ts, README "Managed deployment".
    storage: { managed_schema: 'managed_schema.json' },
    host_permissions: PROVIDER_HOSTS,
    commands: {
      'copy-portal-link': {
        suggested_key: { default: 'Alt+Shift+L' },
        description: "Copy the portal link for this ticket's customer",
      },
    },
    ...(browser === 'firefox' ? { browser_specific_settings: { gecko: { id: 'portal-link@portal-link.app' } } } : {}),
  }),
});
