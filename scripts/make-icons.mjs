// Renders scripts/icon.svg to public/icon/<size>.png with Debian's Chromium (the one the tests use).
// WXT lists public/icon/<size>.png as the manifest's `icons`; the popup's meta tag reuses 16–48 for the toolbar.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const SIZES = [16, 32, 48, 96, 128];
const svg = readFileSync(new URL('./icon.svg', import.meta.url), 'utf8');
const executablePath = [process.env.CHROME_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].find(
  (path) => path && existsSync(path),
);
if (!executablePath) throw new Error('Chromium not found: `sudo apt-get install -y chromium` or set CHROME_PATH.');

const outDir = new URL('../public/icon/', import.meta.url);
mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    const sized = svg.replace('width="128" height="128"', `width="${size}" height="${size}"`);
    await page.setContent(`<!doctype html><body style="margin:0;background:transparent">${sized}</body>`);
    await page.screenshot({ path: new URL(`${size}.png`, outDir).pathname, omitBackground: true });
    await page.close();
    console.log(`public/icon/${size}.png`);
  }
} finally {
  await browser.close();
}
