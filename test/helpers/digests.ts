/**
 * Digest and nudge deliveries under test: a runner over the real Slack notifier (Slack's Web API
 * answered by nock), with a sleep that moves the test's FixedClock instead of waiting.
 */
import nock from 'nock';
import { SlackNotifier } from '../../src/bot/slack/notifier.js';
import { createDeliveryRunner, type Crm, type DeliveryRunner, type DeliveryRunnerOptions } from '../../src/domain/index.js';
import type { FixedClock } from '../../src/domain/ports.js';
import { parseApiBody } from './slack.js';

export interface TestRunner {
  runner: DeliveryRunner;
  notifier: SlackNotifier;
  /** Every wait the runner asked for (Retry-After, backoff, pacing), in ms. */
  waits: number[];
}

export function slackRunner(crm: Crm, clock: FixedClock, opts: Partial<DeliveryRunnerOptions> = {}): TestRunner {
  const waits: number[] = [];
  const notifier = new SlackNotifier({ crm, botToken: 'xoxb-test-token' });
  const runner = createDeliveryRunner(crm, notifier, {
    platforms: ['slack'],
    sleep: async (ms) => {
      waits.push(ms);
      clock.advance(ms);
    },
    ...opts,
  });
  return { runner, notifier, waits };
}

export interface PostedMessage {
  channel: string;
  text: string;
  blocks: unknown[];
  metadata: { event_type: string; event_payload: { key: string } };
  ts: string;
}

let tsSeq = 0;

/**
 * Answers every chat.postMessage with ok (until `cleanAll`), recording what was posted. `answer`
 * can change the reply of the n-th call (0-based): a status code and body, or a delay.
 */
export function recordPosts(answer?: (n: number, body: Record<string, unknown>) => { status: number; body: unknown; headers?: Record<string, string> } | undefined) {
  const posts: PostedMessage[] = [];
  let calls = 0;
  // Digests check that a channel is not shared with another organisation before posting.
  nock('https://slack.com')
    .persist()
    .post('/api/conversations.info')
    .reply(200, (_uri, raw) => ({ ok: true, channel: { id: parseApiBody(raw).channel, is_ext_shared: false } }));
  nock('https://slack.com')
    .persist()
    .post('/api/chat.postMessage')
    .reply((_uri, raw) => {
      const body = parseApiBody(raw);
      const n = calls++;
      const custom = answer?.(n, body);
      if (custom) return [custom.status, custom.body, custom.headers ?? {}];
      const ts = `1790000000.${String(++tsSeq).padStart(6, '0')}`;
      posts.push({ ...(body as unknown as PostedMessage), ts });
      return [200, { ok: true, channel: body.channel, ts }];
    });
  return { posts, calls: () => calls };
}
