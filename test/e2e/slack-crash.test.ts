/**
 * Acknowledged means done, once, at the process level: the BUILT app (`node dist/main.js`) gets a
 * burst of signed `/deal new …` commands over HTTP, as Slack sends them, and is killed (SIGKILL),
 * stopped (SIGTERM) or overloaded mid-burst. Slack is a stub on 127.0.0.1 that records what a
 * person would see: the answers posted to each command's response URL, and direct messages.
 * Every command that got its acknowledgement (HTTP 200, no "busy") must end as one deal with its
 * title, answered through its response URL, or be answered as failed; none lost, none done twice.
 */
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, killLaunchedApps, launchApp, ROOT, rssMb, type AppProcess } from '../helpers/app-process.js';
import { ANSWERS_STUB_TEAM_ID, startSlackAnswersStub, type SlackAnswersStub } from '../helpers/slack-answers-stub.js';

const SIGNING_SECRET = 'crash-test-signing-secret';
/** A start costs 3 to 4 s of CPU; the machine is shared. Generous, and not what is asserted. */
const READY_TIMEOUT_MS = 40_000;
/** From a restart until every acknowledged command is settled (a lease of 2 s, then the backlog). */
const SETTLE_TIMEOUT_MS = 40_000;
const TEST_TIMEOUT_MS = 120_000;
/** The issue's bound, from SIGTERM to the process's exit. */
const STOP_LIMIT_MS = 10_000;
/** Slack's: every acknowledgement, "busy" included, within 3 s. */
const ACK_LIMIT_MS = 3_000;
const LEASE_SECONDS = 2;
/** The overload: OVERLOAD_WAVES waves of OVERLOAD_WAVE commands sent at the same moment. */
const OVERLOAD_WAVES = 30;
const OVERLOAD_WAVE = 40;
/** What an answer says when a deal was made (the first run, or a replay that found it made). */
const DONE_ANSWER = /Created D-\d+|D-\d+ was already created/;
const NOTHING_CHANGED = /nothing was changed|something went wrong/i;
const BUSY = /busy|restarting/;

let dir: string;

beforeAll(async () => {
  // What `npm start` runs first; the app under test is dist/, not the sources.
  await promisify(execFile)('npm', ['run', 'build', '--silent'], { cwd: ROOT });
  dir = mkdtempSync(path.join(os.tmpdir(), 'crm-slack-crash-'));
}, 120_000);

afterAll(() => {
  killLaunchedApps();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function freshDatabase(name: string): string {
  const file = path.join(dir, `${name}.db`);
  copyFileSync(inject('sqliteTemplate'), file);
  return file;
}

function appEnv(file: string, port: number, stub: SlackAnswersStub, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOME: dir,
    DATABASE_URL: `file:${file}`,
    PORT: String(port),
    SLACK_BOT_TOKEN: 'xoxb-crash',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: stub.apiUrl,
    CRM_INBOX_LEASE_SECONDS: String(LEASE_SECONDS),
    CRM_SCHEDULER: 'off',
    CRM_TIMEZONE: 'UTC',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

async function start(env: Record<string, string>): Promise<AppProcess> {
  const app = launchApp(env);
  await app.waitFor(/Slack: listening on port/, READY_TIMEOUT_MS);
  return app;
}

interface Sent {
  id: string;
  title: string;
  /** 0: no HTTP answer (the connection was refused or cut). */
  status: number;
  body: string;
  ackMs: number;
}

/** `/deal new <title>` signed as Slack signs it, each from a person of its own (users.info once each). */
function sendCommand(port: number, stub: SlackAnswersStub, id: string, title: string): Promise<Sent> {
  const body = new URLSearchParams({
    token: 'legacy',
    team_id: ANSWERS_STUB_TEAM_ID,
    team_domain: 'crash',
    channel_id: 'C0SALES',
    channel_name: 'sales',
    user_id: `U0${id.toUpperCase()}`,
    user_name: id,
    command: '/deal',
    text: `new ${title}`,
    api_app_id: 'A0CRM',
    response_url: stub.responseUrl(id),
    trigger_id: `trig-${id}`,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const done = (status: number, text: string) => resolve({ id, title, status, body: text, ackMs: performance.now() - t0 });
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/slack/events',
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signature,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += String(c)));
        res.on('end', () => done(res.statusCode ?? 0, text));
        res.on('error', () => done(0, ''));
      },
    );
    req.on('error', () => done(0, ''));
    req.end(body);
  });
}

/**
 * Sends `count` commands, one every `spacingMs`; `at.then()` runs once, at the first
 * acknowledgement after which `at.when(acked)` holds (the signal mid-burst). Resolves when every
 * request has its outcome.
 */
async function burst(
  port: number,
  stub: SlackAnswersStub,
  opts: { prefix: string; count: number; spacingMs: number; at?: { when: (acked: number) => boolean; then: () => void } },
): Promise<Sent[]> {
  let acked = 0;
  let fired = false;
  const all: Promise<Sent>[] = [];
  for (let i = 0; i < opts.count; i++) {
    const id = `${opts.prefix}${i}`;
    all.push(
      sendCommand(port, stub, id, `${opts.prefix} deal ${i}`).then((s) => {
        if (isAcknowledged(s) && opts.at && opts.at.when(++acked) && !fired) {
          fired = true;
          opts.at!.then();
        }
        return s;
      }),
    );
    if (opts.spacingMs) await new Promise((r) => setTimeout(r, opts.spacingMs));
  }
  return Promise.all(all);
}

/** Acknowledged and taken on: HTTP 200 with an empty body (a refusal is 200 with "busy" in the body). */
const isAcknowledged = (s: Sent) => s.status === 200 && !BUSY.test(s.body);

/** The file as another process reads it while the app runs (WAL). */
function readRows(file: string): { titles: Map<string, number>; pending: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const titles = new Map<string, number>();
    for (const t of db.prepare('SELECT title FROM Deal').pluck().all() as string[]) titles.set(t, (titles.get(t) ?? 0) + 1);
    const pending = db.prepare("SELECT count(*) FROM InboxItem WHERE status = 'pending'").pluck().get() as number;
    return { titles, pending };
  } finally {
    db.close();
  }
}

interface Outcome {
  sent: Sent;
  deals: number;
  answers: string[];
  /** When each answer arrived (ms since the epoch). */
  answeredAt: number[];
  dms: string[];
}

function outcomes(sent: Sent[], stub: SlackAnswersStub, file: string): Outcome[] {
  const { titles } = readRows(file);
  return sent.map((s) => ({
    sent: s,
    deals: titles.get(s.title) ?? 0,
    answers: stub.answers.filter((a) => a.id === s.id).map((a) => a.text),
    answeredAt: stub.answers.filter((a) => a.id === s.id).map((a) => a.at),
    dms: stub.posts.filter((p) => p.channel === `U0${s.id.toUpperCase()}`).map((p) => p.text),
  }));
}

/** Done once and told so; or not done and told it failed. */
function settled(o: Outcome): boolean {
  if (o.deals === 1) return o.answers.some((a) => DONE_ANSWER.test(a));
  return o.deals === 0 && (o.dms.length > 0 || o.answers.some((a) => !DONE_ANSWER.test(a)));
}

async function untilSettled(acked: Sent[], stub: SlackAnswersStub, file: string, app: AppProcess): Promise<Outcome[]> {
  const t0 = performance.now();
  for (;;) {
    const now = outcomes(acked, stub, file);
    if (now.every(settled) && readRows(file).pending === 0) return now;
    if (performance.now() - t0 > SETTLE_TIMEOUT_MS) {
      const open = now.filter((o) => !settled(o)).map((o) => `${o.sent.id}: ${o.deals} deal(s), ${o.answers.length} answer(s), ${o.dms.length} DM(s)`);
      throw new Error(`not settled within ${SETTLE_TIMEOUT_MS} ms (${open.length} open, ${readRows(file).pending} pending):\n${open.slice(0, 20).join('\n')}\nstderr:\n${app.err().slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function tally(label: string, sent: Sent[], result: Outcome[], killedAt: number) {
  const counts = {
    sent: sent.length,
    acknowledged: result.length,
    refused: sent.filter((s) => s.status === 200 && BUSY.test(s.body)).length,
    unanswered: sent.filter((s) => s.status !== 200).length,
    doneBefore: result.filter((o) => o.deals === 1 && o.answeredAt.some((t) => t < killedAt)).length,
    doneAfterRestart: result.filter((o) => o.deals === 1 && !o.answeredAt.some((t) => t < killedAt)).length,
    answeredFailed: result.filter((o) => o.deals === 0).length,
    answeredTwice: result.filter((o) => o.answers.length > 1).length,
    doneTwice: result.filter((o) => o.deals > 1).length,
    lost: result.filter((o) => !settled(o)).length,
  };
  console.log(`${label}: ${JSON.stringify(counts)}`);
  return counts;
}

function percentiles(xs: number[]): { p50: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN);
  return { p50: at(50), p99: at(99), max: Math.round(s[s.length - 1] ?? NaN) };
}

// The two run side by side (each its own stub, port and file): most of their time is waiting.
describe.concurrent('the built app killed or stopped mid-burst of signed /deal commands', () => {
  it('SIGKILL mid-burst, then a restart: every acknowledged command is done exactly once or answered as failed, none lost', async () => {
    // users.info takes 100 ms for each new person: 8 at a time, the work falls behind the acks.
    const stub = await startSlackAnswersStub({ usersInfoDelayMs: 100 });
    const file = freshDatabase('sigkill');
    const port = await freePort();
    const env = appEnv(file, port, stub);
    const first = await start(env);
    let killedAt = Infinity;
    const sent = await burst(port, stub, {
      prefix: 'kill',
      count: 300,
      spacingMs: 10,
      at: {
        // Half-way through the burst: acknowledged and waiting, some perhaps answered, more arriving.
        when: (acked) => acked >= 150,
        then: () => {
          killedAt = Date.now();
          process.kill(first.pid, 'SIGKILL');
        },
      },
    });
    expect((await first.exited).signal).toBe('SIGKILL');
    const acked = sent.filter(isAcknowledged);
    const before = outcomes(acked, stub, file);
    // The kill did land mid-way: acknowledged commands were not finished yet.
    expect(before.filter((o) => !settled(o)).length).toBeGreaterThan(0);

    stub.usersInfoDelayMs = 0;
    const second = await start(env);
    const result = await untilSettled(acked, stub, file, second);
    const counts = tally('SIGKILL', sent, result, killedAt);
    expect(counts.doneAfterRestart + counts.answeredFailed).toBeGreaterThan(0);
    expect(counts.doneTwice).toBe(0);
    expect(counts.lost).toBe(0);
    // Nothing that was not acknowledged was done either, except what was recorded just before the kill.
    process.kill(second.pid, 'SIGTERM');
    expect((await second.exited).code).toBe(0);
    await stub.close();
  }, TEST_TIMEOUT_MS);

  it('SIGTERM mid-burst: exit code 0 within 10 s; every acknowledged command completes (by the next start if need be); nobody told "nothing was changed" for a write that happened', async () => {
    // 400 ms per new person, 8 at a time: more work acknowledged than the stop's drain can finish.
    const stub = await startSlackAnswersStub({ usersInfoDelayMs: 400 });
    const file = freshDatabase('sigterm');
    const port = await freePort();
    const env = appEnv(file, port, stub);
    const first = await start(env);
    let stopped: Promise<{ code: number | null; ms: number }> | undefined;
    let stoppedAt = Infinity;
    const sent = await burst(port, stub, {
      prefix: 'term',
      count: 200,
      spacingMs: 2,
      at: {
        when: (acked) => acked >= 120,
        then: () => {
          stoppedAt = Date.now();
          const t0 = performance.now();
          process.kill(first.pid, 'SIGTERM');
          stopped = first.exited.then(({ code }) => ({ code, ms: performance.now() - t0 }));
        },
      },
    });
    const { code, ms } = await stopped!;
    expect(code, first.err().slice(-3000)).toBe(0);
    expect(ms).toBeLessThan(STOP_LIMIT_MS);
    const acked = sent.filter(isAcknowledged);
    const leftByStop = readRows(file).pending;

    stub.usersInfoDelayMs = 0;
    const second = await start(env);
    const result = await untilSettled(acked, stub, file, second);
    const counts = tally(`SIGTERM (left pending by the stop: ${leftByStop}, stop took ${Math.round(ms)} ms)`, sent, result, stoppedAt);
    // Completes: every acknowledged command is a deal, once, and said so.
    expect(counts.answeredFailed).toBe(0);
    expect(counts.doneTwice).toBe(0);
    expect(counts.lost).toBe(0);
    for (const o of result) {
      expect(o.deals).toBe(1);
      for (const answer of o.answers) expect(answer, o.sent.id).not.toMatch(NOTHING_CHANGED);
    }
    // Refused while stopping: said so at once, and not done.
    const { titles } = readRows(file);
    for (const s of sent.filter((x) => !isAcknowledged(x))) expect(titles.get(s.title) ?? 0, s.id).toBe(0);
    process.kill(second.pid, 'SIGTERM');
    expect((await second.exited).code).toBe(0);
    await stub.close();
  }, TEST_TIMEOUT_MS);

});

describe('the built app overloaded', () => {
  it('CRM_MAX_BACKLOG=20: past it every command gets the busy answer at once in its HTTP response, and memory stays bounded', async () => {
    // Each new person takes users.info 1 s: the 20 places stay full for the whole burst.
    const stub = await startSlackAnswersStub({ usersInfoDelayMs: 1000 });
    const file = freshDatabase('overload');
    const port = await freePort();
    // Each refusal logs a warning: errors only, so that the log pipe to this process stays empty.
    const app = await start(appEnv(file, port, stub, { CRM_MAX_BACKLOG: '20', LOG_LEVEL: 'error' }));
    const rssBefore = rssMb(app.pid);
    const sent: Sent[] = [];
    // 1,200 commands, 40 at the same moment at a time.
    let rssHalfway = 0;
    for (let wave = 0; wave < OVERLOAD_WAVES; wave++) {
      sent.push(...(await burst(port, stub, { prefix: `w${wave}x`, count: OVERLOAD_WAVE, spacingMs: 0 })));
      if (wave === OVERLOAD_WAVES / 2 - 1) rssHalfway = rssMb(app.pid);
    }
    const rssAfter = rssMb(app.pid);
    const busy = sent.filter((s) => s.status === 200 && /busy/.test(s.body));
    const accepted = sent.filter(isAcknowledged);
    console.log(
      `overload: ${JSON.stringify({ sent: sent.length, accepted: accepted.length, busy: busy.length, busyAckMs: percentiles(busy.map((b) => b.ackMs)), rssBeforeMb: Math.round(rssBefore), rssHalfwayMb: Math.round(rssHalfway), rssAfterMb: Math.round(rssAfter) })}`,
    );
    expect(sent.every((s) => s.status === 200)).toBe(true);
    expect(busy.length).toBeGreaterThan(sent.length * 0.8);
    for (const b of busy) {
      expect(JSON.parse(b.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/try again in a minute/) });
      expect(b.ackMs).toBeLessThan(ACK_LIMIT_MS);
    }
    // Refused ones are recorded nowhere: the inbox holds exactly the accepted ones.
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT count(*) FROM InboxItem WHERE kind = 'command'").pluck().get()).toBe(accepted.length);
    db.close();
    // Generous: the backlog holds 20 requests; a process that kept 1,200 would grow far more.
    expect(rssAfter - rssBefore).toBeLessThan(150);
    process.kill(app.pid, 'SIGTERM');
    await app.exited;
    await stub.close();
  }, TEST_TIMEOUT_MS);
});
