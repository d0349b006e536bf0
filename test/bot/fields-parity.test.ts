/**
 * Custom fields on the deal card, the contact card and the company card look the same on every
 * surface: Slack (Block Kit), Teams (Adaptive Card) and the console each show every field's name
 * and value (a dash where there is none), in the field order, from the same view model (made by
 * the real domain), with people's Markdown and mention characters shown as typed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand, type Reply } from '../../src/bot/commands/execute.js';
import { renderReply } from '../../src/bot/console/render.js';
import { replyBlocks } from '../../src/bot/slack/blocks/reply.js';
import { replyCard } from '../../src/bot/teams/cards/reply.js';
import type { FieldDefinitionView, FieldLine } from '../../src/domain/fields/field.view.js';
import { FIELD_LIMITS } from '../../src/domain/fields/field.schema.js';
import { customFieldInputs } from '../../src/bot/slack/blocks/fields.js';
import { editDealModal } from '../../src/bot/slack/blocks/modals.js';
import { blockKitViolations, describeViolations } from '../../src/bot/slack/blocks/limits.js';
import { silentLogger } from '../../src/log.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;

async function reply(text: string): Promise<Reply> {
  const r = await executeCommand({ crm: t.crm, actor: w.alice, surface: 'slack', log: silentLogger }, text);
  if (r.kind === 'error') throw new Error(`${text}: ${r.message}`);
  return r;
}

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
  for (const line of [
    'field add deal "Source" choice Inbound, Outbound, *Partner*',
    'field add deal "Campaign <name>" text',
    'field add deal Seats number',
    'field add deal "Setup fee" money',
    'field add deal "Renewal date" date',
    'field add deal "Partner manager" person',
    'field add deal Notes text',
    'field add contact Tier choice Gold, Silver',
    'field add contact Birthday date',
    'field add company Employees number',
    'new Acme renewal 25k',
    'set D-1 source *partner*',
    'set D-1 "Campaign <name>" Q4_launch <!channel> & friends',
    'set D-1 seats 1,500',
    'set D-1 setup_fee €2,000',
    'set D-1 renewal_date 2027-01-15',
    'set D-1 partner_manager @bob',
    'company new Acme acme.com',
    'contact new Jane Doe jane@acme.com at Acme',
    'set contact jane@acme.com tier gold',
    'set company acme.com employees 1200',
  ]) {
    await reply(line);
  }
});
afterAll(async () => t.cleanup());

const clock = { now: new Date('2026-11-24T10:00:00Z'), timeZone: 'Europe/Berlin' };

/** The same words whatever the markup: Slack's entities and zero-width spaces, Teams' backslashes. */
const normalise = (s: string) =>
  s
    .replaceAll('\u200B', '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\\(.)/g, '$1');

function slackText(r: Reply): string {
  const texts: string[] = [];
  JSON.stringify(replyBlocks(r, clock).blocks, (_k, v: unknown) => {
    if (v && typeof v === 'object' && typeof (v as { text?: unknown }).text === 'string') texts.push((v as { text: string }).text);
    return v;
  });
  return normalise(texts.join('\n'));
}

function teamsFacts(r: Reply): string[] {
  const out: string[] = [];
  JSON.stringify(replyCard(r, clock).card, (_k, v: unknown) => {
    const o = v as { type?: string; facts?: { title: string; value: string }[] };
    if (o?.type === 'FactSet') out.push(...(o.facts ?? []).map((f) => normalise(`${f.title}: ${f.value}`)));
    return v;
  });
  return out;
}

const consoleText = (r: Reply) => renderReply(r, { ...clock, color: false });

function expectEverywhere(r: Reply, lines: FieldLine[]): void {
  const slack = slackText(r);
  const facts = teamsFacts(r);
  const console = consoleText(r);
  for (const l of lines) {
    const shown = l.value === null ? '—' : l.display;
    expect(slack, `Slack shows ${l.name}`).toContain(`*${l.name}*\n${shown}`);
    expect(facts, `Teams shows ${l.name}`).toContain(`${l.name}: ${shown}`);
    expect(console, `the console shows ${l.name}`).toContain(`  ${l.name}: ${shown}`);
  }
  // In the field order on every surface.
  const order = (text: string) => lines.map((l) => text.indexOf(l.name));
  for (const [surface, text] of [['Slack', slack], ['Teams', facts.join('\n')], ['console', console]] as const) {
    const at = order(text);
    expect(at, surface).toEqual([...at].sort((a, b) => a - b));
  }
}

describe('custom fields on every surface', () => {
  it('the deal card: every type, Markdown and mentions shown as typed, unset as a dash', async () => {
    const r = await reply('D-1');
    if (r.kind !== 'deal' || !('fields' in r.deal)) throw new Error(r.kind);
    expect(r.deal.fields.map((f) => [f.name, f.display])).toEqual([
      ['Source', '*Partner*'],
      ['Campaign <name>', 'Q4_launch <!channel> & friends'],
      ['Seats', '1,500'],
      ['Setup fee', '€2,000'],
      ['Renewal date', 'Fri 15 Jan 2027'],
      ['Partner manager', 'Bob Brown'],
      ['Notes', '—'],
    ]);
    expectEverywhere(r, r.deal.fields);
    // Nothing a person typed became a mention or a link in Slack.
    expect(JSON.stringify(replyBlocks(r, clock).blocks)).not.toContain('<!channel>');
  });

  it('the contact card and the company card', async () => {
    const contact = await reply('contact jane@acme.com');
    if (contact.kind !== 'contact') throw new Error(contact.kind);
    expect(contact.contact.fields.map((f) => f.display)).toEqual(['Gold', '—']);
    expectEverywhere(contact, contact.contact.fields);
    const company = await reply('company acme.com');
    if (company.kind !== 'company') throw new Error(company.kind);
    expect(company.company.fields.map((f) => f.display)).toEqual(['1,200']);
    expectEverywhere(company, company.company.fields);
  });
});

describe('custom fields in the Slack deal edit modal', () => {
  it('the most fields, the longest names, values and choices stay inside Block Kit’s limits', () => {
    const long = (n: number, i = 0) => `${i} ${'*_~`<>&é'.repeat(n)}`.slice(0, n);
    const types = ['text', 'number', 'money', 'date', 'choice', 'person'] as const;
    const defs: FieldDefinitionView[] = Array.from({ length: FIELD_LIMITS.perEntity }, (_, i) => ({
      id: `f${i}`,
      entity: 'deal',
      key: `field_${i}`,
      name: long(FIELD_LIMITS.name, i),
      type: types[i % types.length]!,
      choices: types[i % types.length] === 'choice' ? Array.from({ length: FIELD_LIMITS.choices }, (_, c) => long(FIELD_LIMITS.choice, c)) : [],
      position: i,
    }));
    const lines: FieldLine[] = defs.map((d) => ({
      key: d.key,
      name: d.name,
      type: d.type,
      display: long(FIELD_LIMITS.text),
      value: d.type === 'number' ? 1e14 : d.type === 'money' ? '999999999999999.99 USD' : d.type === 'date' ? '2027-01-15' : d.type === 'choice' ? d.choices[7]! : d.type === 'person' ? '@maria' : long(FIELD_LIMITS.text),
    }));
    const view = editDealModal({ initial: { title: long(200) }, fields: customFieldInputs(defs, lines, () => 'U0MARIA'), privateMetadata: '{}' });
    expect(blockKitViolations('modal', view), describeViolations(blockKitViolations('modal', view))).toEqual([]);
    expect(view.blocks.filter((b) => b.type === 'input')).toHaveLength(4 + FIELD_LIMITS.perEntity);
  });
});

