/**
 * Scheduler replicas in separate processes (scheduler-process.ts) and a loopback Slack stub
 * they post to: a process boundary nock cannot cross, so Slack is a local HTTP server here.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import type { RunReport } from '../../src/domain/index.js';
import { parseApiBody } from './slack.js';

export interface StubPost {
  channel: string;
  key: string;
  ts: string;
}

/** A Slack Web API stub answering chat.postMessage after `delayMs`, recording each post. */
export async function slackStub(delayMs = 0): Promise<{ url: string; posts: StubPost[]; close(): Promise<void> }> {
  const posts: StubPost[] = [];
  let seq = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += String(c)));
    req.on('end', () => {
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        if (req.url?.endsWith('/chat.postMessage')) {
          const body = parseApiBody(raw) as { channel: string; metadata?: { event_payload?: { key?: string } } };
          const ts = `1790000000.${String(++seq).padStart(6, '0')}`;
          posts.push({ channel: body.channel, key: body.metadata?.event_payload?.key ?? '', ts });
          res.end(JSON.stringify({ ok: true, channel: body.channel, ts }));
        } else if (req.url?.endsWith('/conversations.info')) {
          res.end(JSON.stringify({ ok: true, channel: { id: (parseApiBody(raw) as { channel: string }).channel, is_ext_shared: false } }));
        } else {
          res.end(JSON.stringify({ ok: false, error: 'unknown_method' }));
        }
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type Reports = { digests: RunReport; nudges: RunReport };

export interface Replicas {
  /** Every replica runs what is due at `now`, all starting together; their reports. */
  runAll(now: string): Promise<Reports[]>;
  close(): Promise<void>;
}

/** Starts `n` scheduler processes on `databaseUrl` and waits until all have loaded. */
export async function startReplicas(databaseUrl: string, n: number, slackApiUrl: string): Promise<Replicas> {
  const script = path.join(import.meta.dirname, 'scheduler-process.ts');
  const replicas = Array.from({ length: n }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, databaseUrl, slackApiUrl], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += String(c)));
    const lines: string[] = [];
    const waiting: ((line: string) => void)[] = [];
    const rl = readline.createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      const next = waiting.shift();
      if (next) next(line);
      else lines.push(line);
    });
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    const nextLine = () =>
      new Promise<string>((resolve, reject) => {
        const line = lines.shift();
        if (line !== undefined) return resolve(line);
        waiting.push(resolve);
        void closed.then(() => reject(new Error(`replica exited: ${stderr}`)));
      });
    return { child, nextLine, closed };
  });
  for (const r of replicas) {
    const line = await r.nextLine();
    if (line !== 'ready') throw new Error(`replica said ${line}`);
  }
  return {
    async runAll(now) {
      for (const r of replicas) r.child.stdin.write(`${now}\n`);
      return Promise.all(replicas.map(async (r) => JSON.parse(await r.nextLine()) as Reports));
    },
    async close() {
      for (const r of replicas) r.child.stdin.end();
      await Promise.all(replicas.map((r) => r.closed));
    },
  };
}
