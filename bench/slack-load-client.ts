/**
 * The load generator for bench/slack-load.ts, run as a second process: sends `/deal` requests
 * signed like Slack signs them to the server on loopback, with a fixed concurrency, and measures
 * (a) the HTTP acknowledgement and (b) the full answer: the time until the server posts its reply
 * to the request's response URL, which this process serves.
 * Args (JSON in argv[2]): { target, secret, teamId, users[], requests, concurrency, texts[], awaitAnswer, answerTimeoutMs? }
 * Prints { ack[], full[], seconds, failures, busy }: `busy` counts acknowledgements that said "busy".
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Args {
  target: string;
  secret: string;
  teamId: string;
  users: string[];
  requests: number;
  concurrency: number;
  texts: string[];
  /** false for the bare app, which acknowledges and answers nothing. */
  awaitAnswer: boolean;
  /** How long to wait for an answer before counting the request as answered then (default 10 s). */
  answerTimeoutMs?: number;
}

const args = JSON.parse(process.argv[2]!) as Args;
const pending = new Map<string, () => void>();
const stub = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const id = req.url?.split('/').pop() ?? '';
    pending.get(id)?.();
    pending.delete(id);
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
const stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
// A fresh connection per request: keep-alive sockets closed by the server mid-run would count as failures.
const agent = new http.Agent({ keepAlive: false, maxSockets: args.concurrency });

let busy = 0;
function post(body: string): Promise<{ status: number; refused: boolean }> {
  const ts = Math.floor(Date.now() / 1000);
  const sig = `v0=${createHmac('sha256', args.secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${args.target}/slack/events`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': sig,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += String(c)));
        // A refusal is acknowledged with the busy answer as its body: nothing more will come.
        res.on('end', () => resolve({ status: res.statusCode ?? 0, refused: /busy|restarting/.test(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const ack: number[] = [];
const full: number[] = [];
let next = 0;
let failures = 0;
async function worker(): Promise<void> {
  while (next < args.requests) {
    const i = next++;
    const id = `r${i}`;
    const text = args.texts[i % args.texts.length]!;
    const body = new URLSearchParams({
      team_id: args.teamId,
      team_domain: 'bench',
      channel_id: 'C0BENCH',
      user_id: args.users[i % args.users.length]!,
      user_name: 'bench',
      command: '/deal',
      text,
      response_url: `${stubUrl}/respond/${id}`,
      trigger_id: `trig-${process.pid}-${i}`,
    }).toString();
    const answered = args.awaitAnswer ? new Promise<void>((r) => pending.set(id, r)) : Promise.resolve();
    const t0 = performance.now();
    const { status, refused } = await post(body).catch(() => ({ status: 0, refused: false }));
    ack.push(performance.now() - t0);
    if (status !== 200) failures++;
    if (refused) busy++;
    if (status === 200 && !refused) await Promise.race([answered, new Promise((r) => setTimeout(r, args.answerTimeoutMs ?? 10_000))]);
    full.push(performance.now() - t0);
  }
}
const started = performance.now();
await Promise.all(Array.from({ length: args.concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
stub.close();
agent.destroy();
process.stdout.write(JSON.stringify({ ack, full, seconds, failures, busy }));
