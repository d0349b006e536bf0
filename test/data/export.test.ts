/**
 * `npm run export -- --out <dir>`: the four CSV files a person opens and the importer reads back,
 * for one workspace; calendar dates keep their day even on a machine far west of UTC; custom
 * fields are columns named as defined; quotes, commas and line breaks survive CSV quoting.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decimalAmount, EXPORT_COLUMNS, exportWorkspace } from '../../src/data/export.js';
import { chooseWorkspace } from '../../src/data/workspace.js';
import { testDatabaseProvider } from '../helpers/db-config.js';
import { migratedPlace, seedEveryKind, withHandle, type Place } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const provider = testDatabaseProvider();
const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-export-'));
let source: Place;

/** RFC 4180: fields split on commas, "quoted" fields with "" for a quote and line breaks inside. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endCell();
    else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      endCell();
      rows.push(row);
      row = [];
    } else cell += ch;
  }
  if (cell !== '' || row.length > 0) {
    endCell();
    rows.push(row);
  }
  return rows;
}

/** A CSV file's rows as objects keyed by its header. */
function readCsv(file: string): { header: string[]; rows: Record<string, string>[] } {
  const [header = [], ...rows] = parseCsv(readFileSync(path.join(dir, file), 'utf8'));
  return { header, rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) };
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/export.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += String(c)));
    child.stderr.on('data', (c) => (err += String(c)));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

beforeAll(async () => {
  source = await migratedPlace(provider);
  await withHandle(source.url, (h) => seedEveryKind(h.db));
}, 120_000);
afterAll(async () => {
  await source?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe(`npm run export on ${provider}`, { timeout: 120_000 }, () => {
  it('asks which workspace when there are several, then writes its four files (on a machine in Honolulu, UTC-10)', async () => {
    const several = await run(['--out', dir], { DATABASE_URL: source.url });
    expect(several.code).toBe(1);
    expect(several.err).toMatch(/^The database has 2 workspaces: "Local console" \(console, id \w+\), "Acme Sales" \(slack, id \w+\)\. Choose one with --workspace <id or name>\.\n$/);
    expect(existsSync(path.join(dir, 'deals.csv'))).toBe(false);

    const done = await run(['--out', dir, '--workspace', 'local console'], { DATABASE_URL: source.url, TZ: 'Pacific/Honolulu' });
    expect(done.err).toMatch(/^deals\.csv: 8 rows exported/m);
    expect(done.out).toBe(
      `Exported workspace "Local console" to ${dir}: deals.csv (8 rows), companies.csv (5 rows), contacts.csv (4 rows), activities.csv (3 rows).\n`,
    );
    expect(done.code).toBe(0);
  });

  it('deals.csv: a column per thing a person reads, then the custom fields by name; dates as calendar days', () => {
    const { header, rows } = readCsv('deals.csv');
    expect(header).toEqual([
      'Number', 'Title', 'Pipeline', 'Stage', 'Status', 'Amount', 'Currency', 'Owner', 'Owner email', 'Company', 'Company domain',
      'Contact emails', 'Close date', 'Next action', 'Next action due', 'Lost reason', 'Created', 'Closed', 'Archived',
      'Source', 'Score', 'Budget', 'Kick-off', 'Champion',
    ]);
    expect(header.slice(0, EXPORT_COLUMNS['deals.csv'].length)).toEqual([...EXPORT_COLUMNS['deals.csv']]);
    expect(rows.map((r) => r.Number)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(rows.map((r) => r.Title)).not.toContain('Slack-side deal'); // another workspace's
    expect(rows[0]).toEqual({
      Number: '1',
      Title: 'Acme platform renewal',
      Pipeline: 'Sales',
      Stage: 'Negotiation',
      Status: 'open',
      Amount: '48000.00',
      Currency: 'USD',
      Owner: 'You Self',
      'Owner email': 'you@example.com',
      Company: 'Acme Corp',
      'Company domain': 'acme.com',
      'Contact emails': 'ana@acme.com',
      'Close date': '2026-12-04', // ten days after 24 November in Berlin, whatever the machine's zone
      'Next action': 'Send redlined contract',
      'Next action due': '2026-11-26',
      'Lost reason': '',
      Created: '2026-10-15T10:00:00.000Z',
      Closed: '',
      Archived: '',
      Source: 'Partner',
      Score: '0.30000000000000004',
      Budget: '123456789012345678 JPY',
      'Kick-off': '2026-12-31',
      Champion: 'maria@example.com',
    });
    const won = rows.find((r) => r.Title === 'Acme support add-on')!;
    expect([won.Status, won.Closed]).toEqual(['won', '2026-11-16T10:00:00.000Z']);
    const lost = rows.find((r) => r.Title === 'Globex EU rollout')!;
    expect([lost.Status, lost['Lost reason'], lost.Amount, lost.Currency]).toEqual(['lost', 'Chose an in-house build', '30000.00', 'EUR']);
    const renewal = rows[7]!;
    expect(renewal).toMatchObject({
      Title: 'Acme "renewal", 2027 — ünïcode ✓\nsecond line',
      Pipeline: 'Renewals',
      Stage: 'Due',
      Amount: '90071992547409.93',
      Currency: 'EUR',
      Owner: 'Maria Garcia',
      'Owner email': 'maria@example.com',
      'Close date': '2027-01-31',
      Created: '2026-10-31T23:30:00.000Z',
      Source: 'Inbound',
      Budget: '',
    });
    // CSV quoting as RFC 4180 has it: the cell in quotes, a quote doubled, the line break kept.
    expect(readFileSync(path.join(dir, 'deals.csv'), 'utf8')).toContain('"Acme ""renewal"", 2027 — ünïcode ✓\nsecond line"');
  });

  it('companies.csv, contacts.csv and activities.csv', () => {
    const companies = readCsv('companies.csv');
    expect(companies.header).toEqual(['Name', 'Domain', 'Owner', 'Owner email', 'Created', 'Tier']);
    expect(companies.rows.map((r) => r.Name)).toEqual(['Acme Corp', 'Globex', 'Initech', 'Stark Logistics', 'Umbrella Health']);
    expect(companies.rows[0]).toMatchObject({ Domain: 'acme.com', Owner: 'You Self', 'Owner email': 'you@example.com', Tier: 'Gold' });

    const contacts = readCsv('contacts.csv');
    expect(contacts.header).toEqual(['Name', 'Email', 'Phone', 'Job title', 'Company', 'Company domain', 'Owner', 'Owner email', 'Created', 'LinkedIn']);
    expect(contacts.rows.find((r) => r.Name === 'Ana Lima')).toMatchObject({
      Email: 'ana@acme.com',
      'Job title': 'Head of Operations',
      Company: 'Acme Corp',
      'Company domain': 'acme.com',
      LinkedIn: 'https://linkedin.example/in/ana, "AL"',
    });

    const activities = readCsv('activities.csv');
    expect(activities.header).toEqual([
      'Date', 'Type', 'Body', 'Deal number', 'Deal title', 'Contact', 'Contact email', 'Company', 'Author', 'Author email', 'Source', 'Source URL',
    ]);
    expect(activities.rows.map((r) => [r.Type, r['Deal number'], r.Author])).toEqual([
      ['meeting', '1', 'You Self'],
      ['email', '2', 'Maria Garcia'],
      ['call', '1', 'You Self'],
    ]);
    expect(activities.rows[0]!.Date).toBe('2026-10-15T10:00:00.000Z');
  });

  it('reads page after page without losing or repeating a row (two activities at the same instant included)', async () => {
    await withHandle(source.url, async (h) => {
      const ws = await chooseWorkspace(h.db, 'Local console');
      const first = await h.db.activity.findFirstOrThrow({ where: { workspaceId: ws.id }, orderBy: { occurredAt: 'asc' } });
      await h.db.activity.create({ data: { workspaceId: ws.id, dealId: first.dealId, type: 'note', body: 'Same instant', occurredAt: first.occurredAt, source: 'console' } });
      const whole = path.join(dir, 'whole');
      const paged = path.join(dir, 'paged');
      await exportWorkspace(h.db, ws, whole);
      await exportWorkspace(h.db, ws, paged, { pageRows: 1 });
      for (const file of ['deals.csv', 'companies.csv', 'contacts.csv', 'activities.csv']) {
        expect(readFileSync(path.join(paged, file), 'utf8'), file).toBe(readFileSync(path.join(whole, file), 'utf8'));
      }
      expect(readFileSync(path.join(paged, 'activities.csv'), 'utf8').split('\n').filter((l) => l.includes('Same instant') || l.includes('Kick-off with Ana'))).toHaveLength(2);
      await h.db.activity.deleteMany({ where: { body: 'Same instant' } });
    });
  });

  it('writes amounts in the currency\'s own units', () => {
    expect(decimalAmount(4_800_000n, 'USD')).toBe('48000.00');
    expect(decimalAmount(500n, 'JPY')).toBe('500');
    expect(decimalAmount(1_234_567n, 'KWD')).toBe('1234.567');
    expect(decimalAmount(-5n, 'EUR')).toBe('-0.05');
  });
});
