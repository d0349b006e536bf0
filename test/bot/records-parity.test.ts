/**
 * The Slack and Teams renderings of a contact card, a company card and a task list carry the same
 * facts and the same actions. The views come from the real domain (a contact on two deals with
 * activity and tasks); each surface's rendering is read back as text and as its buttons, and every
 * fact of the view, and every action's label, must be in both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand, type Reply } from '../../src/bot/commands/execute.js';
import { slackRecordBlocks } from '../../src/bot/slack/blocks/records.js';
import { recordCard } from '../../src/bot/teams/cards/records.js';
import { silentLogger } from '../../src/log.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;

type RecordReply = Extract<Reply, { kind: 'contact' | 'company' | 'tasks' }>;

async function reply(text: string): Promise<Reply> {
  return executeCommand({ crm: t.crm, actor: w.alice, surface: 'slack', log: silentLogger }, text);
}

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
  for (const line of [
    'company new Acme acme.com',
    'contact new Jane Doe jane@acme.com +1 415 555 0100 VP Sales at Acme',
    'contact new Omar Haddad omar@acme.com at Acme',
    'new Acme renewal 25k',
    'new Acme expansion 40k',
    'new Acme pilot 10k',
    'D-1 add jane@acme.com',
    'D-2 add jane@acme.com',
    'D-3 add omar@acme.com',
    'won D-3',
    'log D-1 call Discussed the renewal terms',
    'task D-1 Send the quote by 2026-11-30',
    'task jane@acme.com Book the onsite by 2026-12-04 @bob',
  ]) {
    const r = await reply(line);
    if (r.kind === 'error') throw new Error(`${line}: ${r.message}`);
    if (r.kind === 'duplicate') throw new Error(`${line}: ${r.message}`);
  }
});
afterAll(async () => t.cleanup());

const clock = { now: new Date('2026-11-24T10:00:00Z'), timeZone: 'Europe/Berlin' };

/** Same words whatever the surface's markup: Slack mrkdwn escapes, Teams markdown escapes, emoji. */
const normalise = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\\(.)/g, '$1')
    .replace(/[*_~`]/g, '')
    .replace(/:[a-z_]+:/g, '');

interface Rendered {
  text: string;
  buttons: string[];
}

/** Every object in a rendering, except an Adaptive Card action's `fallback` (the same button, for old clients). */
function walk(node: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) for (const n of node) walk(n, visit);
  else if (node && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    for (const [k, v] of Object.entries(node)) if (k !== 'fallback') walk(v, visit);
  }
}

function slack(r: RecordReply): Rendered {
  const blocks = slackRecordBlocks(r, clock);
  const texts: string[] = [];
  const buttons: string[] = [];
  walk(blocks, (o) => {
    if (typeof o.text === 'string') texts.push(o.text);
    if (o.type === 'button' && o.text && typeof (o.text as { text?: unknown }).text === 'string') buttons.push((o.text as { text: string }).text);
  });
  return { text: normalise(texts.join('\n')), buttons };
}

function teams(r: RecordReply): Rendered {
  const { card } = recordCard(r, clock);
  const texts: string[] = [];
  const buttons: string[] = [];
  walk(card, (o) => {
    for (const k of ['text', 'title', 'value']) if (typeof o[k] === 'string' && !String(o.type ?? '').startsWith('Action.')) texts.push(o[k] as string);
    if (typeof o.type === 'string' && o.type.startsWith('Action.') && typeof o.title === 'string') buttons.push(o.title);
  });
  return { text: normalise(texts.join('\n')), buttons };
}

function expectBoth(r: RecordReply, facts: readonly string[], actionLabels: readonly string[]): void {
  for (const [surface, rendered] of [['Slack', slack(r)], ['Teams', teams(r)]] as const) {
    for (const fact of facts) expect(rendered.text, `${surface} shows "${fact}"`).toContain(fact);
    for (const label of actionLabels) expect(rendered.buttons, `${surface} has a "${label}" button`).toContain(label);
  }
}

describe('Slack and Teams show the same record facts and actions', () => {
  it('a contact card: details, company, owner, open deals, recent activity, next task, and its actions', async () => {
    const r = await reply('contact jane@acme.com');
    if (r.kind !== 'contact') throw new Error(r.kind);
    const c = r.contact;
    expect(c.openDeals.map((d) => d.ref).sort()).toEqual(['D-1', 'D-2']);
    expect(c.nextTask?.title).toBeDefined();
    const facts = [
      c.name,
      c.email ?? '',
      c.phone ?? '',
      c.title ?? '',
      c.company?.name ?? '',
      c.owner?.displayName ?? '',
      ...c.openDeals.flatMap((d) => [d.ref, d.title, d.amountText ?? '', d.stage.name]),
      ...c.recentActivity.map((a) => a.body),
      c.nextTask?.title ?? '',
      c.nextTask?.ref ?? '',
    ];
    expect(facts.filter((f) => f === '')).toEqual([]);
    expectBoth(r, facts, c.actions.map((a) => a.label));
  });

  it('a company card: contacts, open deals, pipeline value, won revenue, recent activity, and its actions', async () => {
    const r = await reply('company acme.com');
    if (r.kind !== 'company') throw new Error(r.kind);
    const c = r.company;
    expect(c.pipelineValue.map((m) => m.text)).toEqual(['$65,000']);
    expect(c.wonRevenue.map((m) => m.text)).toEqual(['$10,000']);
    const facts = [
      c.name,
      c.domain ?? '',
      ...c.contacts.map((x) => x.name),
      ...c.openDeals.flatMap((d) => [d.ref, d.title, d.amountText ?? '']),
      ...c.pipelineValue.map((m) => m.text),
      ...c.wonRevenue.map((m) => m.text),
      ...c.recentActivity.map((a) => a.body),
    ];
    expectBoth(r, facts, c.actions.map((a) => a.label));
  });

  it('a task list: each task’s reference, title, assignee and what it is on, with Done and Snooze on each', async () => {
    const mine = await reply('tasks mine');
    const bobs = await reply('tasks @bob');
    for (const r of [mine, bobs]) {
      if (r.kind !== 'tasks') throw new Error(r.kind);
      expect(r.list.items.length).toBeGreaterThan(0);
      const facts = r.list.items.flatMap((x) => [x.ref, x.title, x.assignee?.displayName ?? '', x.deal?.ref ?? x.contact?.name ?? '']);
      expectBoth(r, [r.list.heading, ...facts.filter(Boolean)], [...new Set(r.list.items.flatMap((x) => x.actions.map((a) => a.label)))]);
      // One Done per open task on each surface.
      expect(slack(r).buttons.filter((b) => b === 'Done')).toHaveLength(r.list.items.length);
      expect(teams(r).buttons.filter((b) => b === 'Done')).toHaveLength(r.list.items.length);
    }
  });
});
