/**
 * Where a provider's link may point. A provider names its portal hosts (`example.com`, or
 * `*.example.com` for its subdomains); none means any https host (a shop's own domain that only the
 * provider knows). A link is delivered only if it passes here.
 */

function onHost(host: string, pattern: string): boolean {
  const wanted = pattern.toLowerCase();
  return wanted.startsWith('*.') ? host.endsWith(wanted.slice(1)) && host.length > wanted.length - 1 : host === wanted;
}

/** The link, normalised, when it is https without credentials on one of `hosts` (any host when none). */
export function checkedLink(link: string, hosts: readonly string[]): string | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || !url.hostname.includes('.')) return undefined;
  const host = url.hostname.toLowerCase();
  return hosts.length === 0 || hosts.some((pattern) => onHost(host, pattern)) ? url.href : undefined;
}

/** The same hosts as a CSP source list (`form-action`), `https:` when any host may serve the link. */
export function cspSources(hosts: readonly string[]): string {
  return hosts.length === 0 ? 'https:' : hosts.map((h) => `https://${h}`).join(' ');
}
