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
import { DELIVERY_METADATA_EVENT } from '../../src/bot/slack/ids.js';
import { parseApiBody } from './slack.js';

export interface StubPost {
  channel: string;
  key: string;
  ts: string;
}

/** Another answer to the n-th chat.postMessage (0-based): a status, a body, headers (Retry-After). */
export type StubAnswer = (n: number, body: { channel: string }) => { status: number; body: unknown; headers?: Record<string, string> } | undefined;

/**
 * A Slack Web API stub answering chat.postMessage after `delayMs`, recording each post that it
 * accepted; `answer` can replace the reply to a given call (a 429 with a Retry-After). With
 * `history`, conversations.history answers from the recorded posts (with their metadata), as
 * Slack does for an app with a history scope; without, it is an unknown method ("cannot tell").
 */
export async function slackStub(
  delayMs = 0,
  opts: { answer?: StubAnswer; history?: boolean } = {},
): Promise<{ url: string; posts: StubPost[]; calls(): number; answered(n: number): Promise<void>; close(): Promise<void> }> {
  const posts: StubPost[] = [];
  let seq = 0;
  let calls = 0;
  let answers = 0;
  const waiting: { n: number; resolve: () => void }[] = [];
  const onAnswer = () => {
    answers++;
    for (const w of waiting.filter((x) => x.n < answers)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += String(c)));
    req.on('end', () => {
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        if (req.url?.endsWith('/chat.postMessage')) {
          const body = parseApiBody(raw) as { channel: string; metadata?: { event_payload?: { key?: string } } };
          const n = calls++;
          const custom = opts.answer?.(n, body);
          if (custom) {
            for (const [name, value] of Object.entries(custom.headers ?? {})) res.setHeader(name, value);
            res.statusCode = custom.status;
            res.end(JSON.stringify(custom.body));
            onAnswer();
            return;
          }
          const ts = `1790000000.${String(++seq).padStart(6, '0')}`;
          posts.push({ channel: body.channel, key: body.metadata?.event_payload?.key ?? '', ts });
          res.end(JSON.stringify({ ok: true, channel: body.channel, ts }));
          onAnswer();
        } else if (opts.history && req.url?.endsWith('/conversations.history')) {
          const { channel } = parseApiBody(raw) as { channel: string };
          const messages = posts
            .filter((p) => p.channel === channel)
            .map((p) => ({ ts: p.ts, text: 'posted', metadata: { event_type: DELIVERY_METADATA_EVENT, event_payload: { key: p.key } } }));
          res.end(JSON.stringify({ ok: true, messages }));
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
    calls: () => calls,
    /** Resolves once the n-th chat.postMessage (0-based) has been answered. */
    answered: (n) => (n < answers ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve }))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The line that asks a real-time replica to run at its own clock's now. */
export const RUN_NOW = 'now';

export type Reports = { digests: RunReport; nudges: RunReport };

export interface Replicas {
  /** Every replica runs what is due at `now`, all starting together; their reports. */
  runAll(now: string): Promise<Reports[]>;
  /**
   * Replica `i` runs what is due at `now` (with `realTime`, at its running clock when `now` is
   * left out); its report. Calls to one replica run one after another.
   */
  run(i: number, now?: string): Promise<Reports>;
  close(): Promise<void>;
}

/** How the replicas run (scheduler-process.ts reads it). */
export interface ReplicaOptions {
  /** The delivery ledger's lease (CrmOptions.deliveryLeaseMs); the product's minimum is 30 s. */
  leaseMs?: number;
  /**
   * Real waits on a running clock: the clock reads `startAt` at the real instant `realStartMs`
   * (the same for every replica) and moves with real time. Without it, a fixed clock that each
   * run sets, and waits that move it instead of sleeping.
   */
  realTime?: { startAt: string; realStartMs: number };
}

/** Starts `n` scheduler processes on `databaseUrl` and waits until all have loaded. */
export async function startReplicas(databaseUrl: string, n: number, slackApiUrl: string, options: ReplicaOptions = {}): Promise<Replicas> {
  const script = path.join(import.meta.dirname, 'scheduler-process.ts');
  const replicas = Array.from({ length: n }, () => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, databaseUrl, slackApiUrl, JSON.stringify(options)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
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
    async run(i, now) {
      const r = replicas[i];
      if (!r) throw new Error(`no replica ${i}`);
      r.child.stdin.write(`${now ?? RUN_NOW}\n`);
      return JSON.parse(await r.nextLine()) as Reports;
    },
    async close() {
      for (const r of replicas) r.child.stdin.end();
      await Promise.all(replicas.map((r) => r.closed));
    },
  };
}
