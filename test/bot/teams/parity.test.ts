/**
 * Slack and Teams render the same deal view with the same facts and the same actions. Facts are
 * read back out of both renderings (Block Kit fields, Adaptive Card FactSet) and compared value
 * by value; actions are compared through one table that maps Slack's action_ids to Teams' card
 * verbs, so a button added to one surface and not the other fails here.
 */
import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { replyBlocks } from '../../../src/bot/slack/blocks/reply.js';
import { ACTIONS, ASSISTANT_ACTIONS } from '../../../src/bot/slack/ids.js';
import { replyCard } from '../../../src/bot/teams/cards/reply.js';
import { ASSISTANT_VERBS, DIALOGS, VERBS } from '../../../src/bot/teams/ids.js';
import type { DealView } from '../../../src/domain/deals/deal.view.js';
import { formatDateOnly, formatDaysAgo } from '../../../src/bot/format.js';
import { clock, deal, detail } from '../slack/blocks/fixtures.js';

/**
 * The one table: each Slack deal-card action and its Teams twin. `null`: Slack only, with why.
 * Teams-only actions are listed in TEAMS_ONLY, with why.
 */
const SLACK_TO_TEAMS: Record<string, string | null> = {
  [ACTIONS.advanceStage]: VERBS.advanceStage,
  [ACTIONS.markWon]: VERBS.markWon,
  [ACTIONS.markLost]: VERBS.markLost,
  [ACTIONS.setNextAction]: VERBS.setNextAction,
  [ACTIONS.logActivity]: VERBS.logActivity,
  // Slack's Edit opens the edit modal; Teams' Edit deal opens the edit dialog.
  [ACTIONS.editDeal]: `dialog:${DIALOGS.editDeal}`,
  [ASSISTANT_ACTIONS.draft]: ASSISTANT_VERBS.draft,
  [ASSISTANT_ACTIONS.summary]: ASSISTANT_VERBS.summary,
  // Slack answers privately (ephemeral), so a card can be shared; a Teams answer is already in the conversation.
  [ACTIONS.shareToChannel]: null,
};
/** Teams-only deal-card actions (none now: Slack's Edit button came in session 2). */
const TEAMS_ONLY: string[] = [];

const FACTS = ['Company', 'Amount', 'Stage', 'Owner', 'Close date', 'Next action', 'Last activity', 'Lost reason'];

/** Same words whatever the surface's emoji and escaping: `:red_circle:` and 🔴 both go. */
const normalise = (s: string) =>
  s
    .replace(/\u200B/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\\(.)/g, '$1')
    .replace(/:[a-z_]+:\s*/g, '')
    .replace(/[\p{Extended_Pictographic}\uFE0F]\s*/gu, '')
    .trim();

interface Rendered {
  title: string;
  facts: Record<string, string>;
  actions: string[];
}

function slack(view: DealView): Rendered {
  const { blocks } = replyBlocks({ kind: 'deal', deal: view }, { ...clock, shareable: true, assistant: true });
  const sections = blocks.filter((b): b is Extract<KnownBlock, { type: 'section' }> => b.type === 'section');
  const title = normalise(sections[0]!.text!.text).replace(/\*/g, '');
  const facts: Record<string, string> = {};
  for (const f of sections.find((s) => s.fields)?.fields ?? []) {
    const [label, ...value] = f.text.split('\n');
    facts[label!.replace(/\*/g, '')] = normalise(value.join('\n'));
  }
  const actions = blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => (e as { action_id: string }).action_id) : []));
  return { title, facts, actions };
}

function teams(view: DealView): Rendered {
  const { card } = replyCard({ kind: 'deal', deal: view }, { ...clock, assistant: true });
  const texts = card.body.filter((b) => b.type === 'TextBlock') as unknown as { text: string }[];
  const factSet = card.body.find((b) => b.type === 'FactSet') as unknown as { facts: { title: string; value: string }[] };
  const facts = Object.fromEntries(factSet.facts.map((f) => [f.title, normalise(f.value)]));
  const actions: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.type === 'Action.Execute') actions.push(o.verb as string);
    const data = o.data as { msteams?: { type?: string }; dialog?: string } | undefined;
    if (o.type === 'Action.Submit' && data?.msteams?.type === 'task/fetch') actions.push(`dialog:${data.dialog}`);
    for (const [k, v] of Object.entries(o)) if (k !== 'fallback' && typeof v === 'object') walk(v);
  };
  walk(card.actions);
  return { title: normalise(texts[0]!.text), facts, actions };
}

const aadOwner = { id: 'm1', displayName: 'Alice Adams', handle: 'alice.adams', externalId: '3f2a9c1e-aad-object-id' };
const views: [string, DealView][] = [
  ['an open deal with an overdue next action', deal({ owner: aadOwner })],
  ['an open deal due today, without company', deal({ owner: aadOwner, company: null, nextAction: { text: 'Call Ana', due: '2026-11-19', overdue: false, dueToday: true } })],
  ['an open deal without next action, amount or owner', deal({ owner: null, amount: null, amountText: null, nextAction: null, expectedCloseDate: null })],
  ['a won deal', deal({ owner: aadOwner, status: 'won', stage: { key: 'won', name: 'Won', kind: 'won', probability: 100, position: 4 }, nextAction: null })],
  ['a lost deal', deal({ owner: aadOwner, status: 'lost', lostReason: 'went with a competitor', stage: { key: 'lost', name: 'Lost', kind: 'lost', probability: 0, position: 5 }, nextAction: null })],
];

describe('Slack and Teams render the same deal view alike', () => {
  it.each(views)('%s: the same facts', (_what, view) => {
    const s = slack(view);
    const t = teams(view);
    expect(t.title).toBe(s.title);
    expect(t.title).toBe(`${view.ref}  ${view.title}`);
    for (const label of FACTS) expect([label, t.facts[label]]).toEqual([label, s.facts[label]]);
    expect(Object.keys(t.facts).sort()).toEqual(Object.keys(s.facts).sort());
    // And they are the right facts, not the same mistake twice.
    expect(t.facts.Amount).toBe(view.amountText ?? '—');
    expect(t.facts['Close date']).toBe(view.expectedCloseDate ? formatDateOnly(view.expectedCloseDate, '2026-11-19') : '—');
    expect(t.facts.Owner).toBe(view.owner?.displayName ?? 'no owner');
    expect(t.facts['Last activity']).toBe(formatDaysAgo(view.daysSinceActivity));
    expect(t.facts.Stage).toContain(view.stage.name);
    if (view.nextAction) expect(t.facts['Next action']).toContain(view.nextAction.text);
  });

  it.each(views)('%s: the same actions, through the one table', (_what, view) => {
    const s = slack(view);
    const t = teams(view);
    for (const id of s.actions) expect(Object.keys(SLACK_TO_TEAMS), `Slack action ${id} has no Teams twin in the table`).toContain(id);
    const expected = s.actions.map((id) => SLACK_TO_TEAMS[id]).filter((v): v is string => v !== null);
    expect(t.actions.filter((a) => !TEAMS_ONLY.includes(a)).sort()).toEqual(expected.sort());
    expect(t.actions.filter((a) => TEAMS_ONLY.includes(a))).toEqual(TEAMS_ONLY);
  });

  it('open deals offer the stage buttons, closed ones only logging (on both surfaces)', () => {
    const [open, won] = [teams(views[0]![1]), teams(views[3]![1])];
    expect(open.actions).toEqual(expect.arrayContaining([VERBS.advanceStage, VERBS.markWon, VERBS.markLost, VERBS.setNextAction, VERBS.logActivity]));
    expect(won.actions).not.toContain(VERBS.advanceStage);
    expect(won.actions).toContain(VERBS.logActivity);
  });
});

describe('a detailed deal: its contacts, and one picker to attach and detach them, on both surfaces', () => {
  const contacts = [
    { id: 'p1', name: 'Ana Lima', email: 'ana@acme.com' },
    { id: 'p2', name: 'Bo Berg', email: null },
  ];
  const contactsLine = (texts: string[]) => normalise(texts.find((t) => /^\W*Contacts:/.test(t.replace(/[*_]/g, ''))) ?? '').replace(/[*_]/g, '');

  it.each([
    ['with two contacts', contacts],
    ['with none yet', []],
  ])('%s', (_what, list) => {
    const view = detail({ contacts: list });
    const { blocks } = replyBlocks({ kind: 'deal', deal: view }, { ...clock, shareable: true, assistant: true });
    const slackTexts = blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
    const slackPicker = JSON.stringify(blocks).includes(`"action_id":"${ACTIONS.dealContacts}"`);
    const { card } = replyCard({ kind: 'deal', deal: view }, { ...clock, assistant: true });
    const teamsTexts = card.body.flatMap((b) => (b.type === 'TextBlock' ? [b.text as string] : []));
    expect(contactsLine(teamsTexts)).toBe(contactsLine(slackTexts));
    expect(contactsLine(teamsTexts)).toBe(list.length ? 'Contacts: Ana Lima (ana@acme.com), Bo Berg' : 'Contacts: none yet');
    expect(slackPicker).toBe(true);
    const teamsPicker = JSON.stringify(card.actions);
    expect(teamsPicker).toContain(`"verb":"${VERBS.dealContacts}"`);
    expect(teamsPicker).toContain(`"value":"${list.map((c) => c.id).join(',')}"`);
  });
});
