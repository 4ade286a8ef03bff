#!/usr/bin/env node
// npm run bench [-- --check]: build the Chrome production extension, then measure it in real Chromium
// (bench/measure.ts): prints a table, writes bench/results.json; then the team relay's own work per link
// (bench/relay.ts, about 40 s, needs relay/'s dependencies); --check fails on a missed budget.
import { spawnSync } from 'node:child_process';

const check = process.argv.includes('--check');
const started = Date.now();
const run = (cmd, args, env = {}) => {
  const { status } = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (status !== 0) {
    console.error(`bench: \`${cmd} ${args.join(' ')}\` failed (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    process.exit(status ?? 1);
  }
};
run('npm', ['run', 'build', '--silent']);
run('npx', ['vitest', 'run', '-c', 'bench/vitest.config.ts', '--reporter=dot'], { BENCH_CHECK: check ? '1' : '0' });
run('npm', ['run', '--silent', 'relay:deps']);
run('npx', ['tsx', 'bench/relay.ts', ...(check ? ['--check'] : [])]);
console.log(`bench: done in ${((Date.now() - started) / 1000).toFixed(0)} s${check ? ', every budget met' : ''}`);
