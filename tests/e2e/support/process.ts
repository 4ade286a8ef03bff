/**
 * A child process whose stdout and stderr are collected into one string as they arrive, in the
 * order they come: the tests match on what a script prints (and show it when it fails), whichever
 * stream it used.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

export interface SpawnedWithOutput {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
}

/** `spawn` with stdout and stderr piped and collected (stdin ignored unless `options.stdio` says otherwise). */
export function spawnWithOutput(command: string, args: string[], options: SpawnOptions = {}): SpawnedWithOutput {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, output: () => output };
}
