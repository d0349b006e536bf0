/**
 * Custom fields from Slack, through signed requests to the real Bolt receiver (users.info and the
 * response URLs answered by nock): an admin adds a field, a member sets it with `/deal set D-1
 * source partner` and the deal card shows it (and its timeline says so), a member trying to add a
 * field gets the refusal naming the admins, and `/deal list source=partner` lists the deal.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { blockKitViolations, describeViolations } from '../../../src/bot/slack/blocks/limits.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { captureResponseUrl, mockSlackBasics, parseApiBody, startSlack, textOf, type SlackHarness } from '../../helpers/slack.js';

let t: TestDb;
let slack: SlackHarness;

const PEOPLE: Record<string, Record<string, unknown>> = {
  U0MARIA: { name: 'maria', real_name: 'Maria Garcia', is_admin: true },
  U0BOB: { name: 'bob', real_name: 'Bob Brown' },
};
const as = (userId: string) => ({ userId, userName: String(PEOPLE[userId]!.name) });

function mockPeople() {
  nock('https://slack.com')
    .persist()
    .post('/api/users.info', (body: unknown) => Boolean(PEOPLE[String(parseApiBody(body).user)]))
    .reply(200, (_uri, body) => {
      const id = String(parseApiBody(body).user);
      return { ok: true, user: { id, team_id: 'T0ACME', tz: 'UTC', profile: { email: `${String(PEOPLE[id]!.name)}@acme.test` }, ...PEOPLE[id] } };
    });
}

beforeAll(async () => {
  t = await createTestDb();
  slack = await startSlack(t.crm);
  nock.cleanAll();
  mockPeople();
  mockSlackBasics();
  for (const id of ['U0MARIA', 'U0BOB']) await say('list', as(id));
});
afterAll(async () => {
  await slack.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockPeople();
  mockSlackBasics();
});

/** Types a command; the whole answer Slack is asked to show. */
async function answer(text: string, who: { userId: string; userName: string }): Promise<Record<string, unknown>> {
  const captured = captureResponseUrl();
  const res = await slack.command(text, who);
  expect(res.status).toBe(200);
  return captured;
}

async function say(text: string, who: { userId: string; userName: string }): Promise<string> {
  const msg = await answer(text, who);
  return `${String(msg.text ?? '')}\n${textOf(msg.blocks)}`;
}

describe('custom fields from Slack', () => {
  it('a member cannot add a field: the refusal names the admins, and nothing is added', async () => {
    const said = await say('field add deal "Source" choice Inbound, Outbound, Partner', as('U0BOB'));
    expect(said).toContain('Only admins can add custom fields. Ask Maria Garcia.');
    expect(await t.handle.db.fieldDefinition.count()).toBe(0);
  });

  it('an admin adds Source; /deal set D-1 source partner answers with the deal card showing it', async () => {
    expect(await say('field add deal "Source" choice Inbound, Outbound, Partner', as('U0MARIA'))).toContain('Added Source (`source`), a choice field on deals: Inbound, Outbound, Partner.');
    await say('field add deal "Renewal date" date', as('U0MARIA'));
    await say('new Acme renewal 25k', as('U0BOB'));

    const msg = await answer('set D-1 source partner', as('U0BOB'));
    const blocks = msg.blocks as Record<string, unknown>[];
    expect(blockKitViolations('message', msg), describeViolations(blockKitViolations('message', msg))).toEqual([]);
    const text = textOf(blocks);
    expect(text).toContain('Source on D-1 is now Partner.');
    // The card's custom fields: a fields section of `*Name*\nvalue`, unset ones as a dash.
    const sections = blocks.filter((b) => b.type === 'section' && Array.isArray(b.fields));
    const fieldTexts = sections.flatMap((s) => (s.fields as { text: string }[]).map((f) => f.text));
    expect(fieldTexts).toContain('*Source*\nPartner');
    expect(fieldTexts).toContain('*Renewal date*\n—');
    // The timeline says who set it.
    expect(text).toMatch(/Bob Brown · source: — → Partner/);

    // Shown again later, the card still has it.
    const card = await say('D-1', as('U0MARIA'));
    expect(card).toContain('*Source*\nPartner');
  });

  it('/deal list source=partner lists the deal; a typo of the field names the fields', async () => {
    await say('new Globex pilot 10k', as('U0BOB'));
    const listed = await say('list all source=partner', as('U0BOB'));
    expect(listed).toContain('All open deals with source=partner');
    expect(listed).toContain('Acme renewal');
    expect(listed).not.toContain('Globex pilot');
    // Slack shows a person's words with zero-width spaces around `_` (escape.ts): read without them.
    const typo = (await say('list all sorce=partner', as('U0BOB'))).replaceAll('\u200B', '');
    expect(typo).toContain('Deals have no field called “sorce”. Did you mean source? Their fields: source, renewal_date.');
  });
});
