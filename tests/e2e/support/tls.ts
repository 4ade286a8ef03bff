/** A throw-away certificate for the production host names, made with openssl at test time. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every name the tests serve; Chromium maps them to the local server (see extension.ts). */
export const TEST_HOSTS = [
  'subscription-admin.appstle.com',
  'api.gigstack.io',
  'api.retextion.com',
  'api.acme-subscriptions.example',
  '*.zendesk.com',
  '*.gorgias.com',
  '*.myshopify.com',
  '*.gigstack.io',
  'clipboard.portal-link.test',
  'composer.portal-link.test',
];

let cached: { key: string; cert: string } | undefined;

export function testCertificate(): { key: string; cert: string } {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'portal-link-tls-'));
  const san = TEST_HOSTS.map((h) => `DNS:${h}`).join(',');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=portal-link-test',
      '-addext',
      `subjectAltName=${san}`,
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  cached = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  return cached;
}
