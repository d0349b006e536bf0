/**
 * The modals' typeaheads (external selects) through the real Bolt receiver: every answer comes
 * back within Slack's 3 seconds and within Slack's limits for options, whatever is typed.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BLOCKS, INPUTS, VIEWS } from '../../../src/bot/slack/ids.js';
import { blockKitViolations, describeViolations, SLACK_LIMITS } from '../../../src/bot/slack/blocks/limits.js';
import { COMPANY_NAME_TOO_LONG, NEW_COMPANY_NAME_MAX, NEW_COMPANY_PREFIX } from '../../../src/bot/slack/blocks/modals.js';
import { TYPEAHEAD_LIMITS } from '../../../src/bot/slack/listeners/options/index.js';
import type { Actor } from '../../../src/domain/index.js';


import { createTestDb, type TestDb } from '../../helpers/db.js';
import { captureResponseUrl, mockSlackBasics, nextId, startSlack, type SlackHarness } from '../../helpers/slack.js';

let t: TestDb;
let slack: SlackHarness;

beforeAll(async () => {
  t = await createTestDb();
  slack = await startSlack(t.crm);
  // The process's first request pays one-time costs (Bolt's auth.test, the database pool's first
  // connection, Alice's enrolment); the timings below are for a running app.
  // A typeahead answers only for people the CRM already knows (it may not ask Slack who they are
  // before answering): Alice uses /deal first, as she would have to open one of its modals.
  mockSlackBasics();
  const known = captureResponseUrl();
  await slack.command('list');
  await known;
  await slack.interaction(suggestion('deal', ''));
});
afterAll(async () => {
  await slack.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockSlackBasics();
});

type Key = 'deal' | 'company' | 'contact';
const CALLBACKS: Record<Key, string> = { deal: VIEWS.logActivity, company: VIEWS.createDeal, contact: VIEWS.logActivity };

/** A block_suggestion from Alice typing `value` into one of the modals' external selects. */
function suggestion(key: Key, value: string, userId = 'U0ALICE') {
  return {
    type: 'block_suggestion',
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T0ACME' },
    team: { id: 'T0ACME', domain: 'acme' },
    api_app_id: 'A0CRM',
    action_id: INPUTS[key],
    block_id: BLOCKS[key],
    value,
    container: { type: 'view', view_id: 'V0MODAL' },
    view: { id: 'V0MODAL', type: 'modal', callback_id: CALLBACKS[key], private_metadata: '{}', state: { values: {} }, hash: 'h' },
  };
}

interface OptionsAnswer {
  options: { text: { type: string; text: string }; value: string }[];
}

/** Sends the suggestion and measures how long Slack would wait for the answer. */
async function typeahead(key: Key, value: string, userId?: string): Promise<{ status: number; ms: number; body: OptionsAnswer }> {
  const started = performance.now();
  const res = await slack.interaction(suggestion(key, value, userId));
  const ms = performance.now() - started;
  const text = await res.text();
  return { status: res.status, ms, body: (text ? JSON.parse(text) : {}) as OptionsAnswer };
}

function expectWithinLimits(body: OptionsAnswer) {
  expect(describeViolations(blockKitViolations('options', body))).toBe('');
}

const LONG_QUERY = 'Ünïcødé 🚀 *bold* _it_ `code` <@U0EVE> & '.repeat(20).slice(0, 300);

describe('typeaheads answer within 3 seconds and within Slack’s limits', () => {
  for (const key of ['deal', 'company', 'contact'] as const) {
    it(`the ${key} typeahead answers a 300-character query with a 200 and valid options`, async () => {
      expect(LONG_QUERY.length).toBe(300);
      const { status, ms, body } = await typeahead(key, LONG_QUERY);
      expect(status).toBe(200);
      expect(ms).toBeLessThan(3000);
      expect(Array.isArray(body.options)).toBe(true);
      expectWithinLimits(body);
    });
  }
});

/** Alice as the CRM knows her after her first typeahead (so tests can add records as her). */
async function alice(): Promise<Actor> {
  await typeahead('deal', '');
  const ws = await t.crm.identity.findWorkspace('slack', 'T0ACME');
  const member = await t.crm.identity.findMember(ws!.id, 'U0ALICE');
  return t.crm.identity.actorFor(member!);
}

/** `n` characters of a name with Markdown, emoji and letters outside ASCII, starting with `start`. */
const longName = (start: string, n: number) => `${start} Ünïcødé *Søn* & _Töchter_ 🚀 `.repeat(20).slice(0, n).trimEnd().padEnd(n, 'x');

describe('the company typeahead never turns a long name into a different company', () => {
  it(`offers "Create" with the whole name up to ${NEW_COMPANY_NAME_MAX} characters`, async () => {
    const name = longName('Fits', NEW_COMPANY_NAME_MAX);
    const { body } = await typeahead('company', name);
    expectWithinLimits(body);
    const create = body.options.find((o) => o.value.startsWith(NEW_COMPANY_PREFIX));
    expect(create?.value).toBe(`${NEW_COMPANY_PREFIX}${name}`);
    expect(create?.value.length).toBe(SLACK_LIMITS.optionValue);
    expect(create?.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.optionText);
    expect(create?.text.text.endsWith('…')).toBe(true);
  });

  it('offers no "Create" for a longer name, but an option that says why and creates nothing', async () => {
    for (const n of [NEW_COMPANY_NAME_MAX + 1, 200, 300]) {
      const { status, body } = await typeahead('company', longName('Long', n));
      expect(status).toBe(200);
      expectWithinLimits(body);
      expect(body.options.some((o) => o.value.startsWith(NEW_COMPANY_PREFIX))).toBe(false);
      const refusal = body.options.find((o) => o.value === COMPANY_NAME_TOO_LONG);
      expect(refusal?.text.text).toContain(`${NEW_COMPANY_NAME_MAX} characters at most`);
    }
    expect(await t.handle.db.company.count({ where: { name: { startsWith: 'Long' } } })).toBe(0);
  });

  it('finds an existing company with the longest name the CRM accepts, by id', async () => {
    const actor = await alice();
    const name = longName('Existing', 200);
    const company = await t.crm.companies.create(actor, { name });
    const { body } = await typeahead('company', name);
    expectWithinLimits(body);
    expect(body.options.map((o) => o.value)).toEqual([company.id]);
    expect(body.options[0]!.text.text.endsWith('…')).toBe(true);
  });
});

describe('the deal and contact typeaheads with the longest records', () => {
  it(`searches a longer query by its first ${TYPEAHEAD_LIMITS.queryChars} characters and finds the deal`, async () => {
    const actor = await alice();
    const title = longName('Deal', 200);
    const { deal } = await t.crm.deals.create(actor, { title });
    const { status, ms, body } = await typeahead('deal', `${title} and then another hundred characters typed for no reason at all, on and on`);
    expect(status).toBe(200);
    expect(ms).toBeLessThan(3000);
    expectWithinLimits(body);
    expect(body.options.map((o) => o.value)).toContain(deal.id);
  });

  it('shows a contact with the longest name and email within 75 characters', async () => {
    const actor = await alice();
    const name = longName('Contact', 200);
    const contact = await t.crm.contacts.create(actor, { name, email: `${'a'.repeat(64)}@${'b'.repeat(60)}.example.com` });
    const { body } = await typeahead('contact', name);
    expectWithinLimits(body);
    expect(body.options.map((o) => o.value)).toEqual([contact.id]);
  });
});

describe('a typeahead answers even when Slack’s API is slow', () => {
  it('answers within 3 seconds when users.info takes 5 seconds for a new person', async () => {
    nock.cleanAll();
    const api = nock('https://slack.com').persist();
    api.post('/api/auth.test').reply(200, { ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T0ACME' });
    api.post('/api/users.info').delay(5000).reply(200, { ok: true, user: { id: 'U0NEWBIE', name: 'newbie', tz: 'UTC', profile: {} } });
    for (const key of ['deal', 'company', 'contact'] as const) {
      const { status, ms, body } = await typeahead(key, 'acme', nextId('U0NEW'));
      expect(status).toBe(200);
      expect(ms).toBeLessThan(3000);
      expectWithinLimits(body);
    }
  });
});
