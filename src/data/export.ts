/**
 * `npm run export -- --out <dir>`: one workspace's deals, companies, contacts and activities as
 * CSV files (deals.csv, companies.csv, contacts.csv, activities.csv) with headers a person reads
 * and the importer reads back without a preset (docs/backup.md, "CSV export").
 *
 * - Calendar dates (close date, next action due, date fields) are written YYYY-MM-DD: the day
 *   stored, whatever the time zone of the machine or the reader. Instants (created, closed, an
 *   activity's time) are ISO 8601 in UTC.
 * - Amounts are decimal numbers in the currency's units with a point ("48000.00"), the currency
 *   code in its own column; a money field is "1234.50 EUR".
 * - People are their email (and their name beside it where a person reads it).
 * - Custom fields follow the built-in columns, one column each, named as defined (a name the
 *   built-in columns already use gets " (field)" after it).
 *
 * Rows are read a page at a time (keyset: the next page starts at the last key, `>=` on the indexed
 * column so that the database seeks its index) and streamed through csv-stringify, so memory stays
 * flat; each file is written beside its name and renamed into place when complete.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Db } from '../db/client.js';
import { toDateOnly } from '../domain/shared/dates.js';
import { minorDigits } from '../domain/shared/money.js';
import { silentProgress, type Progress } from './progress.js';
import type { WorkspaceRef } from './workspace.js';

export const EXPORT_FILES = ['deals.csv', 'companies.csv', 'contacts.csv', 'activities.csv'] as const;
export type ExportFile = (typeof EXPORT_FILES)[number];

/** The built-in columns of each file, in order (custom fields follow). */
export const EXPORT_COLUMNS = {
  'deals.csv': [
    'Number',
    'Title',
    'Pipeline',
    'Stage',
    'Status',
    'Amount',
    'Currency',
    'Owner',
    'Owner email',
    'Company',
    'Company domain',
    'Contact emails',
    'Close date',
    'Next action',
    'Next action due',
    'Lost reason',
    'Created',
    'Closed',
    'Archived',
  ],
  'companies.csv': ['Name', 'Domain', 'Owner', 'Owner email', 'Created'],
  'contacts.csv': ['Name', 'Email', 'Phone', 'Job title', 'Company', 'Company domain', 'Owner', 'Owner email', 'Created'],
  'activities.csv': ['Date', 'Type', 'Body', 'Deal number', 'Deal title', 'Contact', 'Contact email', 'Company', 'Author', 'Author email', 'Source', 'Source URL'],
} as const satisfies Record<ExportFile, readonly string[]>;

/** Several emails in one cell (a deal's contacts). */
export const LIST_SEPARATOR = '; ';

/** Rows read per query (with the relations each reads, within Prisma's parameter limit on SQLite). */
export const EXPORT_PAGE_ROWS = 500;

export interface ExportSummary {
  dir: string;
  /** Rows written per file (0 for a file not asked for). */
  rows: Record<ExportFile, number>;
}

/** A decimal amount in the currency's units: 4800000 USD → "48000.00", 500 JPY → "500". */
export function decimalAmount(minor: bigint, currency: string): string {
  const digits = minorDigits(currency);
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const scale = 10n ** BigInt(digits);
  const whole = (abs / scale).toString();
  const fraction = digits > 0 ? `.${(abs % scale).toString().padStart(digits, '0')}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

const instant = (d: Date | null | undefined) => (d ? d.toISOString() : '');
const day = (d: Date | null | undefined) => (d ? toDateOnly(d) : '');

interface Person {
  name: string;
  email: string;
}

interface FieldColumn {
  id: string;
  header: string;
  type: string;
}

interface FieldValueRow {
  fieldId: string;
  text: string | null;
  number: number | null;
  cents: bigint | null;
  currency: string | null;
  date: Date | null;
  memberId: string | null;
}

const FIELD_VALUE_SELECT = { fieldId: true, text: true, number: true, cents: true, currency: true, date: true, memberId: true } as const;

export interface ExportOptions {
  progress?: Progress;
  /** Rows per query (tests). */
  pageRows?: number;
  /** Which files to write (all four when absent): `/deal export deals` writes deals.csv alone. */
  files?: readonly ExportFile[];
}

export async function exportWorkspace(db: Db, workspace: WorkspaceRef, dir: string, options: ExportOptions = {}): Promise<ExportSummary> {
  const progress = options.progress ?? silentProgress;
  const PAGE = options.pageRows ?? EXPORT_PAGE_ROWS;
  await mkdir(dir, { recursive: true });
  const wsId = workspace.id;
  const members = new Map<string, Person>(
    (await db.member.findMany({ where: { workspaceId: wsId }, select: { id: true, displayName: true, email: true } })).map((m) => [
      m.id,
      { name: m.displayName, email: m.email ?? '' },
    ]),
  );
  const person = (id: string | null | undefined): Person => (id ? (members.get(id) ?? { name: '', email: '' }) : { name: '', email: '' });
  const fields = await fieldColumns(db, wsId);
  const fieldCell = (f: FieldColumn, v: FieldValueRow | undefined): string => {
    if (!v) return '';
    switch (f.type) {
      case 'number':
        return v.number === null ? '' : String(v.number);
      case 'money':
        return v.cents === null || !v.currency ? '' : `${decimalAmount(v.cents, v.currency)} ${v.currency}`;
      case 'date':
        return day(v.date);
      case 'person': {
        const p = person(v.memberId);
        return p.email || p.name;
      }
      default:
        return v.text ?? '';
    }
  };
  const fieldCells = (columns: FieldColumn[], values: FieldValueRow[]) => columns.map((f) => fieldCell(f, values.find((v) => v.fieldId === f.id)));

  const wanted = new Set<ExportFile>(options.files ?? EXPORT_FILES);
  const counted = (file: ExportFile, count: () => Promise<number>) => (wanted.has(file) ? count() : 0);
  const counts = {
    'deals.csv': await counted('deals.csv', () => db.deal.count({ where: { workspaceId: wsId } })),
    'companies.csv': await counted('companies.csv', () => db.company.count({ where: { workspaceId: wsId } })),
    'contacts.csv': await counted('contacts.csv', () => db.contact.count({ where: { workspaceId: wsId } })),
    'activities.csv': await counted('activities.csv', () => db.activity.count({ where: { workspaceId: wsId } })),
  } satisfies Record<ExportFile, number>;
  progress.begin(Object.values(counts).reduce((a, b) => a + b, 0));

  const pipelines = new Map((await db.pipeline.findMany({ where: { workspaceId: wsId }, select: { id: true, name: true } })).map((p) => [p.id, p.name]));
  const stages = new Map((await db.stage.findMany({ where: { workspaceId: wsId }, select: { id: true, name: true } })).map((s) => [s.id, s.name]));

  const write = async (file: ExportFile, columns: FieldColumn[], rows: () => AsyncGenerator<string[][]>) => {
    if (!wanted.has(file)) return;
    progress.table(file, counts[file]);
    const header = [...EXPORT_COLUMNS[file], ...columns.map((c) => c.header)];
    const target = path.join(dir, file);
    const partial = `${target}.partial-${process.pid}`;
    const lines = async function* () {
      for await (const page of rows()) {
        progress.advance(page.length);
        yield* page;
      }
    };
    try {
      await pipeline(Readable.from(lines()), stringify({ header: true, columns: header, eof: true }), createWriteStream(partial));
      await rename(partial, target);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  };

  await write('deals.csv', fields.deal, async function* () {
    let after = 0;
    for (;;) {
      const page = await db.deal.findMany({
        where: { workspaceId: wsId, number: { gt: after } },
        orderBy: { number: 'asc' },
        take: PAGE,
        select: {
          number: true,
          title: true,
          pipelineId: true,
          stageId: true,
          status: true,
          amountCents: true,
          currency: true,
          ownerId: true,
          company: { select: { name: true, domain: true } },
          contacts: { select: { contact: { select: { email: true, name: true } } }, orderBy: { createdAt: 'asc' } },
          expectedCloseDate: true,
          nextAction: true,
          nextActionDueAt: true,
          lostReason: true,
          createdAt: true,
          closedAt: true,
          archivedAt: true,
          fieldValues: { select: FIELD_VALUE_SELECT },
        },
      });
      if (page.length === 0) return;
      yield page.map((d) => {
        const owner = person(d.ownerId);
        return [
          String(d.number),
          d.title,
          pipelines.get(d.pipelineId) ?? '',
          stages.get(d.stageId) ?? '',
          d.status,
          d.amountCents === null ? '' : decimalAmount(d.amountCents, d.currency),
          d.currency,
          owner.name,
          owner.email,
          d.company?.name ?? '',
          d.company?.domain ?? '',
          d.contacts.map((c) => c.contact.email ?? c.contact.name).join(LIST_SEPARATOR),
          day(d.expectedCloseDate),
          d.nextAction ?? '',
          day(d.nextActionDueAt),
          d.lostReason ?? '',
          instant(d.createdAt),
          instant(d.closedAt),
          instant(d.archivedAt),
          ...fieldCells(fields.deal, d.fieldValues),
        ];
      });
      after = page[page.length - 1]!.number;
      if (page.length < PAGE) return;
    }
  });

  await write('companies.csv', fields.company, async function* () {
    let after: { nameKey: string; id: string } | undefined;
    for (;;) {
      const page = await db.company.findMany({
        where: { workspaceId: wsId, ...(after && { nameKey: { gte: after.nameKey }, OR: [{ nameKey: { gt: after.nameKey } }, { id: { gt: after.id } }] }) },
        orderBy: [{ nameKey: 'asc' }, { id: 'asc' }],
        take: PAGE,
        select: { id: true, nameKey: true, name: true, domain: true, ownerId: true, createdAt: true, fieldValues: { select: FIELD_VALUE_SELECT } },
      });
      if (page.length === 0) return;
      yield page.map((c) => {
        const owner = person(c.ownerId);
        return [c.name, c.domain ?? '', owner.name, owner.email, instant(c.createdAt), ...fieldCells(fields.company, c.fieldValues)];
      });
      after = page[page.length - 1]!;
      if (page.length < PAGE) return;
    }
  });

  await write('contacts.csv', fields.contact, async function* () {
    let after: { nameKey: string; id: string } | undefined;
    for (;;) {
      const page = await db.contact.findMany({
        where: { workspaceId: wsId, ...(after && { nameKey: { gte: after.nameKey }, OR: [{ nameKey: { gt: after.nameKey } }, { id: { gt: after.id } }] }) },
        orderBy: [{ nameKey: 'asc' }, { id: 'asc' }],
        take: PAGE,
        select: {
          id: true,
          nameKey: true,
          name: true,
          email: true,
          phone: true,
          title: true,
          company: { select: { name: true, domain: true } },
          ownerId: true,
          createdAt: true,
          fieldValues: { select: FIELD_VALUE_SELECT },
        },
      });
      if (page.length === 0) return;
      yield page.map((c) => {
        const owner = person(c.ownerId);
        return [
          c.name,
          c.email ?? '',
          c.phone ?? '',
          c.title ?? '',
          c.company?.name ?? '',
          c.company?.domain ?? '',
          owner.name,
          owner.email,
          instant(c.createdAt),
          ...fieldCells(fields.contact, c.fieldValues),
        ];
      });
      after = page[page.length - 1]!;
      if (page.length < PAGE) return;
    }
  });

  await write('activities.csv', [], async function* () {
    let after: { occurredAt: Date; id: string } | undefined;
    for (;;) {
      const page = await db.activity.findMany({
        where: {
          workspaceId: wsId,
          ...(after && { occurredAt: { gte: after.occurredAt }, OR: [{ occurredAt: { gt: after.occurredAt } }, { id: { gt: after.id } }] }),
        },
        orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }],
        take: PAGE,
        select: {
          id: true,
          occurredAt: true,
          type: true,
          body: true,
          deal: { select: { number: true, title: true } },
          contact: { select: { name: true, email: true } },
          company: { select: { name: true } },
          authorId: true,
          source: true,
          sourceUrl: true,
        },
      });
      if (page.length === 0) return;
      yield page.map((a) => {
        const author = person(a.authorId);
        return [
          instant(a.occurredAt),
          a.type,
          a.body,
          a.deal ? String(a.deal.number) : '',
          a.deal?.title ?? '',
          a.contact?.name ?? '',
          a.contact?.email ?? '',
          a.company?.name ?? '',
          author.name,
          author.email,
          a.source,
          a.sourceUrl ?? '',
        ];
      });
      after = page[page.length - 1]!;
      if (page.length < PAGE) return;
    }
  });

  progress.end();
  return { dir, rows: counts };
}

/** The workspace's custom fields per kind of record, in their order, with their column headers. */
async function fieldColumns(db: Db, workspaceId: string): Promise<Record<'deal' | 'contact' | 'company', FieldColumn[]>> {
  const defs = await db.fieldDefinition.findMany({ where: { workspaceId }, orderBy: [{ position: 'asc' }, { createdAt: 'asc' }] });
  const out: Record<'deal' | 'contact' | 'company', FieldColumn[]> = { deal: [], contact: [], company: [] };
  const files = { deal: 'deals.csv', contact: 'contacts.csv', company: 'companies.csv' } as const;
  for (const entity of ['deal', 'contact', 'company'] as const) {
    const taken = new Set<string>(EXPORT_COLUMNS[files[entity]].map((h) => h.toLowerCase()));
    for (const d of defs.filter((x) => x.entity === entity)) {
      let header = d.name;
      if (taken.has(header.toLowerCase())) header = `${d.name} (field)`;
      for (let n = 2; taken.has(header.toLowerCase()); n++) header = `${d.name} (field ${n})`;
      taken.add(header.toLowerCase());
      out[entity].push({ id: d.id, header, type: d.type });
    }
  }
  return out;
}
