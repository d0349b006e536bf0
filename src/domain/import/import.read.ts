/**
 * Reading an import file: a stream through csv-parse (RFC 4180 quoting, a BOM skipped, empty lines
 * skipped), each record with the line of the file it starts on (the header is line 1; a quoted
 * cell with line breaks spans several, and its record is reported at its first), the bytes hashed
 * on the way (the digest a confirmed import compares with its dry run). Nothing is held but the
 * record being read.
 *
 * Each record is then read into its kind's row by a zod schema (`rowSchema`): cells cleaned as the
 * domain cleans a person's words, required values present, dates, instants and amounts read in the
 * preset's formats. The first thing wrong is the row's reason, in words.
 */
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { parse } from 'csv-parse';
import { z } from 'zod';
import { DomainError, DomainErrorCode } from '../errors.js';
import { cleanBody, cleanLine } from '../shared/text.js';
import { COMPANY_NAME_MAX, normaliseDomain } from '../companies/company.schema.js';
import { CONTACT_TEXT_LIMITS } from '../contacts/contact.schema.js';
import { DEAL_TEXT_LIMITS } from '../deals/deal.schema.js';
import { ACTIVITY_BODY_MAX } from '../activities/activity.schema.js';
import type { AnyField, ImportKind, Preset } from './import.presets.js';
import { emailIn, quoted, readCalendarDate, readCurrency, readEmail, readInstant, readList, readMoney } from './import.values.js';

/** What an import reads: the file's text or bytes, a stream (read once), or a way to open it again. */
export type ImportInput = string | Buffer | Readable | (() => Readable);

/** How many bytes a file may have (a chat upload, a CLI file alike). */
export const IMPORT_MAX_BYTES = 1024 * 1024 * 1024;

export interface CsvRecord {
  /** The line of the file the record starts on (the header is line 1). */
  line: number;
  cells: string[];
}

export interface CsvFile {
  header: string[];
  records: AsyncIterable<CsvRecord>;
  /** The file's SHA-256 (hex), once `records` has been read to the end. */
  digest(): string;
}

function openStream(input: ImportInput): Readable {
  if (typeof input === 'function') return input();
  if (typeof input === 'string') return Readable.from([Buffer.from(input, 'utf8')]);
  if (Buffer.isBuffer(input)) return Readable.from([input]);
  return input;
}

/** Reads a CSV file as a stream of records; the header first. An empty file or a broken quote is refused with its line. */
export async function openCsv(input: ImportInput, fileName: string): Promise<CsvFile> {
  const hash = createHash('sha256');
  let bytes = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > IMPORT_MAX_BYTES) return done(new DomainError(DomainErrorCode.InvalidInput, `${fileName} is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB.`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const source = openStream(input);
  source.on('error', (err) => tap.destroy(err));
  const parser = source.pipe(tap).pipe(parse({ bom: true, raw: true, relax_column_count: true, skip_empty_lines: true }));
  tap.on('error', (err) => parser.destroy(err));
  const it = parser[Symbol.asyncIterator]() as AsyncIterator<{ record: string[]; raw: string }>;
  let linesBefore = 0;
  const next = async (): Promise<CsvRecord | undefined> => {
    let r: IteratorResult<{ record: string[]; raw: string }>;
    try {
      r = await it.next();
    } catch (err) {
      throw csvError(err, fileName, linesBefore);
    }
    if (r.done) return undefined;
    const { record, raw } = r.value;
    const leading = /^[\r\n]*/.exec(raw)?.[0] ?? '';
    const line = linesBefore + 1 + countNewlines(leading);
    linesBefore += countNewlines(raw.endsWith('\n') ? raw : `${raw}\n`);
    return { line, cells: record };
  };
  const first = await next();
  if (!first || first.cells.every((c) => c.trim() === '')) {
    throw new DomainError(DomainErrorCode.InvalidInput, `${fileName} is empty: it needs a header line and a line per record.`);
  }
  return {
    header: first.cells.map((c) => c.trim()),
    records: {
      async *[Symbol.asyncIterator]() {
        for (let rec = await next(); rec; rec = await next()) yield rec;
      },
    },
    digest: () => hash.copy().digest('hex'),
  };
}

const countNewlines = (s: string) => {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
};

function csvError(err: unknown, fileName: string, linesBefore: number): Error {
  if (err instanceof DomainError) return err;
  const e = err as { code?: string; lines?: number; message?: string };
  const line = typeof e.lines === 'number' ? e.lines : linesBefore + 1;
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') return new DomainError(DomainErrorCode.InvalidInput, `${fileName}: a quote opened near line ${linesBefore + 1} is never closed, so I can’t read the file.`);
  if (typeof e.code === 'string' && e.code.startsWith('CSV_')) {
    return new DomainError(DomainErrorCode.InvalidInput, `${fileName}: line ${line} is not valid CSV (${(e.message ?? e.code).split('\n')[0]}).`);
  }
  return err as Error;
}

// ---- rows ----------------------------------------------------------------------------------

/** What a row schema needs besides the cells. */
export interface RowContext {
  preset: Preset;
  /** The workspace's currency: amounts without a currency column are in it. */
  defaultCurrency: string;
}

/** A record's cells by field (absent: no such column, or the cell is empty). */
export type Cells = Partial<Record<AnyField, string>>;

const text = (max: number, label: string) =>
  z
    .string()
    .transform((s) => cleanLine(s))
    .refine((s) => s.length <= max, { message: `${label} is longer than ${max.toLocaleString('en-US')} characters` })
    .optional();

const required = (max: number, missing: string, label: string) =>
  z
    .string({ error: missing })
    .transform((s) => cleanLine(s))
    .refine((s) => s !== '', { message: missing })
    .refine((s) => s.length <= max, { message: `${label} is longer than ${max.toLocaleString('en-US')} characters` });

/** A reader of the values module as a zod transform: its reason becomes the issue, prefixed by the column's words. */
function readWith<T>(label: string, read: (s: string) => { ok: true; value: T } | { ok: false; reason: string }) {
  return z
    .string()
    .transform((s, ctx) => {
      const r = read(s);
      if (r.ok) return r.value;
      ctx.addIssue({ code: 'custom', message: `bad ${label}: ${r.reason}` });
      return z.NEVER;
    })
    .optional();
}

const email = (label: string) =>
  z
    .string()
    .transform((s, ctx) => {
      const e = readEmail(s) ?? emailIn(s);
      if (e) return e;
      ctx.addIssue({ code: 'custom', message: `bad ${label}: ${quoted(s)} is not an email address` });
      return z.NEVER;
    })
    .optional();

/** An owner or author: their email when the cell has one, else the name as written. */
const person = z
  .string()
  .transform((s) => ({ email: emailIn(s), name: cleanLine(s.replace(/[<(][^>)]*[>)]/g, '')) }))
  .optional();

const domain = z
  .string()
  .transform((s, ctx) => {
    const d = normaliseDomain(s);
    if (d) return d;
    ctx.addIssue({ code: 'custom', message: `bad domain: ${quoted(s)} is not a web domain such as acme.com` });
    return z.NEVER;
  })
  .optional();

const yes = (s: string) => s.trim() !== '';

export function rowSchemas(ctx: RowContext) {
  const money = (currencyOf: (row: Cells) => string | undefined) => (row: Cells, issues: z.RefinementCtx) => {
    if (row.amount === undefined) return undefined;
    const currency = currencyOf(row) ?? ctx.defaultCurrency;
    const r = readMoney(row.amount, readCurrency(currency).ok ? currency.trim().toUpperCase() : ctx.defaultCurrency, ctx.preset.money);
    if (r.ok) return r.value;
    issues.addIssue({ code: 'custom', message: `bad amount: ${r.reason}` });
    return undefined;
  };
  const company = z.object({
    sourceId: text(300, 'the source id'),
    name: required(COMPANY_NAME_MAX, 'missing name', 'the name'),
    domain,
    owner: person,
    ownerEmail: email('owner email'),
    created: readWith('created date', readInstant),
  });
  const contact = z
    .object({
      sourceId: text(300, 'the source id'),
      name: text(CONTACT_TEXT_LIMITS.name, 'the name'),
      firstName: text(CONTACT_TEXT_LIMITS.name, 'the first name'),
      lastName: text(CONTACT_TEXT_LIMITS.name, 'the last name'),
      email: email('email'),
      phone: z
        .string()
        .transform((s, c) => {
          const p = cleanLine(s);
          if (/^[+()\d][\d\s().\-/x]{3,40}$/i.test(p)) return p;
          c.addIssue({ code: 'custom', message: `bad phone: ${quoted(s)} is not a phone number` });
          return z.NEVER;
        })
        .optional(),
      title: text(CONTACT_TEXT_LIMITS.title, 'the job title'),
      company: text(CONTACT_TEXT_LIMITS.companyName, 'the company'),
      companyDomain: domain,
      companySourceId: text(300, 'the company id'),
      owner: person,
      ownerEmail: email('owner email'),
      created: readWith('created date', readInstant),
    })
    .transform((row, c) => {
      const name = row.name || cleanLine(`${row.firstName ?? ''} ${row.lastName ?? ''}`);
      if (!name) {
        c.addIssue({ code: 'custom', message: 'missing name' });
        return z.NEVER;
      }
      return { ...row, name };
    });
  const deal = z
    .object({
      sourceId: text(300, 'the source id'),
      number: z
        .string()
        .transform((s, c) => {
          const n = /^\s*(?:D-?)?(\d{1,9})\s*$/i.exec(s);
          if (n) return Number(n[1]);
          c.addIssue({ code: 'custom', message: `bad number: ${quoted(s)} is not a deal number such as 42` });
          return z.NEVER;
        })
        .optional(),
      title: required(DEAL_TEXT_LIMITS.title, 'missing name', 'the title'),
      pipeline: text(200, 'the pipeline'),
      stage: text(200, 'the stage'),
      status: text(40, 'the status'),
      amount: z.string().optional(),
      currency: readWith('currency', readCurrency),
      owner: person,
      ownerEmail: email('owner email'),
      company: text(DEAL_TEXT_LIMITS.companyName, 'the company'),
      companyDomain: domain,
      companySourceId: text(300, 'the company id'),
      contacts: z.string().transform(readList).optional(),
      closeDate: readWith('close date', readCalendarDate),
      nextAction: text(DEAL_TEXT_LIMITS.nextAction, 'the next action'),
      nextActionDue: readWith('next action date', readCalendarDate),
      lostReason: text(DEAL_TEXT_LIMITS.lostReason, 'the lost reason'),
      created: readWith('created date', readInstant),
      closed: readWith('closed date', readInstant),
      archived: readWith('archived date', readInstant),
    })
    .transform((row, c) => {
      const amount = money(() => row.currency)(row as Cells, c);
      return { ...row, amount };
    });
  const activity = z.object({
    sourceId: text(300, 'the source id'),
    date: z
      .string({ error: 'missing date' })
      .transform((s, c) => {
        const r = readInstant(s);
        if (r.ok) return r.value;
        c.addIssue({ code: 'custom', message: `bad date: ${r.reason}` });
        return z.NEVER;
      }),
    type: text(40, 'the type'),
    body: z
      .string({ error: 'missing text' })
      .transform((s) => cleanBody(s))
      .refine((s) => s !== '', { message: 'missing text' })
      .refine((s) => s.length <= ACTIVITY_BODY_MAX, { message: `the text is longer than ${ACTIVITY_BODY_MAX.toLocaleString('en-US')} characters` }),
    dealNumber: z
      .string()
      .transform((s, c) => {
        const n = /^\s*(?:D-?)?(\d{1,9})\s*$/i.exec(s);
        if (n) return Number(n[1]);
        c.addIssue({ code: 'custom', message: `bad deal number: ${quoted(s)}` });
        return z.NEVER;
      })
      .optional(),
    dealTitle: text(DEAL_TEXT_LIMITS.title, 'the deal title'),
    dealSourceId: text(300, 'the deal id'),
    contact: text(CONTACT_TEXT_LIMITS.name, 'the contact'),
    contactEmail: email('contact email'),
    company: text(COMPANY_NAME_MAX, 'the company'),
    author: person,
    authorEmail: email('author email'),
    source: text(40, 'the source'),
    sourceUrl: z
      .string()
      .transform((s, c) => {
        const u = s.trim();
        if (z.string().url().max(2000).safeParse(u).success) return u;
        c.addIssue({ code: 'custom', message: `bad link: ${quoted(s)} is not a web address` });
        return z.NEVER;
      })
      .optional(),
  });
  return { company, contact, deal, activity };
}

export type RowSchemas = ReturnType<typeof rowSchemas>;
export type CompanyRow = z.output<RowSchemas['company']>;
export type ContactRow = z.output<RowSchemas['contact']>;
export type DealRowIn = z.output<RowSchemas['deal']>;
export type ActivityRow = z.output<RowSchemas['activity']>;
export type RowOf<K extends ImportKind> = K extends 'company' ? CompanyRow : K extends 'contact' ? ContactRow : K extends 'deal' ? DealRowIn : ActivityRow;

/** A record's cells by field: only the columns the file has, empty cells left out (an empty cell changes nothing). */
export function cellsOf(cells: readonly string[], columns: ReadonlyMap<AnyField, number>): Cells {
  const out: Cells = {};
  for (const [field, at] of columns) {
    const v = cells[at];
    if (v !== undefined && yes(v)) out[field] = v;
  }
  return out;
}

/** The row, or the first thing wrong with it in words ("missing name", "bad amount: ‘12x’ is not an amount"). */
export function readRow<K extends ImportKind>(schemas: RowSchemas, kind: K, cells: Cells): { ok: true; row: RowOf<K> } | { ok: false; reason: string } {
  const parsed = (schemas[kind] as z.ZodType).safeParse(cells);
  if (parsed.success) return { ok: true, row: parsed.data as RowOf<K> };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: issue?.message ?? 'not a valid row' };
}
