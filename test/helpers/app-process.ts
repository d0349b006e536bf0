/**
 * The BUILT app (`node dist/main.js`, what `npm start` runs) in a child process, for tests that
 * kill, stop and restart it: its output, a wait for a line, its exit, its memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface AppProcess {
  pid: number;
  child: ChildProcess;
  out(): string;
  err(): string;
  /** Resolves when `pattern` appears in the output; rejects after `timeoutMs` or if the app exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const launched = new Set<number>();

/** Starts `node dist/main.js` with only `env` (plus PATH). */
export function launchApp(env: Record<string, string>, args: string[] = []): AppProcess {
  const child = spawn(process.execPath, ['dist/main.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += String(c)));
  child.stderr!.on('data', (c) => (stderr += String(c)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const pid = child.pid!;
  launched.add(pid);
  void exited.then(() => launched.delete(pid));
  let gone = false;
  void exited.then(() => (gone = true));
  return {
    pid,
    child,
    out: () => stdout,
    err: () => stderr,
    exited,
    waitFor: async (pattern, timeoutMs) => {
      const t0 = performance.now();
      while (!pattern.test(stdout + stderr)) {
        if (gone) throw new Error(`exited before ${pattern}; stderr:\n${stderr.slice(-4000)}`);
        if (performance.now() - t0 > timeoutMs) throw new Error(`no ${pattern} within ${timeoutMs} ms; stderr:\n${stderr.slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** Ends every app this file started and has not seen exit (by pid, ours only). */
export function killLaunchedApps(): void {
  for (const pid of launched) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Resident memory of a process, in MB (VmRSS in /proc/<pid>/status). */
export function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  if (!line) throw new Error(`no VmRSS for ${pid}`);
  return Number(line.replace(/\D+/g, '')) / 1024;
}
