/**
 * `/deal draft` and `/deal summary` end to end over the domain, the assistant's buttons
 * (executeAssistantAction), and how the console prints them.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { executeAssistantAction, executeCommand, type CommandContext, type Reply } from '../../src/bot/commands/execute.js';
import { renderReply } from '../../src/bot/console/render.js';
import { createCrm, type Crm } from '../../src/domain/index.js';
import { OpenAiAssistant } from '../../src/llm/index.js';
import { silentLogger } from '../../src/log.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';
import { completion, GOOD_SUMMARY, seedDeal, type SeededDeal } from '../helpers/assistant.js';

let t: TestDb;
let w: TestWorkspace;
let deal: SeededDeal;
let ai: Crm;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
  deal = await seedDeal(t.crm, w.alice);
  ai = createCrm(t.handle.db, t.clock, {
    assistant: new OpenAiAssistant({ apiKey: 'sk-test', model: 'gpt-4o-mini', timeoutMs: 2000, maxRetries: 0, tokenBudget: 6000, log: silentLogger }),
  });
});
afterAll(async () => t.cleanup());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

const ctx = (crm: Crm = t.crm): CommandContext => ({ crm, actor: w.alice, surface: 'console', log: silentLogger });
const run = (text: string, crm?: Crm) => executeCommand(ctx(crm), text);
const render = (reply: Reply) => renderReply(reply, { now: t.clock.now(), timeZone: 'Europe/Berlin', color: false });
function expectKind<K extends Reply['kind']>(reply: Reply, kind: K): Extract<Reply, { kind: K }> {
  if (reply.kind !== kind) throw new Error(`expected a ${kind} reply, got ${reply.kind}: ${'message' in reply ? reply.message : ''}`);
  return reply as Extract<Reply, { kind: K }>;
}

describe('/deal draft', () => {
  it('answers with the labelled offline draft when no model is configured', async () => {
    const reply = expectKind(await run(`draft ${deal.ref}`), 'draft');
    expect(reply.draft).toMatchObject({ source: 'offline', label: 'Offline draft (no AI)', visibility: 'private' });
    const text = render(reply);
    expect(text.split('\n')[0]).toBe('Offline draft (no AI)');
    expect(text).toContain('No AI model is configured (OPENAI_API_KEY)');
    expect(text).toMatch(/To: Ana Lopez <ana\d+@globex\.example>, Ben Okafor <ben\d+@globex\.example>/);
    expect(text).toContain(`Subject: ${reply.draft.subject}`);
    expect(text).toContain(reply.draft.body);
    expect(text).toContain('Only you can see this draft; nothing was sent.');
    expect(text).toContain(`/deal log ${deal.ref} email <what you sent>`);
  });

  it('says which deal it needs, and refuses unknown deals politely', async () => {
    expect(expectKind(await run('draft'), 'error').hint).toBe('/deal draft <ref> [again]');
    expect(expectKind(await run('draft D-9999'), 'error').message).toBe('I can’t find D-9999.');
  });

  it('says so when the workspace turned the helper off', async () => {
    const off = await seedWorkspace(t.crm, 'T-NOAI', 'No AI');
    const { deal: d } = await t.crm.deals.create(off.alice, { title: 'Quiet deal' });
    await t.crm.assistant.setEnabled(off.workspaceId, false);
    const reply = expectKind(await executeCommand({ ...ctx(), actor: off.alice }, `draft ${d.ref}`), 'error');
    expect(reply.message).toBe('Drafts and summaries are turned off in this workspace.');
    expect(reply.hint).toContain('docs/assistant.md');
  });
});

describe('/deal summary', () => {
  it('prints a model summary with citations and how to accept the suggestion', async () => {
    nock('https://api.openai.com').post('/v1/chat/completions').reply(200, completion(JSON.stringify(GOOD_SUMMARY)));
    const reply = expectKind(await run(`summarize ${deal.ref}`, ai), 'summary');
    expect(reply.summary.source).toBe('model');
    const text = render(reply);
    expect(text.split('\n')[0]).toBe('AI summary (gpt-4o-mini)');
    expect(text).toContain('  • Procurement needs the revised proposal by Friday. [A1]');
    expect(text).toContain('Open questions:\n  • Does the 3-year term include support? [A3]');
    expect(text).toContain('Suggested next action: Send the revised proposal with the discount answer (by Fri, Nov 27) [A1]');
    expect(text).toContain(`/deal next ${deal.ref} Send the revised proposal with the discount answer by 2026-11-27`);
    expect(text).toMatch(/A3 2026-11-16 note: Ana asked whether/);
  });

  it('summarises a contact found by name or email', async () => {
    const byName = expectKind(await run('summary contact Ben Okafor'), 'summary');
    expect(byName.summary.subject).toMatchObject({ type: 'contact', name: 'Ben Okafor' });
    expect(render(byName)).toContain('Offline summary (no AI)');
    const none = expectKind(await run('summary contact Nobody Here'), 'error');
    expect(none.message).toBe('No contact matches “Nobody Here”.');
  });
});

describe('the assistant buttons', () => {
  it('Set as next action makes the suggestion the deal’s next action', async () => {
    const own = await seedDeal(t.crm, w.alice);
    nock('https://api.openai.com').post('/v1/chat/completions').reply(200, completion(JSON.stringify(GOOD_SUMMARY)));
    const { summary } = expectKind(await run(`summary ${own.ref}`, ai), 'summary');
    const accept = summary.buttons.find((b) => b.label === 'Set as next action')!;
    const reply = expectKind(await executeAssistantAction(ctx(ai), accept.value), 'deal');
    expect(reply.headline).toBe(`Next action set on ${own.ref}.`);
    expect(reply.deal.nextAction).toMatchObject({ text: 'Send the revised proposal with the discount answer', due: '2026-11-27' });
  });

  it('Log as email activity logs the draft once; Regenerate makes a new one', async () => {
    const { draft } = expectKind(await run(`draft ${deal.ref}`), 'draft');
    const log = draft.buttons.find((b) => b.label === 'Log as email activity')!;
    const first = expectKind(await executeAssistantAction(ctx(), log.value), 'deal');
    expect(first.headline).toBe(`Logged the draft as an email on ${deal.ref}.`);
    const again = expectKind(await executeAssistantAction(ctx(), log.value), 'deal');
    expect(again.headline).toBe(`That draft was already logged on ${deal.ref}.`);
    const emails = (await t.crm.activities.list(w.alice, { deal: deal.ref })).filter((a) => a.type === 'email');
    expect(emails).toHaveLength(1);
    expect(emails[0]!.body).toBe(`Subject: ${draft.subject}\n\n${draft.body}`);

    const regenerate = draft.buttons.find((b) => b.label === 'Regenerate')!;
    expect(regenerate.action).toEqual({ type: 'draft', ref: deal.ref, regenerate: true });
    expect(expectKind(await executeAssistantAction(ctx(), regenerate.value), 'draft').draft.source).toBe('offline');
  });

  it('answers a forged or stale button with an error, not a crash', async () => {
    expect(expectKind(await executeAssistantAction(ctx(), '{"type":"archive_all"}'), 'error').message).toMatch(/no longer works/);
    const stale = JSON.stringify({ type: 'log_draft', ref: deal.ref, draftId: 'ffffffffffffffff' });
    expect(expectKind(await executeAssistantAction(ctx(), stale), 'error').message).toMatch(/can’t find that draft/);
  });
});
