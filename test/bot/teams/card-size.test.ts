/**
 * Teams refuses a message over its size limit (413 MessageSizeTooBig); the CRM keeps every
 * activity under 28 KB of JSON whatever people typed: a deal with 50 contacts, the longest notes
 * the domain accepts, titles and names made of Markdown characters, digests with hundreds of deals.
 * Measured on the whole activity the bot posts to the connector (the deal card through the real
 * endpoint; digests and lists from the renderers inside the same envelope).
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dealCard } from '../../../src/bot/teams/cards/deal-card.js';
import { digestCard, nudgeCard } from '../../../src/bot/teams/cards/digest.js';
import { task } from './record-fixtures.js';
import { TEAMS_CARD_LIMITS, jsonBytes } from '../../../src/bot/teams/cards/limits.js';
import { attachment } from '../../../src/bot/teams/cards/parts.js';
import { FIELD_LIMITS } from '../../../src/domain/fields/field.schema.js';
import { listCard, MAX_LIST_ITEMS, replyCard, type TeamsMessage } from '../../../src/bot/teams/cards/reply.js';
import type { Actor } from '../../../src/domain/index.js';
import type { DealView } from '../../../src/domain/deals/deal.view.js';
import type { DigestSection, DigestView, NudgeView } from '../../../src/domain/digests/digest.view.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { clock, deal, detail, list } from '../slack/blocks/fixtures.js';
import { captureConnector, cardOf, cardText, message, mockBotFramework, startTeams, USERS, type TeamsHarness } from './harness.js';

/** The schemas' maxima (src/domain/*\/*.schema.ts). */
const MAX = { title: 200, company: 200, contactName: 200, email: 320, nextAction: 500, lostReason: 500, body: 4000, url: 2000 } as const;

/** Text of `n` characters made only of what Adaptive Card Markdown treats as formatting (escaping doubles most of it). */
const markdown = (n: number) => '**[a](b)**_~`|<>{{#-*'.repeat(Math.ceil(n / 21)).slice(0, n);
/** A valid email address of exactly `n` characters (labels of at most 63). */
function longEmail(n: number, i: number): string {
  const local = `c${i}`.padEnd(60, 'x');
  let domain = '';
  while (local.length + 1 + domain.length + 4 < n) domain += `${'d'.repeat(Math.min(62, n - local.length - 1 - domain.length - 5))}.`;
  return `${local}@${domain}com`.slice(0, n);
}

const bytes = jsonBytes;
const LIMIT = TEAMS_CARD_LIMITS.messageBytes;

let t: TestDb;
let teams: TeamsHarness;
/** The envelope of a real reply (conversation, from, recipient, replyToId, …) to wrap renderer output in. */
let envelope: Record<string, unknown> = {};

beforeAll(async () => {
  t = await createTestDb();
  teams = await startTeams(t.crm);
});
afterAll(async () => {
  await teams.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockBotFramework();
});

/** A message as the connector would receive it: the real envelope around this card. */
const asPosted = (msg: TeamsMessage) => ({ ...envelope, type: 'message', summary: msg.summary, attachments: [attachment(msg.card)] });

describe('a deal with 50 contacts, the longest notes, 30 custom fields and Markdown everywhere', () => {
  it('posts a card under 28 KB through the real endpoint, listing 10 contacts and counting the rest', async () => {
    captureConnector();
    await teams.post(message('deal help'));
    const alice = await t.handle.db.member.findFirstOrThrow({ where: { externalId: USERS.alice.aadObjectId } });
    const actor: Actor = { workspaceId: alice.workspaceId, memberId: alice.id, timeZone: 'UTC' };
    const contactIds: string[] = [];
    for (let i = 0; i < 50; i++) {
      const c = await t.crm.contacts.create(actor, { name: `${i} ${markdown(MAX.contactName - 3)}`, email: longEmail(MAX.email, i) });
      contactIds.push(c.id);
    }
    const { deal: created } = await t.crm.deals.create(actor, { title: markdown(MAX.title), companyName: markdown(MAX.company), contactIds });
    await t.crm.deals.setNextAction(actor, created.id, { action: markdown(MAX.nextAction) });
    for (let i = 0; i < 12; i++) {
      await t.crm.activities.log(actor, {
        deal: created.id,
        type: 'note',
        body: markdown(MAX.body),
        source: 'teams',
        sourceUrl: `https://teams.microsoft.com/l/message/${'x'.repeat(MAX.url - 40)}`.slice(0, MAX.url),
      });
    }
    // And the most custom fields a deal can have, each with the longest name and text value.
    for (let i = 0; i < FIELD_LIMITS.perEntity; i++) {
      const { field } = await t.crm.fields.define(actor, { entity: 'deal', name: `${i} ${markdown(FIELD_LIMITS.name - 3)}`, type: 'text' });
      await t.crm.fields.set(actor, { entity: 'deal', ref: created.id }, field.key, markdown(FIELD_LIMITS.text));
    }

    nock.cleanAll();
    mockBotFramework();
    const sent = captureConnector();
    const res = await teams.post(message(`deal ${created.ref}`));
    expect(res.status).toBe(200);
    expect(sent).toHaveLength(1);
    const posted = sent[0]!.body;
    const size = bytes(posted);
    expect(size).toBeLessThanOrEqual(LIMIT);
    const text = cardText(cardOf(posted));
    expect(text).toContain('…and 40 more contacts');
    expect(text).toContain('Recent activity');
    // The custom fields are there (values cut short); those that no longer fit are counted, never dropped silently.
    const facts: string[] = [];
    JSON.stringify(cardOf(posted), (_k, v: unknown) => {
      const o = v as { type?: string; facts?: { title: string }[] };
      if (o?.type === 'FactSet') facts.push(...(o.facts ?? []).map((f) => f.title).filter((title) => /^\d+ /.test(title)));
      return v;
    });
    const more = /…and (\d+) more custom fields/.exec(text);
    expect(facts.length).toBeGreaterThan(0);
    expect(facts.length + Number(more?.[1] ?? 0)).toBe(FIELD_LIMITS.perEntity);
    const { attachments: _a, summary: _s, ...rest } = posted;
    envelope = rest;
    // For the report: what was measured.
    console.info(`deal card with 50 contacts and ${FIELD_LIMITS.perEntity} custom fields: ${size} bytes (limit ${LIMIT})`);
  }, 60_000);
});

const maxDeal = (i: number, over: Partial<DealView> = {}): DealView =>
  deal({
    id: `clx0deal${String(i).padStart(18, '0')}`,
    ref: `D-${1000 + i}`,
    title: markdown(MAX.title),
    company: { id: 'c', name: markdown(MAX.company) },
    owner: { id: 'm', displayName: markdown(200), handle: 'x', externalId: 'aad' },
    nextAction: { text: markdown(MAX.nextAction), due: '2026-11-18', overdue: true, dueToday: false },
    ...over,
  });

const section = (n: number): DigestSection => ({ items: Array.from({ length: n }, (_, i) => maxDeal(i)), total: n, totalCapped: false });

describe('every card stays under 28 KB', () => {
  it('a lost deal with the longest reason and 50 long contacts', () => {
    const d = detail({
      ...maxDeal(1, { status: 'lost', lostReason: markdown(MAX.lostReason) }),
      contacts: Array.from({ length: 50 }, (_, i) => ({ id: `p${i}`, name: markdown(MAX.contactName), email: longEmail(MAX.email, i) })),
    });
    const card = dealCard(d, { ...clock, headline: markdown(300), notice: markdown(300), hint: markdown(300) });
    expect(bytes(asPosted({ card, summary: card.fallbackText ?? '' }))).toBeLessThanOrEqual(LIMIT);
  });

  it('a digest with 100 due, 100 stale and 300 changes, all Markdown', () => {
    const changed = (i: number) => ({ deal: maxDeal(i, { lostReason: markdown(MAX.lostReason), amountText: '$1,000,000' }), from: markdown(100), to: markdown(100), at: clock.now });
    const digest: DigestView = {
      workspaceName: markdown(200),
      date: '2026-11-19',
      timeZone: 'Europe/Berlin',
      generatedAt: clock.now,
      since: new Date('2026-11-18T08:00:00Z'),
      allClear: false,
      stale: { ...section(100), days: 14, threshold: null, aboveThreshold: 0 },
      due: section(100),
      changes: {
        moved: Array.from({ length: 100 }, (_, i) => changed(i)),
        won: Array.from({ length: 100 }, (_, i) => changed(i)),
        lost: Array.from({ length: 100 }, (_, i) => changed(i)),
        total: 300,
      },
      pipeline: {
        currency: 'USD',
        stages: Array.from({ length: 12 }, (_, i) => ({ key: `s${i}`, name: markdown(100), kind: 'open' as const, probability: 10, count: 100, totals: [{ minor: 10n ** 12n, currency: 'USD' }] })),
        open: { count: 1200, totals: [{ minor: 10n ** 13n, currency: 'USD' }], weighted: [{ minor: 10n ** 12n, currency: 'USD' }] },
      },
    };
    const msg = digestCard(digest);
    const size = bytes(asPosted(msg));
    expect(size).toBeLessThanOrEqual(LIMIT);
    const text = cardText(msg.card);
    expect(text).toMatch(/…and \d+ more: deal report lists them\./);
    expect(text).toMatch(/…and \d+ more changes/);
    console.info(`digest with 200 deals and 300 changes: ${size} bytes (limit ${LIMIT})`);
  });

  it('a morning nudge with 100 deals in each section', () => {
    const nudge: NudgeView = { member: { id: 'm', displayName: markdown(200), externalId: 'aad', timeZone: 'UTC' }, date: '2026-11-19', generatedAt: clock.now, due: section(100), noNextAction: section(100) };
    expect(bytes(asPosted(nudgeCard(nudge)))).toBeLessThanOrEqual(LIMIT);
  });

  it('a morning nudge with 100 deals in each section and 100 other tasks due, the longest titles', () => {
    const tasks = Array.from({ length: 100 }, (_, i) =>
      task({ ref: `T-${100_000 + i}`, title: markdown(500), due: '2026-11-01', overdue: true, contact: { id: `c${i}`, name: markdown(200) } }),
    );
    const nudge: NudgeView = {
      member: { id: 'm', displayName: markdown(200), externalId: 'aad', timeZone: 'UTC' },
      date: '2026-11-19',
      generatedAt: clock.now,
      due: section(100),
      noNextAction: section(100),
      tasksDue: { items: tasks, total: 140, totalCapped: false },
    };
    const msg = nudgeCard(nudge);
    expect(bytes(asPosted(msg))).toBeLessThanOrEqual(LIMIT);
    expect(cardText(msg.card)).toContain('Your other tasks due');
    expect(cardText(msg.card)).toMatch(/T-100000/);
    expect(cardText(msg.card)).toMatch(/…and \d+ more: `deal tasks`/);
    expect(msg.summary).toContain('140 other tasks due');
  });

  it('a list page of the most deals a page shows, and the report', () => {
    const items = Array.from({ length: MAX_LIST_ITEMS }, (_, i) => maxDeal(i));
    const page = listCard(list({ items, total: 500, hasMore: true, pageSize: MAX_LIST_ITEMS }), clock);
    const size = bytes(asPosted(page));
    expect(size).toBeLessThanOrEqual(LIMIT);
    console.info(`list of ${MAX_LIST_ITEMS} deals: ${size} bytes (limit ${LIMIT})`);
    const queue = (heading: string) => ({ heading, items, total: 500, totalCapped: false });
    const report = replyCard(
      {
        kind: 'report',
        summary: {
          currency: 'USD',
          stages: [],
          open: { count: 0, totals: [], weighted: [] },
          periodDays: 90,
          won: { count: 0, totals: [] },
          lost: { count: 0 },
          winRate: null,
          averageDealSize: [],
          averageCycleDays: null,
        },
        stale: queue('Stale'),
        due: queue('Due'),
        noNextAction: queue('No next action'),
      } as never,
      clock,
    );
    expect(bytes(asPosted(report))).toBeLessThanOrEqual(LIMIT);
  });
});
