import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrm, DomainErrorCode } from '../../src/domain/index.js';
import type { Db } from '../../src/db/client.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, usd, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let a: TestWorkspace;
let b: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb();
  a = await seedWorkspace(t.crm, 'T-AAA', 'Team A');
  b = await seedWorkspace(t.crm, 'T-BBB', 'Team B');
});
afterAll(async () => t.cleanup());

describe('one workspace never sees another’s data', () => {
  it('keeps references, lists, searches, reports and lookups by id inside the workspace', async () => {
    const secret = await t.crm.deals.create(a.alice, { title: 'Secret merger', amount: usd(1_000_000), companyName: 'Hooli' });
    await t.crm.deals.setNextAction(a.alice, secret.deal.ref, { action: 'Sign', due: '2026-11-01' });
    const theirs = await t.crm.deals.create(b.alice, { title: 'Their deal' });
    // Both workspaces number from D-1.
    expect(secret.deal.ref).toBe('D-1');
    expect(theirs.deal.ref).toBe('D-1');
    expect((await t.crm.deals.get(b.alice, 'D-1')).title).toBe('Their deal');

    expect((await t.crm.deals.find(b.alice, 'secret')).total).toBe(0);
    expect((await t.crm.deals.find(b.alice, 'hooli')).total).toBe(0);
    expect((await t.crm.deals.list(b.alice, { type: 'all' })).items.map((d) => d.title)).toEqual(['Their deal']);
    expect((await t.crm.reports.nextActionsDue(b.alice)).total).toBe(0);
    t.clock.advance(30 * 24 * 3600 * 1000);
    expect((await t.crm.reports.staleDeals(b.alice)).items.map((d) => d.title)).toEqual(['Their deal']);
    expect((await t.crm.reports.pipelineSummary(b.alice)).open.totals).toEqual([]);

    // Ids from another workspace (a forged button value, say) are not found, and change nothing.
    await expect(t.crm.deals.get(b.alice, secret.deal.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    await expect(t.crm.deals.markWon(b.alice, secret.deal.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    await expect(
      t.crm.activities.log(b.alice, { deal: secret.deal.id, type: 'note', body: 'peek' }),
    ).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    await expect(t.crm.deals.assign(b.alice, 'D-1', { memberId: a.bob.memberId })).rejects.toMatchObject({
      code: DomainErrorCode.UnknownMember,
    });
    expect((await t.crm.deals.get(a.alice, 'D-1')).status).toBe('open');
    expect(await t.crm.activities.list(a.alice, { deal: 'D-1' })).toHaveLength(0);
  });

  it('keeps contacts, companies and duplicate checks per workspace', async () => {
    await t.crm.contacts.create(a.alice, { name: 'Gavin', email: 'gavin@hooli.com' });
    // The same email in another workspace is not a duplicate, and not visible.
    await expect(t.crm.contacts.create(b.alice, { name: 'Gavin B', email: 'gavin@hooli.com' })).resolves.toBeDefined();
    expect((await t.crm.contacts.search(b.alice, 'gavin')).map((c) => c.name)).toEqual(['Gavin B']);
    expect((await t.crm.companies.search(b.alice, 'hooli')).length).toBe(0);
  });

  it('does not let the same idempotency key in another workspace return the other’s record', async () => {
    const first = await t.crm.deals.create(a.alice, { title: 'Keyed A', idempotencyKey: 'same-key' });
    const second = await t.crm.deals.create(b.alice, { title: 'Keyed B', idempotencyKey: 'same-key' });
    expect(second.created).toBe(true);
    expect(second.deal.id).not.toBe(first.deal.id);
  });
});

describe('a failed write leaves nothing behind', () => {
  it('rolls back the deal number, the new company and the deal when the timeline write fails', async () => {
    const before = await t.handle.db.workspace.findUniqueOrThrow({ where: { id: a.workspaceId } });
    const companiesBefore = await t.handle.db.company.count();
    const dealsBefore = await t.handle.db.deal.count();
    // The same database, but the last statement of the use case (the timeline entry) fails.
    const failing = t.handle.db.$extends({
      query: {
        dealEvent: {
          createMany() {
            throw new Error('disk full (simulated)');
          },
        },
      },
    }) as unknown as Db;
    const crm = createCrm(failing, t.clock);
    await expect(
      crm.deals.create(a.alice, { title: 'Half written', companyName: 'Brand New Co', amount: usd(5) }),
    ).rejects.toThrow('disk full');
    const after = await t.handle.db.workspace.findUniqueOrThrow({ where: { id: a.workspaceId } });
    expect(after.nextDealNumber).toBe(before.nextDealNumber);
    expect(await t.handle.db.company.count()).toBe(companiesBefore);
    expect(await t.handle.db.deal.count()).toBe(dealsBefore);
    expect(await t.handle.db.company.findFirst({ where: { name: 'Brand New Co' } })).toBeNull();
  });

  it('rolls back a stage change when its timeline entry cannot be written', async () => {
    const { deal } = await t.crm.deals.create(a.alice, { title: 'Stays put' });
    const failing = t.handle.db.$extends({
      query: { dealEvent: { createMany: () => Promise.reject(new Error('boom')) } },
    }) as unknown as Db;
    await expect(createCrm(failing, t.clock).deals.markWon(a.alice, deal.ref)).rejects.toThrow('boom');
    const now = await t.crm.deals.get(a.alice, deal.ref);
    expect(now).toMatchObject({ status: 'open', closedAt: null, stage: { key: 'new' } });
    expect(now.timeline.filter((e) => e.type === 'stage')).toHaveLength(0);
  });
});
