/**
 * The custom-field commands end to end over the domain (on SQLite, or PostgreSQL with
 * TEST_DATABASE_URL): `/deal field add|remove`, `/deal fields`, `/deal set`, `/deal list
 * source=partner`: what each answer says and what it changed; admins only where it says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand, type CommandContext, type Reply } from '../../src/bot/commands/execute.js';
import { silentLogger } from '../../src/log.js';
import { encodeListCursor, parseListCursor } from '../../src/bot/slack/blocks/cursor.js';
import { encodeRecordCursor, parseRecordCursor } from '../../src/bot/slack/blocks/record-cursor.js';
import { pageCommand } from '../../src/bot/console/render.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb(); // Tuesday 2026-11-24, 11:00 in Berlin
  w = await seedWorkspace(t.crm); // Alice: the first person, an admin; Bob: a member
});
afterAll(async () => t.cleanup());

const run = (text: string, over: Partial<CommandContext> = {}) =>
  executeCommand({ crm: t.crm, actor: w.alice, surface: 'slack', log: silentLogger, ...over }, text);
const asBob = (text: string) => run(text, { actor: w.bob });
function expectKind<K extends Reply['kind']>(reply: Reply, kind: K): Extract<Reply, { kind: K }> {
  if (reply.kind !== kind) throw new Error(`expected a ${kind} reply, got ${reply.kind}: ${JSON.stringify(reply)}`);
  return reply as Extract<Reply, { kind: K }>;
}

describe('custom fields by command', () => {
  it('an admin adds fields; a member is refused with the admins named; anyone lists them', async () => {
    const added = expectKind(await run('field add deal "Source" choice Inbound, Outbound, Partner'), 'help');
    expect(added.text).toBe(
      'Added Source (`source`), a choice field on deals: Inbound, Outbound, Partner.\nSet it: `/deal set D-42 source inbound`. Filter by it: `/deal list source=inbound`.',
    );
    expect(expectKind(await run('field add deal "Source" choice Inbound, Outbound, Partner'), 'help').text).toContain('already have Source (`source`), just like that: nothing changed.');
    expectKind(await run('field add contact Birthday date'), 'help');
    expectKind(await run('field add deal Seats number'), 'help');

    const refused = expectKind(await asBob('field add deal Region text'), 'error');
    expect(refused.message).toBe('Only admins can add custom fields. Ask Alice Adams.');
    expect(refused.hint).toBe('`/deal admins` lists the workspace’s admins and your own role.');

    const listed = expectKind(await asBob('fields'), 'help');
    expect(listed.text).toContain('*Custom fields on deals* (2):\n• Source (`source`): choice: Inbound, Outbound, Partner\n• Seats (`seats`): number');
    expect(listed.text).toContain('*Custom fields on contacts* (1):\n• Birthday (`birthday`): date');
    expect(expectKind(await asBob('fields company'), 'help').text).toContain('Companies have no custom fields yet.');
  });

  it('/deal set D-1 source partner shows the deal card with the value and says what changed', async () => {
    await run('new Acme renewal 25k');
    const set = expectKind(await asBob('set D-1 source partner'), 'deal');
    expect(set.headline).toBe('Source on D-1 is now Partner.');
    expect('fields' in set.deal && set.deal.fields.map((f) => [f.name, f.display])).toEqual([
      ['Source', 'Partner'],
      ['Seats', '—'],
    ]);
    expect(expectKind(await asBob('set D-1 source Partner'), 'deal').headline).toBe('Source on D-1 is already Partner: nothing changed.');
    expect(expectKind(await asBob('set D-1 seats=1,500'), 'deal').headline).toBe('Seats on D-1 is now 1,500.');
    expect(expectKind(await asBob('set D-1 source outbound'), 'deal').headline).toBe('Source on D-1 is now Outbound (was Partner).');
    expect(expectKind(await asBob('set D-1 source -'), 'deal').headline).toBe('Source on D-1 is cleared (it was Outbound).');
    await asBob('set D-1 source partner');
  });

  it('a bad value or an unknown field is refused with what works', async () => {
    const typo = expectKind(await asBob('set D-1 source partnr'), 'error');
    expect(typo.message).toContain('Did you mean Partner?');
    const unknown = expectKind(await asBob('set D-1 region EMEA'), 'error');
    expect(unknown.message).toBe('Deals have no field called “region”. Their fields: source, seats.');
    expect(unknown.hint).toBe('`/deal fields` lists the custom fields and their keys.');
    const missing = expectKind(await asBob('set D-99 source partner'), 'error');
    expect(missing.message).toBe('I can’t find D-99.');
  });

  it('/deal list source=partner lists the deals with that value; an unknown key names the fields', async () => {
    await run('new Globex pilot 10k');
    await asBob('set D-2 source inbound');
    const list = expectKind(await run('list all source=partner'), 'list');
    expect(list.list.heading).toBe('All open deals with source=partner');
    expect(list.list.items.map((d) => d.ref)).toEqual(['D-1']);
    expect(expectKind(await run('list all source=partner seats>1000'), 'list').list.items.map((d) => d.ref)).toEqual(['D-1']);
    const none = expectKind(await run('list all source=partner seats<10'), 'list');
    expect(none.list.items).toEqual([]);
    expect(none.hint).toBe('No deals match. `/deal fields deal` lists the fields and their choices.');
    const unknown = expectKind(await run('list all sorce=partner'), 'error');
    expect(unknown.message).toBe('Deals have no field called “sorce”. Did you mean source? Their fields: source, seats.');
  });

  it('a contact by email or by name, and a company; the card shows the value', async () => {
    await run('field add contact Tier choice Gold, Silver');
    await run('field add company Employees number');
    await run('contact new Jane Doe jane@acme.com at Acme');
    const byEmail = expectKind(await asBob('set contact jane@acme.com tier gold'), 'contact');
    expect(byEmail.headline).toBe('Tier on Jane Doe is now Gold.');
    expect(byEmail.contact.fields.find((f) => f.key === 'tier')?.display).toBe('Gold');
    const byName = expectKind(await asBob('set contact Jane Doe birthday 1990-04-02'), 'contact');
    expect(byName.contact.fields.find((f) => f.key === 'birthday')?.display).toBe('Mon 2 Apr 1990');
    const company = expectKind(await asBob('set company Acme employees 1 200'), 'company');
    expect(company.company.fields).toEqual([{ key: 'employees', name: 'Employees', type: 'number', display: '1,200', value: 1200 }]);
  });

  it('an admin removes a field and its values; a member cannot', async () => {
    expect(expectKind(await asBob('field remove deal source'), 'error').message).toBe('Only admins can remove custom fields. Ask Alice Adams.');
    const removed = expectKind(await run('field remove deal Source'), 'help');
    expect(removed.text).toBe('Removed Source (`source`) from deals. Its value on 2 deals went with it.');
    expect(expectKind(await run('show D-1'), 'deal').deal).toMatchObject({ fields: [{ key: 'seats', display: '1,500' }] });
  });
});

describe('paging a filtered list keeps its filters', () => {
  it('in the Slack buttons of deal, contact and company lists', () => {
    const filters = [{ key: 'source', op: '=' as const, value: 'Trade show' }];
    expect(parseListCursor(encodeListCursor({ scope: { type: 'all', filters }, page: 2, pageSize: 10 }))).toEqual({ scope: { type: 'all', filters }, page: 2, pageSize: 10 });
    for (const cursor of [
      { list: 'contacts' as const, scope: { type: 'company' as const, company: 'Acme', filters }, page: 2, pageSize: 10 },
      { list: 'companies' as const, scope: { type: 'all' as const, filters }, page: 3, pageSize: 10 },
    ]) {
      expect(parseRecordCursor(encodeRecordCursor(cursor))).toEqual(cursor);
    }
  });

  it('in the console’s page command', () => {
    expect(pageCommand({ scope: { type: 'all', filters: [{ key: 'source', op: '=', value: 'Trade show' }, { key: 'seats', op: '>', value: '10' }] } }, 2)).toBe(
      '/deal list all source="Trade show" seats>10 page 2',
    );
  });
});

