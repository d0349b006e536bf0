/**
 * Issue 15 in Slack: the stage editor and the pipeline picker, through signed requests to the real
 * Bolt receiver, Slack's Web API and response URLs answered by nock. An admin's "Edit stages" on a
 * `/deal pipeline` reply opens a modal with a row per stage; submitting saves every row in one
 * transaction and shows the pipeline where the button was; a mistake comes back on its field and
 * nothing changes; a member pressing it is told who the admins are. The new-deal modal offers a
 * pipeline picker when there are several pipelines; the stages follow the pick, and the deal is
 * created in the pipeline picked. `/deal list in <pipeline>` and `/deal stage kind` answer here too.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { blockKitViolations } from '../../../src/bot/slack/blocks/limits.js';
import { stageEditorModal, STAGE_EDITOR_MAX_ROWS } from '../../../src/bot/slack/blocks/stage-editor.js';
import { ACTIONS, BLOCKS, INPUTS, stageBlockFor, STAGE_EDIT_INPUTS, stageEditBlockId, VIEWS } from '../../../src/bot/slack/ids.js';
import type { Actor } from '../../../src/domain/index.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { captureResponseUrl, mockSlackBasics, nextId, parseApiBody, startSlack, textOf, viewSubmission, type SlackHarness } from '../../helpers/slack.js';

let t: TestDb;
let slack: SlackHarness;
let alice: Actor;

beforeAll(async () => {
  t = await createTestDb();
  slack = await startSlack(t.crm);
  nock.cleanAll();
  mockSlackBasics();
  // Alice first (the workspace's first person: its admin), then Bob (a member).
  for (const [userId, userName] of [
    ['U0ALICE', 'alice'],
    ['U0BOB', 'bob'],
  ]) {
    const answered = captureResponseUrl(`/commands/hello-${userName}`);
    await slack.command('list', { userId, userName, responseUrl: `https://hooks.slack.com/commands/hello-${userName}` });
    await answered;
  }
  const ws = await t.handle.db.workspace.findFirstOrThrow({ where: { platform: 'slack', externalId: 'T0ACME' } });
  const member = await t.handle.db.member.findFirstOrThrow({ where: { workspaceId: ws.id, externalId: 'U0ALICE' } });
  alice = { workspaceId: ws.id, memberId: member.id, timeZone: 'UTC' };
});
afterAll(async () => {
  await slack.close();
  await t.cleanup();
});

let calls: { method: string; body: Record<string, unknown> }[];
beforeEach(() => {
  nock.cleanAll();
  mockSlackBasics();
  calls = [];
  for (const method of ['views.open', 'views.update', 'views.push', 'views.publish', 'chat.postMessage', 'chat.postEphemeral']) {
    nock('https://slack.com')
      .persist()
      .post(`/api/${method}`)
      .reply(200, (_uri, body) => {
        calls.push({ method, body: parseApiBody(body) });
        return { ok: true, view: { id: nextId('V') }, channel: 'D0ALICE', ts: '1.2' };
      });
  }
});

async function nextCall(method: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const hit = calls.find((c) => c.method === method);
    if (hit) return hit.body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no ${method} call; saw ${calls.map((c) => c.method).join(', ') || 'none'}`);
}

type Element = { type: string; action_id: string; initial_value?: string; initial_option?: { value: string }; options?: { value: string; text: { text: string } }[] };
type Block = { type: string; block_id?: string; label?: { text: string }; hint?: { text: string }; element?: Element; accessory?: { action_id: string; value: string }; dispatch_action?: boolean };
type View = { callback_id: string; private_metadata: string; blocks: Block[] };

/** Types a command as someone and returns its answer (the response URL's body). */
async function say(text: string, who: 'alice' | 'bob' = 'alice'): Promise<Record<string, unknown>> {
  const path = `/commands/${nextId('c')}`;
  const answer = captureResponseUrl(path);
  const res = await slack.command(text, { userId: who === 'alice' ? 'U0ALICE' : 'U0BOB', userName: who, responseUrl: `https://hooks.slack.com${path}` });
  expect(res.status).toBe(200);
  return answer;
}

/** Presses a button in an ephemeral message as someone; its answers go to `responseUrl`. */
function press(actionId: string, value: string, who: 'alice' | 'bob', responseUrl: string) {
  return slack.interaction({
    type: 'block_actions',
    team: { id: 'T0ACME', domain: 'acme' },
    user: { id: who === 'alice' ? 'U0ALICE' : 'U0BOB', username: who, team_id: 'T0ACME' },
    api_app_id: 'A0CRM',
    trigger_id: nextId('trig'),
    container: { type: 'message', is_ephemeral: true },
    channel: { id: 'C0SALES' },
    response_url: responseUrl,
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: '1' }],
  });
}

/** Every stage row of an editor: [name, probability, kind, hint] in order. */
function rowsOf(view: View): [string, string, string, string | undefined][] {
  const inputs = view.blocks.filter((b) => b.type === 'input');
  const out: [string, string, string, string | undefined][] = [];
  for (let i = 0; i < inputs.length; i += 3) {
    out.push([inputs[i]!.element!.initial_value!, inputs[i + 1]!.element!.initial_value!, inputs[i + 2]!.element!.initial_option!.value, inputs[i + 2]!.hint?.text]);
  }
  return out;
}

/** The editor's values as Slack submits them: as it opened, with `changes` by stage name. */
function editorValues(view: View, changes: Record<string, { name?: string; probability?: string; kind?: string }>) {
  const values: Record<string, Record<string, Record<string, unknown>>> = {};
  const ids = [...new Set(view.blocks.filter((b) => b.block_id?.startsWith('stage_edit:')).map((b) => b.block_id!.split(':')[2]!))];
  for (const id of ids) {
    const initial = (field: 'name' | 'probability' | 'kind') => view.blocks.find((b) => b.block_id === stageEditBlockId(field, id))!.element!;
    const name = initial('name').initial_value!;
    const c = changes[name] ?? {};
    values[stageEditBlockId('name', id)] = { [STAGE_EDIT_INPUTS.name]: { type: 'plain_text_input', value: c.name ?? name } };
    values[stageEditBlockId('probability', id)] = { [STAGE_EDIT_INPUTS.probability]: { type: 'number_input', value: c.probability ?? initial('probability').initial_value } };
    const kind = c.kind ?? initial('kind').initial_option!.value;
    values[stageEditBlockId('kind', id)] = { [STAGE_EDIT_INPUTS.kind]: { type: 'static_select', selected_option: { value: kind, text: { type: 'plain_text', text: kind } } } };
  }
  return values;
}

const stored = async (key = 'sales') =>
  (
    await t.handle.db.pipeline.findFirstOrThrow({ where: { workspaceId: alice.workspaceId, key }, include: { stages: { orderBy: { position: 'asc' } } } })
  ).stages.map((s) => [s.name, s.probability, s.kind]);

describe('the stage editor in Slack', () => {
  it('an admin opens it from /deal pipeline, saves every row at once, and sees the pipeline where the button was', async () => {
    await t.crm.deals.create(alice, { title: 'In negotiation', stage: 'negotiation' });
    await t.crm.pipelines.addStage(alice, { name: 'Parked', place: { after: 'lost' } });
    const reply = await say('pipeline');
    const button = (reply.blocks as Block[]).map((b) => b.accessory).find((a) => a?.action_id === ACTIONS.editStages)!;
    expect(textOf(reply.blocks)).toContain('Edit stages');
    const sales = await t.crm.pipelines.defaultPipeline(alice.workspaceId);
    expect(button.value).toBe(sales.id);

    expect((await press(ACTIONS.editStages, button.value, 'alice', 'https://hooks.slack.com/actions/edit')).status).toBe(200);
    const view = (await nextCall('views.open')).view as View;
    expect(view.callback_id).toBe(VIEWS.editStages);
    expect(rowsOf(view)).toEqual([
      ['New', '10', 'open', undefined],
      ['Qualified', '25', 'open', undefined],
      ['Proposal', '50', 'open', undefined],
      ['Negotiation', '75', 'open', 'Holds 1 deal: its kind stays open while it does.'],
      ['Won', '100', 'won', undefined],
      ['Lost', '0', 'lost', undefined],
      ['Parked', '10', 'open', undefined],
    ]);
    expect(textOf(view)).toContain('Reorder, add or remove stages, and set what a stage requires, by command');
    expect(blockKitViolations('modal', view)).toEqual([]);

    const shown = captureResponseUrl('/actions/edit');
    const res = await slack.interaction(
      viewSubmission({
        callbackId: VIEWS.editStages,
        privateMetadata: view.private_metadata,
        values: editorValues(view, { Negotiation: { name: 'Contracting', probability: '80' }, Parked: { name: 'Lost - parked', kind: 'lost', probability: '0' } }),
      }),
    );
    expect(res.status).toBe(200);
    const answer = await shown;
    expect(answer.replace_original).toBe(true);
    expect(textOf(answer.blocks)).toContain('Saved Sales: Renamed Negotiation to Contracting; Contracting: 75% → 80%; Renamed Parked to Lost - parked; Lost - parked: 10% → 0%; Lost - parked is now lost.');
    expect(textOf(answer.blocks)).toContain('Lost - parked');
    expect(await stored()).toEqual([
      ['New', 10, 'open'],
      ['Qualified', 25, 'open'],
      ['Proposal', 50, 'open'],
      ['Contracting', 80, 'open'],
      ['Won', 100, 'won'],
      ['Lost', 0, 'lost'],
      ['Lost - parked', 0, 'lost'],
    ]);
  });

  it('a mistake comes back on its field (response_action: errors) and nothing changes', async () => {
    const editor = await t.crm.pipelines.editor(alice);
    const view = stageEditorModal(editor, { privateMetadata: JSON.stringify({ pipelineId: editor.pipeline.id, version: editor.version }) }) as unknown as View;
    const before = await stored();
    const res = await slack.interaction(
      viewSubmission({
        callbackId: VIEWS.editStages,
        privateMetadata: view.private_metadata,
        values: editorValues(view, { New: { name: '' }, Qualified: { name: 'proposal' }, Proposal: { probability: '150' }, Won: { kind: 'open' }, Contracting: { kind: 'lost' } }),
      }),
    );
    const id = (name: string) => editor.stages.find((s) => s.name === name)!.id;
    expect(await res.json()).toEqual({
      response_action: 'errors',
      errors: {
        [stageEditBlockId('name', id('New'))]: 'Give the stage a name.',
        [stageEditBlockId('probability', id('Proposal'))]: 'A probability is a whole percent from 0 to 100, e.g. 40.',
        [stageEditBlockId('name', id('Qualified'))]: 'Two stages can’t both be called proposal.',
        [stageEditBlockId('kind', id('Contracting'))]:
          'Contracting holds 1 deal, so it stays open: a deal’s status follows its stage’s kind. Move it to another stage first (`/deal stage remove Contracting move deals to <stage>` moves them all).',
        [stageEditBlockId('kind', id('Won'))]: 'Won is Sales’s only won stage: a pipeline keeps at least one open, one won and one lost stage.',
      },
    });
    expect(await stored()).toEqual(before);

    // Opened before someone else changed the pipeline: refused on the first row, nothing saved.
    await t.crm.pipelines.setProbability(alice, 'proposal', 55);
    const stale = await slack.interaction(
      viewSubmission({ callbackId: VIEWS.editStages, privateMetadata: view.private_metadata, values: editorValues(view, { New: { name: 'Intake' } }) }),
    );
    expect(await stale.json()).toEqual({
      response_action: 'errors',
      errors: {
        [stageEditBlockId('name', id('New'))]:
          'Sales’s stages changed since this form was opened (someone else changed them). Nothing was saved: open it again to see them as they are now.',
      },
    });
    expect((await stored())[0]![0]).toBe('New');
  });

  it('a member pressing Edit stages is told who the admins are, and no modal opens', async () => {
    const sales = await t.crm.pipelines.defaultPipeline(alice.workspaceId);
    const refused = captureResponseUrl('/actions/bob-edit');
    expect((await press(ACTIONS.editStages, sales.id, 'bob', 'https://hooks.slack.com/actions/bob-edit')).status).toBe(200);
    const answer = await refused;
    expect(textOf(answer.blocks)).toContain('Only admins can change pipelines and stages. Ask Alice.');
    expect(calls.filter((c) => c.method === 'views.open')).toEqual([]);
  });

  it('a pipeline with more stages than a modal holds shows the first ones and says how to change the rest', async () => {
    const editor = await t.crm.pipelines.editor(alice);
    const many = { ...editor, stages: Array.from({ length: 30 }, (_, i) => ({ ...editor.stages[0]!, id: `s${i}`, key: `s${i}`, name: `${'Stage name '.repeat(4).slice(0, 37)}${i}` })) };
    const view = stageEditorModal(many, { privateMetadata: '{}' });
    expect(blockKitViolations('modal', view)).toEqual([]);
    expect(view.blocks.filter((b) => b.type === 'input')).toHaveLength(STAGE_EDITOR_MAX_ROWS * 3);
    expect(textOf(view)).toContain(`Showing the first ${STAGE_EDITOR_MAX_ROWS} of 30 stages`);
  });
});

describe('several pipelines in Slack', () => {
  beforeAll(async () => {
    await t.crm.pipelines.createPipeline(alice, 'Renewals');
    await t.crm.pipelines.addStage(alice, { name: 'Check-in', pipeline: 'renewals' });
  });

  /** A new-deal modal's values as submitted: title, the pipeline picked, a stage in `stageBlock`. */
  function newDealValues(title: string, pipeline: string, stageBlock: string, stage: string): Record<string, Record<string, Record<string, unknown>>> {
    const option = (value: string) => ({ value, text: { type: 'plain_text', text: value } });
    return {
      [BLOCKS.title]: { [INPUTS.title]: { type: 'plain_text_input', value: title } },
      [BLOCKS.pipeline]: { [INPUTS.pipeline]: { type: 'static_select', selected_option: option(pipeline) } },
      [stageBlock]: { [INPUTS.stage]: { type: 'static_select', selected_option: option(stage) } },
      [BLOCKS.owner]: { [INPUTS.owner]: { type: 'users_select', selected_user: 'U0ALICE' } },
    };
  }

  it('/deal opens the new-deal modal with a pipeline picker; picking Renewals shows its stages; the deal is created there', async () => {
    expect((await slack.command('', { responseUrl: 'https://hooks.slack.com/commands/new-modal' })).status).toBe(200);
    const view = (await nextCall('views.open')).view as View;
    const picker = view.blocks.find((b) => b.block_id === BLOCKS.pipeline)!;
    expect(picker).toMatchObject({ dispatch_action: true, element: { action_id: INPUTS.pipeline, initial_option: { value: 'sales' } } });
    expect(picker.element!.options!.map((o) => o.text.text)).toEqual(['Sales', 'Renewals']);
    const salesStages = view.blocks.find((b) => b.block_id === stageBlockFor('sales'))!;
    expect(salesStages.element!.options!.map((o) => o.value)).toEqual(['new', 'qualified', 'proposal', 'contracting', 'lost-parked'].filter((k) => k !== 'lost-parked'));

    // Picking Renewals: the modal is drawn again with its stages (views.update with the view's hash).
    const viewId = nextId('V');
    const res = await slack.interaction({
      type: 'block_actions',
      team: { id: 'T0ACME', domain: 'acme' },
      user: { id: 'U0ALICE', username: 'alice', team_id: 'T0ACME' },
      api_app_id: 'A0CRM',
      trigger_id: nextId('trig'),
      container: { type: 'view', view_id: viewId },
      view: {
        id: viewId,
        type: 'modal',
        callback_id: VIEWS.createDeal,
        hash: 'hash-1',
        private_metadata: view.private_metadata,
        state: { values: { [BLOCKS.title]: { [INPUTS.title]: { type: 'plain_text_input', value: 'Acme renewal' } } } },
      },
      actions: [{ type: 'static_select', action_id: INPUTS.pipeline, block_id: BLOCKS.pipeline, selected_option: { value: 'renewals', text: { type: 'plain_text', text: 'Renewals' } }, action_ts: '1' }],
    });
    expect(res.status).toBe(200);
    const update = await nextCall('views.update');
    expect(update).toMatchObject({ view_id: viewId, hash: 'hash-1' });
    const updated = update.view as View;
    expect(updated.blocks.find((b) => b.block_id === BLOCKS.pipeline)!.element!.initial_option!.value).toBe('renewals');
    expect(updated.blocks.find((b) => b.block_id === BLOCKS.title)!.element!.initial_value).toBe('Acme renewal');
    const renewalStages = updated.blocks.find((b) => b.block_id === stageBlockFor('renewals'))!;
    expect(renewalStages.element!.options!.map((o) => o.text.text)).toEqual(['New', 'Check-in']);

    const created = captureResponseUrl('/commands/new-modal');
    const submitted = await slack.interaction(
      viewSubmission({ callbackId: VIEWS.createDeal, privateMetadata: updated.private_metadata, values: newDealValues('Acme renewal', 'renewals', stageBlockFor('renewals'), 'check-in') }),
    );
    expect(submitted.status).toBe(200);
    expect(textOf(await created)).toMatch(/Created D-\d+\./);
    const deal = await t.handle.db.deal.findFirstOrThrow({ where: { title: 'Acme renewal' }, include: { pipeline: true, stage: true } });
    expect([deal.pipeline.key, deal.stage.key]).toEqual(['renewals', 'check-in']);
  });

  it('a stage of another pipeline than the one picked is not created: the modal comes back with the right stages', async () => {
    const res = await slack.interaction(
      viewSubmission({ callbackId: VIEWS.createDeal, privateMetadata: '{}', values: newDealValues('Mismatched', 'renewals', stageBlockFor('sales'), 'proposal') }),
    );
    const body = (await res.json()) as { response_action: string; view: View };
    expect(body.response_action).toBe('update');
    expect(textOf(body.view)).toContain('Pick a stage of Renewals: the stages shown were another pipeline’s. Nothing was created.');
    expect(body.view.blocks.find((b) => b.block_id === stageBlockFor('renewals'))).toBeDefined();
    expect(body.view.blocks.find((b) => b.block_id === BLOCKS.title)!.element!.initial_value).toBe('Mismatched');
    expect(await t.handle.db.deal.count({ where: { title: 'Mismatched' } })).toBe(0);
  });

  it('`/deal list in renewals` lists that pipeline; `/deal stage kind` answers with the pipeline', async () => {
    const list = await say('list in renewals');
    expect(textOf(list.blocks)).toContain('All open deals in Renewals');
    expect(textOf(list.blocks)).toContain('Acme renewal');
    expect(textOf(list.blocks)).not.toContain('In negotiation');
    const unknown = await say('list in partners');
    expect(textOf(unknown.blocks)).toContain('There is no pipeline called “partners”. Pipelines: Sales, Renewals.');
    await t.crm.pipelines.addStage(alice, { name: 'Churned', pipeline: 'renewals', place: { after: 'lost' } });
    const kind = await say('stage kind Churned lost in renewals');
    expect(textOf(kind.blocks)).toContain('Churned is now a lost stage: deals that enter it are lost.');
    expect(textOf(kind.blocks)).toContain('Churned* · 10% · lost (closes the deal) · 0 deals');
  });
});
