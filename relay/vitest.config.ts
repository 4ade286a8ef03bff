import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Tests run inside workerd with the wrangler.toml bindings (D1, the Limiter Durable Object) and fixed
// test secrets. Nothing here reaches the network: an unstubbed outbound fetch fails.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(new URL('./migrations', import.meta.url).pathname);
  return {
    plugins: [
      cloudflareTest({
        main: './src/index.ts',
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_TOKEN: 'test-admin-token-0123456789abcdef0123456789',
            TOKEN_SECRET: 'test-token-secret-0123456789abcdef0123456789',
            KEYS_SECRET: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
            LIMIT_PER_MINUTE: '5',
            LIMIT_PER_DAY: '8',
            IP_LIMIT_PER_MINUTE: '6',
          },
        },
      }),
    ],
    test: {
      include: ['test/**/*.test.ts'],
      setupFiles: ['./test/setup.ts'],
      restoreMocks: true,
      silent: 'passed-only' as const,
    },
  };
});
