import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const entry = process.argv[2];
const r = await build({ entryPoints: [entry], bundle: true, minify: true, write: false, metafile: true, format: 'iife', tsconfig: '.wxt/tsconfig.json', define: { 'import.meta.env.MODE': '"production"' }, logLevel: 'error' });
const out = Object.values(r.metafile.outputs)[0];
const rows = Object.entries(out.inputs).map(([f, v]) => [f, v.bytesInOutput]).sort((a, b) => b[1] - a[1]);
for (const [f, b] of rows.slice(0, 40)) console.log(String(b).padStart(6), f);
console.log('total', r.outputFiles[0].contents.length, 'gz', gzipSync(r.outputFiles[0].contents, { level: 9 }).length);
