import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The store sizes; WXT puts public/icon/<size>.png in the manifest's `icons` (npm run icons draws them). */
const SIZES = [16, 32, 48, 96, 128];

describe('public/icon', () => {
  it.each(SIZES)('%i.png is a %i px square RGBA PNG', (size) => {
    const png = readFileSync(`public/icon/${size}.png`);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
    expect([png[24], png[25]]).toEqual([8, 6]); // 8-bit, RGBA: the rounded corners are transparent
  });
});
