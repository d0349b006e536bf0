/**
 * Issue 15 leftovers, in the domain: a deal's own fields and its custom fields edited in one
 * transaction (DealService.edit with `fields`): a custom value that can't be read changes nothing,
 * neither the deal nor any field; a valid edit changes both, one timeline entry per changed field.
 * And a stage gate on a person field is not met by a value whose member was deleted (the row's
 * memberId set to null). On SQLite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, DomainErrorCode } from '../../src/domain/index.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, usd, type TestWorkspace } from '../helpers/fixtures.js';

const DB = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'SQLite';
let t: TestDb;

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => t.cleanup());

let n = 0;
const freshWorkspace = (): Promise<TestWorkspace> => seedWorkspace(t.crm, `T-EDITF-${++n}`, `Edit fields ${n}`);

async function refusal(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal, but it went through');
}

async function withFields(w: TestWorkspace) {
  await t.crm.fields.define(w.alice, { entity: 'deal', name: 'Source', type: 'choice', choices: ['Inbound', 'Outbound', 'Partner'] });
  await t.crm.fields.define(w.alice, { entity: 'deal', name: 'Seats', type: 'number' });
  const { deal } = await t.crm.deals.create(w.bob, { title: 'Acme renewal', amount: usd(25_000) });
  return deal;
}

describe(`editing a deal with its custom fields (${DB})`, () => {
  it('a custom value that cannot be read changes nothing: not the title, not the other field, no timeline entry', async () => {
    const w = await freshWorkspace();
    const deal = await withFields(w);
    const eventsBefore = await t.handle.db.dealEvent.count({ where: { dealId: deal.id } });
    const rowBefore = await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    const err = await refusal(t.crm.deals.edit(w.bob, deal.ref, { title: 'Acme renewal (3 years)', fields: { source: 'partner', seats: 'a dozen' } }));
    expect(err.code).toBe(DomainErrorCode.InvalidInput);
    expect(err.details.field).toBe('seats');
    expect(err.message).toContain('Seats is a number field');
    const row = await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } });
    expect(row.title).toBe('Acme renewal');
    expect(row).toEqual(rowBefore);
    expect(await t.handle.db.fieldValue.count({ where: { dealId: deal.id } })).toBe(0);
    expect(await t.handle.db.dealEvent.count({ where: { dealId: deal.id } })).toBe(eventsBefore);
  });

  it('a valid edit changes both, one timeline entry per changed field; the same again writes nothing', async () => {
    const w = await freshWorkspace();
    const deal = await withFields(w);
    await t.crm.fields.set(w.bob, { entity: 'deal', ref: deal.ref }, 'seats', '12');
    const before = await t.handle.db.dealEvent.count({ where: { dealId: deal.id } });
    await t.crm.deals.edit(w.bob, deal.ref, { title: 'Acme renewal (3 years)', fields: { source: 'partner', seats: '12' } });
    const detail = await t.crm.deals.get(w.bob, deal.ref);
    expect(detail.title).toBe('Acme renewal (3 years)');
    expect(detail.fields.map((f) => f.display)).toEqual(['Partner', '12']);
    const events = await t.handle.db.dealEvent.findMany({ where: { dealId: deal.id }, orderBy: { at: 'asc' }, skip: before });
    expect(events.map((e) => [e.kind, e.field, e.toValue]).sort()).toEqual([
      ['field', 'Source', 'Partner'],
      ['title', 'title', 'Acme renewal (3 years)'],
    ]);
    const count = await t.handle.db.dealEvent.count({ where: { dealId: deal.id } });
    await t.crm.deals.edit(w.bob, deal.ref, { title: 'Acme renewal (3 years)', fields: { source: 'Partner', seats: '12' } });
    expect(await t.handle.db.dealEvent.count({ where: { dealId: deal.id } })).toBe(count);
  });

  it('fields alone are an edit; clearing one removes its value; a read-only person is refused and nothing changes', async () => {
    const w = await freshWorkspace();
    const deal = await withFields(w);
    await t.crm.deals.edit(w.bob, deal.ref, { fields: { seats: '3' } });
    expect((await t.crm.deals.get(w.bob, deal.ref)).fields.map((f) => f.display)).toEqual(['—', '3']);
    await t.crm.deals.edit(w.bob, deal.ref, { fields: { seats: '' } });
    expect(await t.handle.db.fieldValue.count({ where: { dealId: deal.id } })).toBe(0);

    await t.crm.identity.setRole(w.alice, { handle: 'bob' }, { role: 'read_only' });
    expect((await refusal(t.crm.deals.edit(w.bob, deal.ref, { title: 'Nope', fields: { seats: '4' } }))).code).toBe(DomainErrorCode.ReadOnly);
    expect(await t.handle.db.fieldValue.count({ where: { dealId: deal.id } })).toBe(0);
    expect((await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id } })).title).toBe('Acme renewal');
  });
});

describe(`a stage gate on a person field (${DB})`, () => {
  it('a value whose member was deleted (memberId set to null) does not meet the gate; a new person does', async () => {
    const w = await freshWorkspace();
    await t.crm.fields.define(w.alice, { entity: 'deal', name: 'Account manager', type: 'person' });
    await t.crm.pipelines.requireFields(w.alice, 'proposal', ['account_manager']);
    const carol = await t.crm.identity.ensureMember({ workspaceId: w.workspaceId, externalId: `${w.workspaceId}-UCAROL`, handle: 'carol', displayName: 'Carol Cole', timezone: 'UTC' });
    const { deal } = await t.crm.deals.create(w.bob, { title: 'Managed deal' });
    await t.crm.fields.set(w.bob, { entity: 'deal', ref: deal.ref }, 'account_manager', '@carol');

    // Carol's member row goes (the FieldValue keeps its row, memberId null: SetNull).
    await t.handle.db.member.delete({ where: { id: carol.id } });
    const value = await t.handle.db.fieldValue.findFirstOrThrow({ where: { dealId: deal.id } });
    expect(value.memberId).toBeNull();
    expect((await t.crm.deals.get(w.bob, deal.ref)).fields[0]).toMatchObject({ key: 'account_manager', value: null });

    const refused = await refusal(t.crm.deals.moveStage(w.bob, deal.ref, 'proposal'));
    expect(refused.code).toBe(DomainErrorCode.StageGate);
    expect(refused.message).toBe(`${deal.ref} can’t enter Proposal yet: it needs an Account manager.`);
    expect((await t.crm.deals.gateFor(w.bob, deal.ref, 'proposal')).missing.map((m) => m.key)).toEqual(['field:account_manager']);
    expect((await t.handle.db.deal.findUniqueOrThrow({ where: { id: deal.id }, include: { stage: true } })).stage.key).toBe('new');

    // Given with the move, the row is filled again and the deal enters.
    const moved = await t.crm.deals.moveStage(w.bob, deal.ref, 'proposal', { fill: { 'field:account_manager': '@alice' } });
    expect(moved.stage.key).toBe('proposal');
    expect((await t.crm.deals.get(w.bob, deal.ref)).fields[0]).toMatchObject({ display: 'Alice Adams' });
  });
});
