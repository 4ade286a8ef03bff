#!/usr/bin/env node
// npm run bench [-- --check]: build, then measure in real Chromium; --check fails on a missed budget.
import { spawnSync } from 'node:child_process';

const check = process.argv.includes('--check');
const run = (cmd, args, env = {}) => {
  const { status } = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (status !== 0) process.exit(status ?? 1);
};
run('npm', ['run', 'build:all', '--silent']);
run('npx', ['vitest', 'run', '-c', 'bench/vitest.config.ts', '--reporter=dot'], { BENCH_CHECK: check ? '1' : '0' });
