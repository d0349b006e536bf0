/**
 * Issue 15, the parts of stage administration the editor and `/deal stage kind` add: a stage's
 * kind (open/won/lost) by command, and the stage editor's save (`editStages`): every row's name,
 * probability and kind in one transaction, refused as a whole with an issue per field at fault.
 * Roles are enforced in the service. On SQLite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCrm, type Crm } from '../../src/domain/index.js';
import type { Db } from '../../src/db/client.js';
import { DomainError, DomainErrorCode } from '../../src/domain/errors.js';
import { stageEditField, type StageEditRow, type StageEditorView } from '../../src/domain/pipeline/pipeline.service.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let crm: Crm;
let n = 0;

beforeAll(async () => {
  t = await createTestDb();
  crm = t.crm;
});
afterAll(async () => t.cleanup());

/** A fresh workspace: Alice (the first person: admin) and Bob (member). */
const team = (): Promise<TestWorkspace> => seedWorkspace(crm, `T-EDIT-${++n}`, `Editors ${n}`);

async function refusal(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal, but it went through');
}

/** The stages as stored: [name, key, probability, kind] in order. */
const stored = async (w: TestWorkspace, pipeline = 'sales') => {
  const p = await t.handle.db.pipeline.findFirstOrThrow({ where: { workspaceId: w.workspaceId, key: pipeline }, include: { stages: { orderBy: { position: 'asc' } } } });
  return p.stages.map((s) => [s.name, s.key, s.probability, s.kind]);
};

/** The editor's rows as they are, with some changed: `{ proposal: { name: 'Offer' } }` by stage key. */
function rows(editor: StageEditorView, changes: Record<string, Partial<Omit<StageEditRow, 'id'>>> = {}): StageEditRow[] {
  return editor.stages.map((s) => ({ id: s.id, name: s.name, probability: s.probability, kind: s.kind, ...changes[s.key] }));
}

const idOf = (editor: StageEditorView, key: string) => editor.stages.find((s) => s.key === key)!.id;

describe('a stage’s kind by command', () => {
  it('an admin makes an empty stage a second lost stage; deals moved there are lost; `/deal lost` still uses the first', async () => {
    const w = await team();
    await crm.pipelines.addStage(w.alice, { name: 'Closed - no budget', place: { after: 'lost' } });
    const change = await crm.pipelines.setKind(w.alice, 'closed - no budget', 'lost');
    expect(change.changed).toBe(true);
    expect(change.pipeline.stages.map((s) => [s.name, s.kind])).toEqual([
      ['New', 'open'],
      ['Qualified', 'open'],
      ['Proposal', 'open'],
      ['Negotiation', 'open'],
      ['Won', 'won'],
      ['Lost', 'lost'],
      ['Closed - no budget', 'lost'],
    ]);
    expect((await crm.pipelines.setKind(w.alice, 'Closed - no budget', 'lost')).changed).toBe(false);

    const { deal } = await crm.deals.create(w.bob, { title: 'Tight budget', stage: 'proposal' });
    const moved = await crm.deals.moveStage(w.bob, deal.ref, 'closed-no-budget', { lostReason: 'no budget' });
    expect(moved).toMatchObject({ status: 'lost', stage: { name: 'Closed - no budget' }, lostReason: 'no budget' });
    const other = (await crm.deals.create(w.bob, { title: 'Other' })).deal;
    expect(await crm.deals.markLost(w.bob, other.ref, 'went elsewhere')).toMatchObject({ status: 'lost', stage: { name: 'Lost' } });
  });

  it('`stage add … kind won` adds a closing stage after the last of its kind, at 100%', async () => {
    const w = await team();
    const added = await crm.pipelines.addStage(w.alice, { name: 'Won - upsell', kind: 'won' });
    expect(added.pipeline.stages.map((s) => [s.name, s.kind, s.probability])).toEqual([
      ['New', 'open', 10],
      ['Qualified', 'open', 25],
      ['Proposal', 'open', 50],
      ['Negotiation', 'open', 75],
      ['Won', 'won', 100],
      ['Won - upsell', 'won', 100],
      ['Lost', 'lost', 0],
    ]);
    const first = await refusal(crm.pipelines.addStage(w.alice, { name: 'Dead on arrival', kind: 'lost', place: { before: 'new' } }));
    expect(first.message).toBe('New deals start in Sales’s first stage, so it must be an open stage: Dead on arrival can’t be first.');
  });

  it('refuses a stage that holds deals (archived too), naming how many and how to move them; nothing changes', async () => {
    const w = await team();
    const a = (await crm.deals.create(w.bob, { title: 'A', stage: 'negotiation' })).deal;
    const b = (await crm.deals.create(w.bob, { title: 'B', stage: 'negotiation' })).deal;
    await crm.deals.archive(w.bob, b.ref);
    const before = await stored(w);
    const err = await refusal(crm.pipelines.setKind(w.alice, 'negotiation', 'won'));
    expect(err.code).toBe(DomainErrorCode.Conflict);
    expect(err.message).toBe(
      'Negotiation holds 2 deals, so it stays open: a deal’s status follows its stage’s kind. Move them to another stage first (`/deal stage remove Negotiation move deals to <stage>` moves them all).',
    );
    expect(err.details).toMatchObject({ field: 'kind', count: 2 });
    expect(await stored(w)).toEqual(before);
    expect((await crm.deals.get(w.bob, a.ref)).status).toBe('open');
  });

  it('keeps an open, a won and a lost stage, and an open first stage', async () => {
    const w = await team();
    expect((await refusal(crm.pipelines.setKind(w.alice, 'won', 'open'))).message).toBe(
      'Won is Sales’s only won stage: a pipeline keeps at least one open, one won and one lost stage.',
    );
    expect((await refusal(crm.pipelines.setKind(w.alice, 'new', 'lost'))).message).toBe('New deals start in Sales’s first stage, New: it stays open.');
    await crm.pipelines.createPipeline(w.alice, 'Renewals');
    const onlyOpen = await refusal(crm.pipelines.setKind(w.alice, 'new', 'won', 'renewals'));
    expect(onlyOpen.message).toBe('New deals start in Renewals’s first stage, New: it stays open.');
    const bad = await refusal(crm.pipelines.setKind(w.alice, 'proposal', 'closed'));
    expect([bad.code, bad.message]).toEqual([DomainErrorCode.InvalidInput, 'A stage’s kind is open, won or lost.']);
    // With a second lost stage, the first lost one can become open (and then be removed).
    await crm.pipelines.addStage(w.alice, { name: 'Lost - timing', kind: 'lost' });
    await crm.pipelines.setKind(w.alice, 'lost', 'open');
    expect((await crm.pipelines.view(w.alice)).stages.filter((s) => s.kind === 'lost').map((s) => s.name)).toEqual(['Lost - timing']);
  });

  it('removes a second won or lost stage, moving its deals to a stage of the same kind; the last one stays', async () => {
    const w = await team();
    await crm.pipelines.addStage(w.alice, { name: 'Lost - timing', kind: 'lost' });
    const { deal } = await crm.deals.create(w.bob, { title: 'Later', stage: 'qualified' });
    await crm.deals.moveStage(w.bob, deal.ref, 'lost-timing', { lostReason: 'next year' });
    const toOpen = await refusal(crm.pipelines.removeStage(w.alice, 'lost - timing', 'proposal'));
    expect(toOpen.message).toBe('Deals from Lost - timing can move to another lost stage of Sales: Lost.');
    const removed = await crm.pipelines.removeStage(w.alice, 'lost - timing', 'lost');
    expect(removed.moved).toBe(1);
    const got = await crm.deals.get(w.bob, deal.ref);
    expect(got).toMatchObject({ status: 'lost', stage: { name: 'Lost' }, lostReason: 'next year' });
    expect(got.timeline.filter((e) => e.type === 'stage').map((e) => [e.from, e.to])).toContainEqual(['Lost - timing', 'Lost']);
    expect((await refusal(crm.pipelines.removeStage(w.alice, 'lost'))).message).toBe(
      'Lost is Sales’s only lost stage: a pipeline keeps at least one won and one lost stage. Rename it instead.',
    );
  });

  it('a member is refused, naming the admins', async () => {
    const w = await team();
    const err = await refusal(crm.pipelines.setKind(w.bob, 'negotiation', 'won'));
    expect([err.code, err.message]).toEqual([DomainErrorCode.AdminOnly, 'Only admins can change pipelines and stages. Ask Alice Adams.']);
  });
});

describe('the stage editor', () => {
  it('opens for admins only: every stage in order with its deals and a version', async () => {
    const w = await team();
    await crm.deals.create(w.bob, { title: 'In proposal', stage: 'proposal' });
    const editor = await crm.pipelines.editor(w.alice);
    expect(editor.pipeline).toMatchObject({ key: 'sales', name: 'Sales', isDefault: true });
    expect(editor.stages.map((s) => [s.name, s.probability, s.kind, s.deals])).toEqual([
      ['New', 10, 'open', 0],
      ['Qualified', 25, 'open', 0],
      ['Proposal', 50, 'open', 1],
      ['Negotiation', 75, 'open', 0],
      ['Won', 100, 'won', 0],
      ['Lost', 0, 'lost', 0],
    ]);
    expect(editor.version).toMatch(/^[\w-]{16}$/);
    expect((await crm.pipelines.editor(w.alice, editor.pipeline.id)).version).toBe(editor.version);
    const err = await refusal(crm.pipelines.editor(w.bob));
    expect([err.code, err.message]).toEqual([DomainErrorCode.AdminOnly, 'Only admins can change pipelines and stages. Ask Alice Adams.']);
    const save = await refusal(crm.pipelines.editStages(w.bob, 'sales', rows(editor, { proposal: { name: 'Offer' } })));
    expect(save.code).toBe(DomainErrorCode.AdminOnly);
    expect((await stored(w))[2]).toEqual(['Proposal', 'proposal', 50, 'open']);
  });

  it('renames, sets probabilities and kinds in one save; keys follow the names, even two stages trading names', async () => {
    const w = await team();
    const { deal } = await crm.deals.create(w.bob, { title: 'Stays put', stage: 'qualified' });
    const editor = await crm.pipelines.editor(w.alice);
    await crm.pipelines.addStage(w.alice, { name: 'Parked', place: { after: 'lost' } });
    const fresh = await crm.pipelines.editor(w.alice);
    expect(fresh.version).not.toBe(editor.version);
    const change = await crm.pipelines.editStages(
      w.alice,
      fresh.pipeline.id,
      rows(fresh, {
        qualified: { name: 'Proposal', probability: '30%' },
        proposal: { name: 'Qualified' },
        negotiation: { probability: 80 },
        parked: { name: 'Lost - parked', kind: 'lost', probability: '0' },
      }),
      { expectedVersion: fresh.version },
    );
    expect(change.changed).toBe(true);
    expect(change.changes).toEqual([
      'Renamed Qualified to Proposal',
      'Proposal: 25% → 30%',
      'Renamed Proposal to Qualified',
      'Negotiation: 75% → 80%',
      'Renamed Parked to Lost - parked',
      'Lost - parked: 10% → 0%',
      'Lost - parked is now lost',
    ]);
    expect(await stored(w)).toEqual([
      ['New', 'new', 10, 'open'],
      ['Proposal', 'proposal', 30, 'open'],
      ['Qualified', 'qualified', 50, 'open'],
      ['Negotiation', 'negotiation', 80, 'open'],
      ['Won', 'won', 100, 'won'],
      ['Lost', 'lost', 0, 'lost'],
      ['Lost - parked', 'lost-parked', 0, 'lost'],
    ]);
    // The deal stays in its stage (now called Proposal); the same rows again change nothing.
    expect((await crm.deals.get(w.bob, deal.ref)).stage.name).toBe('Proposal');
    const again = await crm.pipelines.editor(w.alice);
    expect((await crm.pipelines.editStages(w.alice, 'sales', rows(again))).changed).toBe(false);
  });

  it('refuses a save with a mistake, an issue per field, and writes nothing', async () => {
    const w = await team();
    await crm.deals.create(w.bob, { title: 'Held', stage: 'negotiation' });
    const editor = await crm.pipelines.editor(w.alice);
    const before = await stored(w);
    const err = await refusal(
      crm.pipelines.editStages(
        w.alice,
        'sales',
        rows(editor, {
          new: { name: 'Intake' }, // fine on its own, but nothing is written
          qualified: { name: '   ' },
          proposal: { name: 'intake' },
          negotiation: { kind: 'won', probability: '101' },
          won: { kind: 'open' },
          lost: { kind: 'closed' },
        }),
        { expectedVersion: editor.version },
      ),
    );
    expect(err.code).toBe(DomainErrorCode.InvalidInput);
    const id = (key: string) => idOf(editor, key);
    expect(err.details.issues).toEqual([
      { field: stageEditField(id('qualified'), 'name'), message: 'Give the stage a name.' },
      { field: stageEditField(id('negotiation'), 'probability'), message: 'A probability is a whole percent from 0 to 100, e.g. 40.' },
      { field: stageEditField(id('lost'), 'kind'), message: 'A stage’s kind is open, won or lost.' },
      { field: stageEditField(id('proposal'), 'name'), message: 'Two stages can’t both be called intake.' },
      {
        field: stageEditField(id('negotiation'), 'kind'),
        message:
          'Negotiation holds 1 deal, so it stays open: a deal’s status follows its stage’s kind. Move it to another stage first (`/deal stage remove Negotiation move deals to <stage>` moves them all).',
      },
    ]);
    expect(err.message).toBe('5 things to fix, nothing was saved. Give the stage a name.');
    expect(await stored(w)).toEqual(before);

    // The pipeline keeps an open, a won and a lost stage, and an open first stage.
    const noWon = await refusal(crm.pipelines.editStages(w.alice, 'sales', rows(editor, { won: { kind: 'lost' } })));
    expect(noWon.details.issues).toEqual([{ field: stageEditField(id('won'), 'kind'), message: 'Won is Sales’s only won stage: a pipeline keeps at least one open, one won and one lost stage.' }]);
    expect(noWon.message).toBe('Won is Sales’s only won stage: a pipeline keeps at least one open, one won and one lost stage.');
    const firstClosed = await refusal(crm.pipelines.editStages(w.alice, 'sales', rows(editor, { new: { kind: 'won' } })));
    expect(firstClosed.details.issues).toEqual([{ field: stageEditField(id('new'), 'kind'), message: 'New deals start in Sales’s first stage, New: it stays open.' }]);
    const long = await refusal(crm.pipelines.editStages(w.alice, 'sales', rows(editor, { new: { name: 'x'.repeat(41) } })));
    expect(long.details.issues).toEqual([{ field: stageEditField(id('new'), 'name'), message: 'A stage name can have at most 40 characters.' }]);
    expect(await stored(w)).toEqual(before);
  });

  it('refuses a form opened before someone else changed the pipeline (or naming a stage it does not have)', async () => {
    const w = await team();
    const editor = await crm.pipelines.editor(w.alice);
    await crm.pipelines.setProbability(w.alice, 'proposal', 45);
    const err = await refusal(crm.pipelines.editStages(w.alice, 'sales', rows(editor, { new: { name: 'Intake' } }), { expectedVersion: editor.version }));
    expect([err.code, err.details.field]).toEqual([DomainErrorCode.Conflict, 'version']);
    expect(err.message).toBe('Sales’s stages changed since this form was opened (someone else changed them). Nothing was saved: open it again to see them as they are now.');
    const foreign = await refusal(crm.pipelines.editStages(w.alice, 'sales', [{ id: 'not-a-stage', name: 'X', probability: 1, kind: 'open' }]));
    expect(foreign.code).toBe(DomainErrorCode.Conflict);
    expect((await stored(w))[0]![0]).toBe('New');
  });

  it('is one transaction: a write failing halfway leaves every stage as it was', async () => {
    const w = await team();
    const editor = await crm.pipelines.editor(w.alice);
    const before = await stored(w);
    // The same database, but the last update of the save (a stage's kind) fails.
    const failing = t.handle.db.$extends({
      query: {
        stage: {
          update({ args, query }) {
            if ((args.data as { kind?: string }).kind !== undefined) return Promise.reject(new Error('disk full (simulated)'));
            return query(args);
          },
        },
      },
    }) as unknown as Db;
    const save = createCrm(failing, t.clock).pipelines.editStages(
      w.alice,
      'sales',
      rows(editor, { new: { name: 'Intake', probability: 5 }, proposal: { name: 'Offer' }, negotiation: { kind: 'won' } }),
    );
    await expect(save).rejects.toThrow('disk full');
    expect(await stored(w)).toEqual(before);
  });
});
