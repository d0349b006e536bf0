/**
 * The console's demo data (CRM_DEMO_DATA=always, `npm run seed`) can be asked for again: what is
 * already there is kept, nothing is added twice, and the answer says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleIdentity } from '../../../src/bot/console/identity.js';
import { loadEnv } from '../../../src/config/env.js';
import { DEMO_DEAL_TITLES, describeDemoResult, seedDemo } from '../../../src/db/demo-seed.js';
import type { Member } from '../../../src/generated/sqlite/client.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';

let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t.cleanup());

/** What the workspace holds, as rows. */
async function counts(workspaceId: string) {
  const db = t.handle.db;
  const [companies, contacts, deals, activities, members] = await Promise.all([
    db.company.count({ where: { workspaceId } }),
    db.contact.count({ where: { workspaceId } }),
    db.deal.count({ where: { workspaceId } }),
    db.activity.count({ where: { workspaceId } }),
    db.member.count({ where: { workspaceId } }),
  ]);
  return { companies, contacts, deals, activities, members };
}

describe('the demo data', () => {
  let you: Member;

  beforeAll(async () => {
    you = await ensureConsoleIdentity(t.crm, loadEnv({ CRM_CONSOLE_USER: 'you', CRM_TIMEZONE: 'UTC' }));
  });

  it('is added once: asked for again it adds nothing, changes nothing, and says so', async () => {
    const first = await seedDemo(t.crm, you);
    expect(first).toEqual({ deals: DEMO_DEAL_TITLES.length, existing: 0 });
    expect(describeDemoResult(first)).toBe('Added demo data: 7 deals across the pipeline');
    const before = await counts(you.workspaceId);
    expect(before).toEqual({ companies: 5, contacts: 4, deals: 7, activities: 3, members: 3 });

    const again = await seedDemo(t.crm, you);
    expect(again).toEqual({ deals: 0, existing: 7 });
    expect(describeDemoResult(again)).toBe('Demo data is already there (7 demo deals): nothing added');
    expect(await counts(you.workspaceId)).toEqual(before);
  });

  it('keeps the companies, contacts and members a workspace already has, and adds what is missing', async () => {
    const ws = await t.crm.identity.ensureWorkspace({ platform: 'console', externalId: 'other', name: 'Other', defaultCurrency: 'USD' });
    const me = await t.crm.identity.ensureMember({ workspaceId: ws.id, externalId: 'console:me', handle: 'me', displayName: 'Me', timezone: 'UTC' });
    const actor = await t.crm.identity.actorFor(me);
    // What a person made before asking for the demo: its company, a contact, a member and one of its deals.
    await t.crm.companies.create(actor, { name: 'Acme Corporation', domain: 'acme.com' });
    await t.crm.contacts.create(actor, { name: 'Ana L.', email: 'ana@acme.com' });
    await t.crm.identity.ensureMember({ workspaceId: ws.id, externalId: 'console:maria', handle: 'maria', displayName: 'María', timezone: 'UTC' });
    await t.crm.deals.create(actor, { title: 'Acme platform renewal' });

    const r = await seedDemo(t.crm, me);
    expect(r).toEqual({ deals: 6, existing: 1 });
    expect(describeDemoResult(r)).toBe('Added demo data: 6 deals across the pipeline (1 already there, kept as they are)');
    const db = t.handle.db;
    expect(await db.company.findMany({ where: { workspaceId: ws.id, domain: 'acme.com' }, select: { name: true } })).toEqual([{ name: 'Acme Corporation' }]);
    expect(await db.contact.findMany({ where: { workspaceId: ws.id, email: 'ana@acme.com' }, select: { name: true } })).toEqual([{ name: 'Ana L.' }]);
    expect((await t.crm.identity.findMember(ws.id, 'console:maria'))?.displayName).toBe('María');
    expect(await db.deal.count({ where: { workspaceId: ws.id, title: 'Acme platform renewal' } })).toBe(1);
  });
});
