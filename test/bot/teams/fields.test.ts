/**
 * Custom fields from Teams, through the real Bot Framework endpoint (harness.ts): the installer
 * adds a field, a member sets it with `deal set D-1 source partner` and the deal card shows it as a
 * fact, a member trying to add a field gets the refusal naming the admins, and `deal list
 * source=partner` lists the deal. The card the connector receives stays under Teams' 28 KB.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEAMS_CARD_LIMITS, jsonBytes } from '../../../src/bot/teams/cards/limits.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { activity, captureConnector, cardOf, cardText, CONVERSATIONS, message, mockBotFramework, startTeams, USERS, type Outgoing, type TeamsHarness } from './harness.js';

const asBob = { from: USERS.bob, conversation: CONVERSATIONS.bobPersonal };

let t: TestDb;
let teams: TeamsHarness;

beforeAll(async () => {
  t = await createTestDb();
  teams = await startTeams(t.crm);
  mockBotFramework();
  captureConnector();
  await teams.post(activity('installationUpdate', { action: 'add' }, { conversation: CONVERSATIONS.alicePersonal }));
  await teams.post(message('deal list'));
  await teams.post(message('deal list', asBob));
});
afterAll(async () => {
  await teams.close();
  await t.cleanup();
});

let sent: Outgoing[] = [];
beforeEach(() => {
  nock.cleanAll();
  mockBotFramework();
  sent = captureConnector();
});

/** Sends a message; what the bot posted in answer. */
async function post(text: string, opts: Parameters<typeof message>[1] = {}): Promise<Outgoing[]> {
  const mark = sent.length;
  const res = await teams.post(message(text, opts));
  expect(res.status).toBe(200);
  return sent.slice(mark);
}
const say = async (text: string, opts: Parameters<typeof message>[1] = {}) => (await post(text, opts)).map((s) => cardText(cardOf(s.body))).join('\n');

/** Every FactSet fact of a card, as `title: value`. */
function factsOf(card: unknown): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.type === 'FactSet') for (const f of o.facts as { title: string; value: string }[]) out.push(`${f.title}: ${f.value}`);
    for (const [k, v] of Object.entries(o)) if (k !== 'fallback' && typeof v === 'object') walk(v);
  };
  walk(card);
  return out;
}

describe('custom fields from Teams', () => {
  it('a member cannot add a field: the refusal names the admins, and nothing is added', async () => {
    expect(await say('deal field add deal "Source" choice Inbound, Outbound, Partner', asBob)).toContain('Only admins can add custom fields. Ask Alice Adams.');
    expect(await t.handle.db.fieldDefinition.count()).toBe(0);
  });

  it('the admin adds Source; deal set D-1 source partner answers with the deal card showing it', async () => {
    expect(await say('deal field add deal "Source" choice Inbound, Outbound, Partner')).toContain('Added Source (source), a choice field on deals');
    await say('deal field add deal Seats number');
    await say('deal new Acme renewal 25k', asBob);

    const [answer] = await post('deal set D-1 source partner', asBob);
    const card = cardOf(answer?.body);
    expect(cardText(card)).toContain('Source on D-1 is now Partner.');
    expect(factsOf(card)).toEqual(expect.arrayContaining(['Source: Partner', 'Seats: —']));
    expect(cardText(card)).toMatch(/Bob Brown · source: — → Partner/);
    expect(jsonBytes(answer?.body)).toBeLessThan(TEAMS_CARD_LIMITS.messageBytes);

    // A bad value is refused with the choices, and the value stays.
    expect(await say('deal set D-1 source partnr', asBob)).toContain('Did you mean Partner?');
    expect(factsOf(cardOf((await post('deal D-1', asBob))[0]?.body))).toContain('Source: Partner');
  });

  it('deal list source=partner lists the deal', async () => {
    await say('deal new Globex pilot 10k', asBob);
    const listed = await say('deal list all source=partner', asBob);
    expect(listed).toContain('All open deals with source=partner');
    expect(listed).toContain('Acme renewal');
    expect(listed).not.toContain('Globex pilot');
  });
});
