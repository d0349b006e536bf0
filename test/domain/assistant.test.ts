/**
 * The assistant service: the cache (a second request does not hit the API), the workspace switch,
 * accepting a suggestion, logging a draft, and the offline answers.
 */
import nock from 'nock';
import type { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCrm, DomainErrorCode, type Crm } from '../../src/domain/index.js';
import type { AssistantPort, AssistantRequest } from '../../src/domain/assistant/assistant.port.js';
import { AssistantError } from '../../src/domain/assistant/assistant.port.js';
import { parseAssistantAction } from '../../src/domain/assistant/assistant.schema.js';
import { dealAssistantButtons } from '../../src/domain/assistant/assistant.view.js';
import { OpenAiAssistant } from '../../src/llm/index.js';
import { silentLogger } from '../../src/log.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';
import { completion, GOOD_DRAFT, GOOD_SUMMARY, seedDeal } from '../helpers/assistant.js';

const API = 'https://api.openai.com';
const PATH = '/v1/chat/completions';

let t: TestDb;
let w: TestWorkspace;
let ai: Crm;

beforeAll(async () => {
  t = await createTestDb(); // Tuesday 2026-11-24
  w = await seedWorkspace(t.crm);
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

/** A port that answers from a script, counting calls (no HTTP). */
class ScriptedPort implements AssistantPort {
  readonly model = 'scripted-1';
  readonly tokenBudget = 6000;
  calls: AssistantRequest[] = [];
  constructor(private readonly answer: (req: AssistantRequest) => unknown) {}
  estimatePromptTokens(req: Pick<AssistantRequest, 'task' | 'data'>): number {
    return Math.ceil(JSON.stringify(req.data).length / 4) + 300;
  }
  async generate<S extends z.ZodType>(req: AssistantRequest<S>): Promise<z.output<S>> {
    this.calls.push(req);
    await new Promise((r) => setTimeout(r, 20));
    return req.schema.parse(this.answer(req));
  }
}

describe('the cache', () => {
  it('pays for a summary once: the second request does not hit the API', async () => {
    const deal = await seedDeal(t.crm, w.alice);
    const scope = nock(API).post(PATH).once().reply(200, completion(JSON.stringify(GOOD_SUMMARY)));
    const first = await ai.assistant.summarizeDeal(w.alice, deal.ref);
    expect(scope.isDone()).toBe(true);
    expect(first).toMatchObject({ source: 'model', cached: false });

    // No interceptor left: a request would fail (and answer offline). It is not made.
    const second = await ai.assistant.summarizeDeal(w.alice, deal.ref);
    expect(second).toMatchObject({ source: 'model', cached: true, lines: first.lines, suggestedNextAction: first.suggestedNextAction });

    const rows = await t.handle.db.assistantCache.findMany({ where: { workspaceId: w.workspaceId, kind: 'summary', key: { contains: deal.id } } });
    expect(rows).toHaveLength(1);
    const key = rows[0]!.key;
    expect(key.startsWith(`summary:deal:${deal.id}:`)).toBe(true);
    expect(key).toContain(':gpt-4o-mini:');
    // The newest activity is part of the key.
    const newest = await t.handle.db.activity.findFirst({ where: { dealId: deal.id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    expect(key).toContain(`:${newest!.id}:`);
  });

  it('buys a new answer after a new activity, and on Regenerate', async () => {
    const deal = await seedDeal(t.crm, w.alice);
    nock(API).post(PATH).times(3).reply(200, completion(JSON.stringify(GOOD_DRAFT)));
    await ai.assistant.draft(w.alice, deal.ref);
    expect((await ai.assistant.draft(w.alice, deal.ref)).cached).toBe(true);
    await t.crm.activities.log(w.alice, { deal: deal.ref, type: 'email', body: 'Sent the pricing sheet.' });
    expect((await ai.assistant.draft(w.alice, deal.ref)).cached).toBe(false);
    expect((await ai.assistant.draft(w.alice, deal.ref, { regenerate: true })).cached).toBe(false);
    expect((await ai.assistant.draft(w.alice, deal.ref)).cached).toBe(true);
  });

  it('asks once when the same request arrives twice at the same time', async () => {
    const deal = await seedDeal(t.crm, w.alice);
    const port = new ScriptedPort(() => GOOD_SUMMARY);
    const crm = createCrm(t.handle.db, t.clock, { assistant: port });
    const [a, b] = await Promise.all([crm.assistant.summarizeDeal(w.alice, deal.ref), crm.assistant.summarizeDeal(w.alice, deal.ref)]);
    expect(port.calls).toHaveLength(1);
    expect(a.lines).toEqual(b.lines);
  });

  it('does not cache offline answers', async () => {
    const deal = await seedDeal(t.crm, w.alice);
    const port = new ScriptedPort(() => {
      throw new AssistantError('unavailable', 'down');
    });
    const crm = createCrm(t.handle.db, t.clock, { assistant: port });
    expect((await crm.assistant.summarizeDeal(w.alice, deal.ref)).offlineReason).toBe('unavailable');
    expect((await crm.assistant.summarizeDeal(w.alice, deal.ref)).offlineReason).toBe('unavailable');
    expect(port.calls).toHaveLength(2);
  });
});

describe('the workspace switch', () => {
  it('turns drafts and summaries off (no model call) and hides the deal card buttons', async () => {
    const other = await seedWorkspace(t.crm, 'T-OFF', 'Switched off');
    const deal = await seedDeal(t.crm, other.alice);
    const port = new ScriptedPort(() => GOOD_DRAFT);
    const crm = createCrm(t.handle.db, t.clock, { assistant: port });

    await crm.assistant.setEnabled(other.workspaceId, false);
    expect(await crm.assistant.isEnabled(other.workspaceId)).toBe(false);
    await expect(crm.assistant.draft(other.alice, deal.ref)).rejects.toMatchObject({ code: DomainErrorCode.AssistantDisabled });
    await expect(crm.assistant.summarizeDeal(other.alice, deal.ref)).rejects.toMatchObject({ code: DomainErrorCode.AssistantDisabled });
    expect(port.calls).toHaveLength(0);
    expect(dealAssistantButtons({ ref: deal.ref }, await crm.assistant.isEnabled(other.workspaceId))).toEqual([]);
    // Other workspaces are unaffected.
    expect(await crm.assistant.isEnabled(w.workspaceId)).toBe(true);

    await crm.assistant.setEnabled(other.workspaceId, true);
    expect((await crm.assistant.draft(other.alice, deal.ref)).source).toBe('model');
    expect(dealAssistantButtons({ ref: deal.ref }, true).map((b) => [b.label, b.action.type])).toEqual([
      ['Draft follow-up', 'draft'],
      ['Summarise', 'summary'],
    ]);
  });
});

describe('acting on an answer', () => {
  it('accepting the suggested next action makes it the deal’s next action', async () => {
    const deal = await seedDeal(t.crm, w.alice);
    const crm = createCrm(t.handle.db, t.clock, { assistant: new ScriptedPort(() => GOOD_SUMMARY) });
    const summary = await crm.assistant.summarizeDeal(w.alice, deal.ref);
    const accept = summary.buttons.find((b) => b.action.type === 'accept_next_action');
    const action = parseAssistantAction(accept?.value);
    if (action?.type !== 'accept_next_action') throw new Error('no accept button');

    const updated = await crm.assistant.acceptSuggestion(w.alice, action.ref, action);
    expect(updated.nextAction).toMatchObject({ text: 'Send the revised proposal with the discount answer', due: '2026-11-27' });
    const detail = await crm.deals.get(w.alice, deal.ref);
    expect(detail.timeline[0]).toMatchObject({ kind: 'event', type: 'next_action', to: 'Send the revised proposal with the discount answer (by 2026-11-27)' });
  });

  it('refuses a suggestion that is not a valid next action, and drops a due date in the past', async () => {
    const deal = await seedDeal(t.crm, w.alice);
    await expect(ai.assistant.acceptSuggestion(w.alice, deal.ref, { action: 'x'.repeat(501) })).rejects.toMatchObject({
      code: DomainErrorCode.InvalidInput,
    });
    const crm = createCrm(t.handle.db, t.clock, {
      assistant: new ScriptedPort(() => ({ ...GOOD_SUMMARY, suggestedNextAction: { text: 'Call Ana', due: '2025-01-01', sources: ['A1'] } })),
    });
    expect((await crm.assistant.summarizeDeal(w.alice, deal.ref)).suggestedNextAction).toEqual({ text: 'Call Ana', due: null, citations: ['A1'] });
  });

  it('logs a shown draft as an email activity, once', async () => {
    const deal = await seedDeal(t.crm, w.alice);
    const draft = await t.crm.assistant.draft(w.alice, deal.ref); // offline: no model configured
    const first = await t.crm.assistant.logDraft(w.alice, deal.ref, draft.id, 'slack');
    const again = await t.crm.assistant.logDraft(w.alice, deal.ref, draft.id, 'slack');
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, activity: { id: first.activity.id } });
    expect(first.activity).toMatchObject({ type: 'email', source: 'slack', body: `Subject: ${draft.subject}\n\n${draft.body}` });
    await expect(t.crm.assistant.logDraft(w.alice, deal.ref, '0123456789abcdef')).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    // A draft of one deal cannot be logged on another.
    const other = await seedDeal(t.crm, w.alice);
    await expect(t.crm.assistant.logDraft(w.alice, other.ref, draft.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
  });

  it('parses button values strictly', () => {
    expect(parseAssistantAction('{"type":"draft","ref":"D-1"}')).toEqual({ type: 'draft', ref: 'D-1' });
    expect(parseAssistantAction('{"type":"archive","ref":"D-1"}')).toBeUndefined();
    expect(parseAssistantAction('{"type":"log_draft","ref":"D-1","draftId":"../../etc"}')).toBeUndefined();
    expect(parseAssistantAction('not json')).toBeUndefined();
  });
});

describe('offline answers (no model configured)', () => {
  it('drafts from a template with the contacts, the last conversation and the next action', async () => {
    const deal = await seedDeal(t.crm, w.alice);
    const draft = await t.crm.assistant.draft(w.alice, deal.ref);
    const title = (await t.crm.deals.get(w.alice, deal.ref)).title;
    expect(draft).toMatchObject({
      source: 'offline',
      label: 'Offline draft (no AI)',
      offlineReason: 'not_configured',
      subject: `Following up: ${title}`,
    });
    expect(draft.note).toContain('OPENAI_API_KEY');
    expect(draft.body).toBe(
      [
        'Hi Ana and Ben,',
        `Thank you for taking the time to speak with me on Monday, November 23 about ${title}.`,
        'Next step on our side: send the revised proposal (by Friday, November 27).',
        'Please let me know if you have any questions, or if anything has changed on your side.',
        'Best regards,\nAlice Adams',
      ].join('\n\n'),
    );
    expect(draft.citations.map((c) => c.activityId)).toEqual([deal.activityIds[0]]);
    expect(draft.to.map((c) => c.email)).toEqual([expect.stringMatching(/^ana\d+@globex\.example$/), expect.stringMatching(/^ben\d+@globex\.example$/)]);
  });

  it('summarises by extracting the record’s facts, recent activities and their questions', async () => {
    const deal = await seedDeal(t.crm, w.alice);
    const summary = await t.crm.assistant.summarizeDeal(w.alice, deal.ref);
    expect(summary.label).toBe('Offline summary (no AI): extracted from the activities');
    expect(summary.lines.map((l) => l.text)).toEqual([
      expect.stringMatching(/^Globex renewal \d+ \(Globex\) is in Proposal, expected to close Tue, Dec 15\.$/),
      'Next action: send the revised proposal (due Fri, Nov 27).',
      'Mon, Nov 23, call: Ana said procurement needs the revised proposal by Friday.',
      'Thu, Nov 19, meeting: Demo with Ana and Ben; they liked the reporting module.',
      'Mon, Nov 16, note: Ana asked whether the 3-year term includes support.',
    ]);
    expect(summary.openQuestions).toEqual([{ text: 'Can we offer a 5% discount?', citations: ['A1'] }]);
    expect(summary.suggestedNextAction).toBeNull(); // the deal has a next action
  });

  it('suggests a follow-up when a deal has no next action', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Bare deal' });
    await t.crm.activities.log(w.alice, { deal: deal.ref, type: 'call', body: 'Intro call.', occurredAt: new Date('2026-11-20T10:00:00Z') });
    const summary = await t.crm.assistant.summarizeDeal(w.alice, deal.ref);
    expect(summary.suggestedNextAction).toEqual({ text: 'Follow up with the customer on the call of Fri, Nov 20', due: '2026-11-26', citations: ['A1'] });
    expect(summary.buttons[0]?.action).toEqual({ type: 'accept_next_action', ref: deal.ref, action: 'Follow up with the customer on the call of Fri, Nov 20', due: '2026-11-26' });
  });

  it('summarises a contact from their own activities only', async () => {
    const contact = await t.crm.contacts.create(w.alice, { name: 'Cora Diaz', email: 'cora@initech.example', phone: '+1 555 0123', companyName: 'Initech' });
    await t.crm.activities.log(w.alice, { contactId: contact.id, type: 'call', body: 'Cora wants a demo in January. Who signs off?', occurredAt: new Date('2026-11-21T10:00:00Z') });
    const deal = await seedDeal(t.crm, w.alice);
    const port = new ScriptedPort(() => ({ summary: [{ text: 'Cora wants a January demo.', sources: ['A1'] }] }));
    const crm = createCrm(t.handle.db, t.clock, { assistant: port });
    const summary = await crm.assistant.summarizeContact(w.alice, contact.id);
    expect(summary).toMatchObject({ subject: { type: 'contact', id: contact.id, name: 'Cora Diaz' }, source: 'model', suggestedNextAction: null });
    const data = port.calls[0]!.data;
    expect(data).toEqual({
      today: '2026-11-24',
      contact: { name: 'Cora Diaz', title: null, company: 'Initech' },
      activities: [{ ref: 'A1', type: 'call', date: '2026-11-21', text: 'Cora wants a demo in January. Who signs off?' }],
    });
    expect(JSON.stringify(data)).not.toContain(deal.ref);

    const offline = await t.crm.assistant.summarizeContact(w.alice, contact.id);
    expect(offline.lines.map((l) => l.text)).toEqual(['Cora Diaz at Initech.', 'Sat, Nov 21, call: Cora wants a demo in January.']);
    expect(offline.openQuestions.map((q) => q.text)).toEqual(['Who signs off?']);
  });

  it('keeps other workspaces’ deals and contacts out of reach', async () => {
    const deal = await seedDeal(t.crm, w.alice);
    const stranger = await seedWorkspace(t.crm, 'T-OTHER', 'Other');
    await expect(t.crm.assistant.draft(stranger.alice, deal.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
    const contact = (await t.crm.contacts.search(w.alice, 'Ana Lopez', 1))[0]!;
    await expect(t.crm.assistant.summarizeContact(stranger.alice, contact.id)).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
  });
});
