/**
 * Slack as the built app in a child process sees it, on 127.0.0.1, recording what a person would
 * see: the Web API (`<url>/api/<method>`, pointed at with SLACK_API_URL) answers auth.test,
 * users.info (every user a full member of the home team, after `usersInfoDelayMs`: new people's
 * commands then take that long, which keeps a burst's backlog in flight), conversations.info and
 * the rest with `ok`, and records every chat.postMessage (a DM after a restart); the response URLs
 * (`<url>/respond/<id>`) record every answer posted to them, by id.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The team auth.test names: the app's home team; commands must come from it. */
export const ANSWERS_STUB_TEAM_ID = 'T0CRASH';

export interface RecordedAnswer {
  /** The id at the end of the response URL. */
  id: string;
  /** The answer's text and blocks, as one string to search. */
  text: string;
  at: number;
}

export interface RecordedPost {
  channel: string;
  text: string;
  at: number;
}

export interface SlackAnswersStub {
  /** Base URL for SLACK_API_URL, ending in a slash. */
  apiUrl: string;
  /** The response URL for the request numbered `id`. */
  responseUrl(id: string): string;
  /** Answers posted to response URLs, in order. */
  answers: RecordedAnswer[];
  /** chat.postMessage calls, in order. */
  posts: RecordedPost[];
  /** How long users.info takes (changeable mid-test). */
  usersInfoDelayMs: number;
  close(): Promise<void>;
}

export async function startSlackAnswersStub(opts: { usersInfoDelayMs?: number } = {}): Promise<SlackAnswersStub> {
  const answers: RecordedAnswer[] = [];
  const posts: RecordedPost[] = [];
  const stub = { usersInfoDelayMs: opts.usersInfoDelayMs ?? 0 };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += String(c)));
    req.on('end', () => {
      const url = req.url ?? '';
      if (url.startsWith('/respond/')) {
        answers.push({ id: url.slice('/respond/'.length), text: raw, at: Date.now() });
        res.writeHead(200).end('ok');
        return;
      }
      const method = url.replace(/^\/api\//, '').split('?')[0] ?? '';
      const form = readForm(req.headers['content-type'], raw);
      const reply = (body: Record<string, unknown>, delayMs = 0) =>
        setTimeout(() => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(body));
        }, delayMs);
      switch (method) {
        case 'auth.test':
          return reply({ ok: true, team_id: ANSWERS_STUB_TEAM_ID, team: 'Crash', user_id: 'U0BOT', bot_id: 'B0BOT', url: 'https://crash.slack.com/' });
        case 'users.info': {
          const id = String(form.user ?? 'U0NONE');
          const user = { id, team_id: ANSWERS_STUB_TEAM_ID, name: id.toLowerCase(), real_name: id, tz: 'UTC', profile: { display_name: id.toLowerCase() } };
          return reply({ ok: true, user }, stub.usersInfoDelayMs);
        }
        case 'conversations.info':
          return reply({ ok: true, channel: { id: form.channel, is_ext_shared: false } });
        case 'chat.postMessage':
          posts.push({ channel: String(form.channel ?? ''), text: String(form.text ?? ''), at: Date.now() });
          return reply({ ok: true, channel: form.channel, ts: `${Date.now() / 1000}` });
        default:
          return reply({ ok: true });
      }
    });
  });
  // A burst opens hundreds of connections at once.
  server.maxConnections = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(stub, {
    apiUrl: `${base}/api/`,
    responseUrl: (id: string) => `${base}/respond/${id}`,
    answers,
    posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** The Web API client sends forms; a JSON body is read too. */
function readForm(contentType: string | undefined, raw: string): Record<string, unknown> {
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}
