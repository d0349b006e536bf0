/**
 * The CSV import's messages at their largest stay within each platform's limits: Slack's Block Kit
 * (blocks/limits.ts, the checker every Slack renderer is held to) and Teams' card budget
 * (cards/limits.ts). The largest report: 50 bad rows with long reasons full of markup characters,
 * many unknown stages with many long stage names, many notes, hundreds of columns left alone, the
 * longest file name, and (Teams) a download address of 2,000 characters in both buttons.
 */
import { describe, expect, it } from 'vitest';
import { CHAT_IMPORT_LIMITS, importReport, type PendingImport } from '../../src/bot/chat-import.js';
import { importReportMessage, reportWithStatus } from '../../src/bot/slack/blocks/import.js';
import { blockKitViolations, describeViolations } from '../../src/bot/slack/blocks/limits.js';
import { importReportCard, importStatusCard } from '../../src/bot/teams/cards/import.js';
import { fitsCard, jsonBytes, TEAMS_CARD_LIMITS } from '../../src/bot/teams/cards/limits.js';
import type { ImportPlan } from '../../src/domain/import/import.service.js';
import { textOf } from '../helpers/slack.js';
import { cardText } from './teams/harness.js';

const NASTY = '*_~`<@U123>&<!channel> [x](https://evil.example) {{DATE(2026)}} ';
const long = (n: number) => NASTY.repeat(Math.ceil(n / NASTY.length)).slice(0, n);
const name = `${long(CHAT_IMPORT_LIMITS.fileName - 4)}.csv`;

const plan: ImportPlan = {
  fileName: name,
  kind: 'deal',
  preset: 'hubspot',
  fileDigest: 'a'.repeat(64),
  planDigest: 'b'.repeat(64),
  rows: 100_000,
  create: 90_000,
  update: 4_000,
  skip: 1_000,
  bad: 5_000,
  badRows: Array.from({ length: 50 }, (_, i) => ({ line: i + 2, reason: `bad amount: ‘${long(1500)}’ is not an amount` })),
  unknownStages: Array.from({ length: 20 }, (_, i) => ({
    name: `${long(58)}${i}`,
    pipeline: long(80),
    rows: 1000,
    lines: [2, 3, 4, 5, 6],
    choices: Array.from({ length: 30 }, (_, j) => `${long(58)}${j}`),
  })),
  warnings: Array.from({ length: 40 }, (_, i) => ({ message: `unknown owner ‘${long(300)}’: owned by Alice instead ${i}`, rows: 10, lines: [2, 3, 4, 5, 6] })),
  alsoCreates: { companies: 12_000 },
  columns: { used: ['Deal Name'], fields: Array.from({ length: 40 }, (_, i) => `${long(40)}${i}`), ignored: Array.from({ length: 300 }, (_, i) => `${long(40)}${i}`) },
};

const pending: PendingImport = {
  v: 1,
  id: 'abcdefghijklmnopqrstuvwx',
  name: plan.fileName,
  src: `https://contoso-my.sharepoint.com/personal/alice/_layouts/15/download.aspx?UniqueId=1&tempauth=${'v'.repeat(1900)}`,
  fd: plan.fileDigest,
  pd: plan.planDigest,
  p: 'hubspot',
  k: 'deal',
  s: Object.fromEntries(Array.from({ length: CHAT_IMPORT_LIMITS.stageMappings }, (_, i) => [`${'s'.repeat(CHAT_IMPORT_LIMITS.stageName - 2)}${i}`, 'o'.repeat(CHAT_IMPORT_LIMITS.stageName)])),
  by: 'c'.repeat(25),
  at: 1_800_000_000_000,
  n: [100_000, 90_000, 4_000, 1_000, 5_000],
};

describe('the largest import report', () => {
  const dry = importReport(plan, 'dry', '/deal');
  const done = importReport(plan, 'done', '/deal');

  it('lists 10 bad rows and counts the rest', () => {
    expect(dry.bad).toHaveLength(CHAT_IMPORT_LIMITS.badRowsShown);
    expect(dry.moreBad).toBe(5_000 - CHAT_IMPORT_LIMITS.badRowsShown);
  });

  it('Slack: the dry run with its buttons, the report, and the report with a status line are within Block Kit’s limits', () => {
    // A Slack file id, not Teams' address: what the Slack buttons carry.
    const slackPending = { ...pending, src: 'F0123456789ABCDEF' };
    for (const msg of [
      importReportMessage(dry, slackPending),
      importReportMessage(done),
      reportWithStatus(importReportMessage(dry, slackPending).blocks, 'x', 'Import confirmed: it runs below.', false),
    ]) {
      const violations = blockKitViolations('message', msg);
      expect(violations, describeViolations(violations)).toEqual([]);
    }
    // People's words never become a mention, a link or a broadcast (the buttons' values are not shown).
    const text = JSON.stringify(importReportMessage(dry, slackPending).blocks.filter((b) => b.type !== 'actions'));
    expect(text).not.toContain('<@U123>');
    expect(text).not.toContain('<!channel>');
  });

  it('Teams: the dry-run card with its buttons, the report and the status card fit the card budget, saying what they left out', () => {
    const withButtons = importReportCard(dry, pending);
    for (const msg of [withButtons, importReportCard(done), importStatusCard(pending, 'Import confirmed: it runs below.', true)]) {
      expect(fitsCard(msg.card), `${jsonBytes(msg.card)} bytes of ${TEAMS_CARD_LIMITS.cardBytes}`).toBe(true);
    }
    const said = cardText(withButtons.card);
    expect(said).toContain('100,000 rows read: 90,000 to create, 4,000 to update, 1,000 to skip (already there), 5,000 bad.');
    expect(said).toMatch(/…and [\d,]+ more bad rows/);
    expect(said).toMatch(/…and \d+ more unknown stages/);
    // People's brackets are escaped: no link is made of them.
    expect(JSON.stringify(withButtons.card.body)).not.toMatch(/[^\\]\[x[^\\]\]\(/);
  });

  it('a small report is shown whole on both', () => {
    const small: ImportPlan = { ...plan, fileName: 'deals.csv', badRows: plan.badRows.slice(0, 2).map((b) => ({ ...b, reason: 'missing name' })), bad: 2, unknownStages: [], warnings: [], columns: { used: [], fields: [], ignored: [] }, alsoCreates: { companies: 0 } };
    const view = importReport(small, 'dry', 'deal');
    expect(cardText(importReportCard(view, pending).card)).toBe(
      ['deals.csv: deals, HubSpot export', '100,000 rows read: 90,000 to create, 4,000 to update, 1,000 to skip (already there), 2 bad.', 'Bad rows (they won’t be imported):', 'line 2: missing name', 'line 3: missing name'].join('\n'),
    );
    expect(textOf(importReportMessage(view, { ...pending, src: 'F0SMALL', s: {} }).blocks).replaceAll('\u200B', '')).toContain('• line 3: missing name');
  });
});
