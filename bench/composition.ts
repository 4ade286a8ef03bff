/**
 * What a built script is made of: its bytes by source module, from the build's source map, with each
 * module's share gzipped on its own (an upper bound: gzip shares context across modules). For finding
 * what to move out of a content script. `WXT_SOURCEMAP=1 npm run build`, then
 * `tsx bench/composition.ts .output/chrome-mv3/content-scripts/zendesk.js`.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { type MappingItem, SourceMapConsumer } from 'source-map-js';

export interface ModuleShare {
  source: string;
  bytes: number;
  gzipBytes: number;
}

/** The generated text of `code` attributed to the source each stretch maps to (unmapped: `?`). */
export function composition(code: string, map: ConstructorParameters<typeof SourceMapConsumer>[0]): ModuleShare[] {
  const lines = code.split('\n');
  const mappings: MappingItem[] = [];
  new SourceMapConsumer(map).eachMapping((m) => mappings.push(m));
  mappings.sort((a, b) => a.generatedLine - b.generatedLine || a.generatedColumn - b.generatedColumn);
  const texts = new Map<string, string[]>();
  mappings.forEach((m, i) => {
    const next = mappings[i + 1];
    const line = lines[m.generatedLine - 1] ?? '';
    const end = next?.generatedLine === m.generatedLine ? next.generatedColumn : line.length;
    const source = (m.source ?? '?').replace(/^.*node_modules\//, '').replace(/^(\.\.\/)+/, '');
    texts.set(source, [...(texts.get(source) ?? []), line.slice(m.generatedColumn, end)]);
  });
  return [...texts]
    .map(([source, parts]) => {
      const text = parts.join('');
      return { source, bytes: text.length, gzipBytes: gzipSync(text, { level: 9 }).byteLength };
    })
    .sort((a, b) => b.bytes - a.bytes);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx bench/composition.ts <built .js with its .map beside it>');
  const code = readFileSync(file, 'utf8');
  const shares = composition(code, JSON.parse(readFileSync(`${file}.map`, 'utf8')));
  for (const s of shares)
    console.log(`${String(s.bytes).padStart(7)} B ${String(s.gzipBytes).padStart(6)} B gz  ${s.source}`);
  console.log(`${code.length} B in all, ${gzipSync(code, { level: 9 }).byteLength} B gzip`);
}
