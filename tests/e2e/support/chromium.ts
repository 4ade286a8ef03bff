import { existsSync } from 'node:fs';

export const CHROMIUM_HINT =
  'Chromium not found: install it with `sudo apt-get install -y chromium` (Debian/Ubuntu) or set CHROME_PATH.';

/** CHROME_PATH, else Debian's Chromium (the binary behind the /usr/bin wrapper script). */
export function findChromium(): string | undefined {
  const candidates = [process.env.CHROME_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium'];
  return candidates.find((path): path is string => !!path && existsSync(path));
}
