/**
 * Issue 13, point 6: concurrent writes. Three simultaneous changes to one deal leave one timeline
 * entry per real change (a row lock on PostgreSQL, BEGIN IMMEDIATE on SQLite); two people
 * subscribing one channel to the digest at once both get a friendly answer; a unique key that
 * a race runs into is a domain answer (Duplicate, or the record already made), never a raw
 * database error. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL set, where the
 * Promise.all below really runs the writes side by side (a pool of connections).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand, type Reply } from '../../src/bot/commands/execute.js';
import type { Db } from '../../src/db/client.js';
import { Prisma } from '../../src/generated/sqlite/client.js';
import { RACE_LOST_MESSAGE } from '../../src/domain/context.js';
import { createCrm, DomainErrorCode, isDomainError } from '../../src/domain/index.js';
import { silentLogger } from '../../src/log.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, usd, type TestWorkspace } from '../helpers/fixtures.js';

/** How many people (or deliveries) do the same thing at once. */
const AT_ONCE = 3;

let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
});
afterAll(async () => t.cleanup());

const times = <T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: n }, (_, i) => fn(i)));

/** Every outcome, fulfilled or not: a raw database error must show up as a failure, not abort the test early. */
const settle = <T>(n: number, fn: (i: number) => Promise<T>) => Promise.allSettled(Array.from({ length: n }, (_, i) => fn(i)));

const eventsOf = (dealId: string, kind?: string) =>
  t.handle.db.dealEvent.findMany({ where: { dealId, ...(kind && { kind }) }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });

async function newDeal(title: string) {
  return (await t.crm.deals.create(w.alice, { title })).deal;
}

describe('three simultaneous changes to one deal', () => {
  it('the same next action three times: one timeline entry, every caller sees it set', async () => {
    const deal = await newDeal('Next action at once');
    const results = await times(AT_ONCE, () => t.crm.deals.setNextAction(w.alice, deal.ref, { action: 'send proposal', due: '2026-12-01' }));
    for (const r of results) expect(r.nextAction).toMatchObject({ text: 'send proposal', due: '2026-12-01' });
    const events = await eventsOf(deal.id, 'next_action');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ fromValue: null, toValue: 'send proposal (by 2026-12-01)' });
  });

  it('three moves to the same stage: one stage entry', async () => {
    const deal = await newDeal('Stage at once');
    const results = await times(AT_ONCE, (i) => t.crm.deals.moveStageChange(i === 1 ? w.bob : w.alice, deal.ref, 'qualified'));
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    for (const r of results) expect(r.deal.stage.key).toBe('qualified');
    expect(await eventsOf(deal.id, 'stage')).toHaveLength(1);
  });

  it('three wins at once: one stage entry and one won entry', async () => {
    const deal = await newDeal('Win at once');
    await times(AT_ONCE, () => t.crm.deals.markWon(w.alice, deal.ref));
    expect(await eventsOf(deal.id, 'stage')).toHaveLength(1);
    expect(await eventsOf(deal.id, 'won')).toHaveLength(1);
  });

  it('three assignments to the same person: one owner entry', async () => {
    const deal = await newDeal('Assign at once');
    const results = await times(AT_ONCE, () => t.crm.deals.assign(w.alice, deal.ref, { memberId: w.bob.memberId }));
    for (const r of results) expect(r.owner?.displayName).toBe('Bob Brown');
    const events = await eventsOf(deal.id, 'owner');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ fromValue: 'Alice Adams', toValue: 'Bob Brown' });
  });

  it('three identical edits: one entry per field that changed', async () => {
    const deal = await newDeal('Edit at once');
    await times(AT_ONCE, () => t.crm.deals.edit(w.alice, deal.ref, { title: 'Edited once', amount: usd(5000), closeDate: '2026-12-31' }));
    const kinds = (await eventsOf(deal.id)).map((e) => e.kind);
    expect(kinds.sort()).toEqual(['amount', 'close_date', 'created', 'title']);
  });

  it('three different titles at once: three entries that chain, each from the title before it', async () => {
    const deal = await newDeal('Title 0');
    const titles = ['Title A', 'Title B', 'Title C'];
    await times(AT_ONCE, (i) => t.crm.deals.edit(w.alice, deal.ref, { title: titles[i]! }));
    const events = await eventsOf(deal.id, 'title');
    expect(events).toHaveLength(AT_ONCE);
    // Each change read what the one before it wrote: no two entries start from the same title.
    expect(new Set(events.map((e) => e.fromValue)).size).toBe(AT_ONCE);
    const final = await t.crm.deals.get(w.alice, deal.ref);
    expect(events.map((e) => e.toValue)).toContain(final.title);
    const froms = new Set(events.map((e) => e.fromValue));
    const tos = new Set(events.map((e) => e.toValue));
    expect([...froms].filter((f) => !tos.has(f!))).toEqual(['Title 0']);
  });

  it('three edits naming the same new company on two deals: one company', async () => {
    const [d1, d2] = [await newDeal('Company race 1'), await newDeal('Company race 2')];
    await times(AT_ONCE * 2, (i) => t.crm.deals.edit(w.alice, (i % 2 ? d1 : d2).ref, { companyName: 'Initech Racing' }));
    expect(await t.handle.db.company.count({ where: { workspaceId: w.workspaceId, nameKey: 'initech racing' } })).toBe(1);
    expect(await eventsOf(d1.id, 'company')).toHaveLength(1);
    expect(await eventsOf(d2.id, 'company')).toHaveLength(1);
  });

  it('snooze, archive and a new lost reason three times at once: one entry each', async () => {
    const deal = await newDeal('Snooze and archive at once');
    await times(AT_ONCE, () => t.crm.deals.snooze(w.alice, deal.ref, 7));
    expect(await eventsOf(deal.id, 'snoozed')).toHaveLength(1);
    await t.crm.deals.markLost(w.alice, deal.ref, 'no budget');
    await times(AT_ONCE, () => t.crm.deals.markLost(w.alice, deal.ref, 'went with a competitor'));
    expect(await eventsOf(deal.id, 'lost_reason')).toHaveLength(1);
    await times(AT_ONCE, () => t.crm.deals.archive(w.alice, deal.ref));
    expect(await eventsOf(deal.id, 'archived')).toHaveLength(1);
  });

  it('different changes and activities at once: each recorded once, none lost', async () => {
    const deal = await newDeal('Busy deal');
    await Promise.all([
      ...[1, 2, 3].map(() => t.crm.deals.setNextAction(w.alice, deal.ref, { action: 'demo' })),
      ...[1, 2, 3].map(() => t.crm.deals.assign(w.bob, deal.ref, { memberId: w.bob.memberId })),
      ...[1, 2, 3].map(() => t.crm.deals.moveStage(w.alice, deal.id, 'qualified')),
      ...[1, 2, 3].map((i) => t.crm.activities.log(w.alice, { deal: deal.ref, type: 'note', body: `note ${i}` })),
    ]);
    const kinds = (await eventsOf(deal.id)).map((e) => e.kind).sort();
    expect(kinds).toEqual(['created', 'next_action', 'owner', 'stage']);
    expect(await t.crm.activities.list(w.alice, { deal: deal.ref })).toHaveLength(3);
    expect(await t.crm.deals.get(w.alice, deal.ref)).toMatchObject({ stage: { key: 'qualified' }, owner: { displayName: 'Bob Brown' } });
  });

  it('through the command grammar: three people typing the same next action all get an answer, one entry', async () => {
    const deal = await newDeal('Typed at once');
    const replies = await times(AT_ONCE, (i) =>
      executeCommand({ crm: t.crm, actor: i === 0 ? w.bob : w.alice, surface: 'console', log: silentLogger }, `next ${deal.ref} call Ana by 2026-12-02`),
    );
    for (const r of replies) expect(r.kind).toBe('deal');
    expect(await eventsOf(deal.id, 'next_action')).toHaveLength(1);
  });
});

describe('two people subscribing one channel to the digest at once', () => {
  const subscribe = (actor: typeof w.alice, channel: string): Promise<Reply> =>
    executeCommand({ crm: t.crm, actor, surface: 'slack', channelId: channel, log: silentLogger }, 'digest here');

  it('both get a friendly answer; one subscription', async () => {
    const replies = await Promise.all([subscribe(w.alice, 'C-RACE-1'), subscribe(w.bob, 'C-RACE-1')]);
    for (const r of replies) expect(r.kind).toBe('digest');
    const headlines = replies.map((r) => (r.kind === 'digest' ? r.headline : r.kind === 'error' ? r.message : ''));
    expect(headlines.some((h) => h?.startsWith('This channel gets the pipeline digest'))).toBe(true);
    expect(headlines.join('\n')).not.toMatch(/went wrong/);
    expect(await t.handle.db.digestSubscription.count({ where: { workspaceId: w.workspaceId, conversationId: 'C-RACE-1' } })).toBe(1);
  });

  it('the domain says which one created it, and both see the same subscription', async () => {
    const results = await times(AT_ONCE, (i) =>
      t.crm.digests.subscribe(i % 2 ? w.bob : w.alice, { platform: 'slack', conversationId: 'C-RACE-2' }),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => `${r.subscription.conversationId} ${r.subscription.time}`)).size).toBe(1);
    expect(await t.handle.db.digestSubscription.count({ where: { workspaceId: w.workspaceId, conversationId: 'C-RACE-2' } })).toBe(1);
  });
});

describe('a unique key a race runs into is a domain answer', () => {
  const onlyDomainErrors = (outcomes: PromiseSettledResult<unknown>[]) => {
    for (const o of outcomes) if (o.status === 'rejected') expect(isDomainError(o.reason), String(o.reason)).toBe(true);
  };

  it('contacts with the same email: one created, the others told it is a duplicate naming the contact', async () => {
    const outcomes = await settle(AT_ONCE, (i) => t.crm.contacts.create(w.alice, { name: `Ana ${i}`, email: 'ana@race.example' }));
    onlyDomainErrors(outcomes);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: DomainErrorCode.Duplicate, details: { field: 'email' } });
    }
    expect(await t.handle.db.contact.count({ where: { workspaceId: w.workspaceId, email: 'ana@race.example' } })).toBe(1);
  });

  it('companies with the same domain: one created, the others told it is a duplicate', async () => {
    const outcomes = await settle(AT_ONCE, (i) => t.crm.companies.create(w.alice, { name: `Race Co ${i}`, domain: 'race.example' }));
    onlyDomainErrors(outcomes);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: DomainErrorCode.Duplicate });
  });

  it('deals and activities with the same delivery key: one record, every caller gets it', async () => {
    const deals = await settle(AT_ONCE, () => t.crm.deals.create(w.alice, { title: 'Keyed race', idempotencyKey: 'race:deal:1' }));
    onlyDomainErrors(deals);
    const made = deals.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(made).toHaveLength(AT_ONCE);
    expect(made.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(made.map((r) => r.deal.id)).size).toBe(1);
    const ref = made[0]!.deal.ref;
    const logged = await settle(AT_ONCE, () =>
      t.crm.activities.log(w.alice, { deal: ref, type: 'note', body: 'once', idempotencyKey: 'race:activity:1' }),
    );
    onlyDomainErrors(logged);
    expect(logged.filter((o) => o.status === 'fulfilled' && o.value.created)).toHaveLength(1);
  });

  it('the same person and workspace arriving at once: one row each, every caller gets it', async () => {
    const workspaces = await settle(AT_ONCE, () =>
      t.crm.identity.ensureWorkspace({ platform: 'slack', externalId: 'T-RACE', name: 'Race Inc', defaultCurrency: 'USD' }),
    );
    onlyDomainErrors(workspaces);
    const ids = new Set(workspaces.flatMap((o) => (o.status === 'fulfilled' ? [o.value.id] : [])));
    expect(ids.size).toBe(1);
    const workspaceId = [...ids][0]!;
    const members = await settle(AT_ONCE, () =>
      t.crm.identity.ensureMember({ workspaceId, externalId: 'U-RACE', handle: 'racer', displayName: 'Racer', timezone: 'UTC' }),
    );
    onlyDomainErrors(members);
    expect(new Set(members.flatMap((o) => (o.status === 'fulfilled' ? [o.value.id] : []))).size).toBe(1);
  });
});

describe('a unique key taken with nothing to read back', () => {
  /** What the database driver reports when a concurrent writer took the key first. */
  const taken = () => new Prisma.PrismaClientKnownRequestError('Unique constraint failed', { code: 'P2002', clientVersion: 'test' });

  it('a service answers Conflict in words, not the database error', async () => {
    // The key was taken and freed again before it could be read back: nothing to name.
    const racing = t.handle.db.$extends({ query: { contact: { create: () => Promise.reject(taken()) } } }) as unknown as Db;
    await expect(createCrm(racing, t.clock).contacts.create(w.alice, { name: 'Ghost', email: 'ghost@race.example' })).rejects.toMatchObject({
      code: DomainErrorCode.Conflict,
      message: RACE_LOST_MESSAGE,
    });
  });

  it('a command the services did not word gets the same answer, not "something went wrong", and nothing changes', async () => {
    const deal = await newDeal('Raced timeline');
    const racing = t.handle.db.$extends({ query: { dealEvent: { createMany: () => Promise.reject(taken()) } } }) as unknown as Db;
    const reply = await executeCommand(
      { crm: createCrm(racing, t.clock), actor: w.alice, surface: 'console', log: silentLogger },
      `next ${deal.ref} call Ana`,
    );
    expect(reply).toEqual({ kind: 'error', message: RACE_LOST_MESSAGE });
    expect((await t.crm.deals.get(w.alice, deal.ref)).nextAction).toBeNull();
  });
});
