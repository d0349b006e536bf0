/**
 * The import engine: one pass over a file, a batch of rows at a time, deciding for each row what an
 * import does with it: create a record, update the record it matches, skip it (it matches a record
 * that already says the same), or refuse it (a bad row, with its line and the reason in words).
 *
 * The same pass is the dry run (`write: false`, on a read snapshot that is rolled back) and the
 * import itself (`write: true`, in the one transaction of `ImportService.run`): every decision is
 * made by the same code from the same reads, and a digest of the decisions (`planDigest`) tells a
 * confirmed import whether anything changed since its dry run. Memory holds one batch of rows and
 * the file's keys (to find a source id, email or domain twice), never every row.
 *
 * Matching (docs/import.md, "Matching"): a row's source id (ExternalRef: HubSpot's Record ID,
 * Pipedrive's Deal - ID, a generic file's ID, our export's deal Number) first; else a natural key:
 * company: domain, else name; contact: email, else name at the same company; deal: our export's
 * Number when that deal has the same title, else title and company; activity: time, text and deal.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DomainError, DomainErrorCode } from '../errors.js';
import type { FieldDefinitionView } from '../fields/field.view.js';
import { EMPTY_COLUMNS, matchChoice, readNumber, sameValue, type ValueColumns } from '../fields/field.values.js';
import type { PipelineInfo, StageInfo } from '../pipeline/pipeline.service.js';
import { fromDateOnly, toDateOnly, DAY_MS } from '../shared/dates.js';
import { cleanLine, searchKey } from '../shared/text.js';
import { ACTIVITY_SOURCES, ACTIVITY_TYPES, RECORDED_ACTIVITY_TYPES } from '../activities/activity.schema.js';
import { detectFile, headerKey, type AnyField, type Detected, type ImportKind, type Preset, type PresetName } from './import.presets.js';
import { cellsOf, openCsv, readRow, rowSchemas, type ActivityRow, type CompanyRow, type ContactRow, type DealRowIn, type ImportInput, type RowSchemas } from './import.read.js';
import { asBig, asDate, asNum, asStr, inChunks, inList, insertRows, type SqlConn } from './import.sql.js';
import { emailIn, quoted, readCalendarDate, readEmail, readMoney } from './import.values.js';

/** Rows read, decided and written together. */
export const IMPORT_BATCH_ROWS = 500;
/** Bad rows a plan lists one by one (the total is always given). */
export const BAD_ROWS_LISTED = 50;
/** Lines an unknown stage or a warning names as examples. */
const EXAMPLE_LINES = 5;

export type RowAction = 'create' | 'update' | 'skip' | 'bad';

export interface BadRow {
  line: number;
  reason: string;
}

export interface UnknownStage {
  /** As written in the file. */
  name: string;
  pipeline: string;
  rows: number;
  lines: number[];
  /** The stages of that pipeline (names), for the question "which stage is it?". */
  choices: string[];
}

export interface PlanWarning {
  message: string;
  rows: number;
  lines: number[];
}

/** A dry run's or an import's report: plain data, every surface can keep and show it. */
export interface ImportPlan {
  fileName: string;
  kind: ImportKind;
  preset: PresetName;
  /** SHA-256 of the file's bytes. */
  fileDigest: string;
  /** SHA-256 of every row's decision: what a confirmed import compares with its dry run. */
  planDigest: string;
  /** Data rows read (the header not counted). */
  rows: number;
  create: number;
  update: number;
  skip: number;
  bad: number;
  /** The first BAD_ROWS_LISTED bad rows, in file order; `bad` is the total. */
  badRows: BadRow[];
  unknownStages: UnknownStage[];
  warnings: PlanWarning[];
  /** Records made on the way: companies named by contacts or deals that are not there yet. */
  alsoCreates: { companies: number };
  /** Headers read, headers read as custom fields, headers left alone. */
  columns: { used: string[]; fields: string[]; ignored: string[] };
}

/** What the engine is given about the workspace (read before its transaction). */
export interface ImportContext {
  workspaceId: string;
  actorId: string;
  actorName: string;
  defaultCurrency: string;
  now: Date;
  members: { id: string; displayName: string; email: string | null }[];
  pipelines: PipelineInfo[];
  fields: FieldDefinitionView[];
}

export interface EngineOptions {
  fileName: string;
  input: ImportInput;
  preset?: PresetName;
  kind?: ImportKind;
  /** Stage names as written → a stage key or name (of the row's pipeline). */
  stageMap?: Record<string, string>;
  write: boolean;
  /** Rows the dry run read (a large import rebuilds some indexes instead of filling them row by row). */
  expectedRows?: number;
  onProgress?: (rowsDone: number) => void;
}

/** From how many rows (the dry run's) an import into SQLite rebuilds its tables' secondary indexes (tests lower it). */
export const importTuning = { rebuildIndexesFromRows: 20_000 };

/** The tables an import writes, whose secondary indexes a large import rebuilds… */
const REBUILT_TABLES = ['Deal', 'DealEvent', 'DealContact', 'ExternalRef', 'Task', 'FieldValue', 'Contact', 'Company', 'Activity'];
/** …except the ones its own lookups read. */
const INDEXES_READ = new Set([
  'Company_workspaceId_nameKey_id_domain_idx',
  'Contact_workspaceId_nameKey_id_email_idx',
  'Activity_workspaceId_occurredAt_idx',
  'Task_dealId_doneAt_dueAt_idx',
  'FieldValue_dealId_idx',
  'FieldValue_contactId_idx',
  'FieldValue_companyId_idx',
]);

type FieldCol = { def: FieldDefinitionView; at: number };
type Values = Map<string, ValueColumns>;

/**
 * A new row id, in the shape of Prisma's cuid (`c` and 24 more): the time, a counter and random
 * letters, so that the ids of one import increase. Every table's primary key (and the indexes that
 * begin with a deal's id) then takes its rows at its end instead of all over its pages: random
 * ids made the import's inserts twice as slow past the page cache at 100,000 deals.
 */
let idCounter = 0;
const ID_RANDOM = randomUUID().replace(/-/g, '').slice(0, 6);
function newId(): string {
  idCounter = (idCounter + 1) % 36 ** 6;
  return `c${Date.now().toString(36).padStart(9, '0')}${idCounter.toString(36).padStart(6, '0')}${ID_RANDOM}${randomUUID().slice(0, 3)}`;
}

const KNOWN_TYPES: readonly string[] = [...ACTIVITY_TYPES, ...RECORDED_ACTIVITY_TYPES];


/** Runs the pass. Throws a DomainError when the file cannot be read at all (no header, no kind). */
export async function runImport(conn: SqlConn, ctx: ImportContext, opts: EngineOptions): Promise<ImportPlan> {
  const file = await openCsv(opts.input, opts.fileName);
  const detected = detectFile(file.header, { preset: opts.preset, kind: opts.kind });
  if (!detected) throw unknownKind(opts.fileName, file.header, opts.preset);
  const engine = new Engine(conn, ctx, opts, detected, file.header);
  await engine.begin();
  let batch: { line: number; cells: string[] }[] = [];
  for await (const rec of file.records) {
    batch.push(rec);
    if (batch.length >= IMPORT_BATCH_ROWS) {
      await engine.batch(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await engine.batch(batch);
  await engine.end();
  return engine.report(file.digest());
}

function unknownKind(fileName: string, header: string[], preset: PresetName | undefined): DomainError {
  const shown = header.slice(0, 8).map((h) => `“${h}”`).join(', ');
  return new DomainError(
    DomainErrorCode.InvalidInput,
    `I can’t tell what ${fileName} holds${preset ? ` as a ${preset} file` : ''}: its headers (${shown}${header.length > 8 ? ', …' : ''}) name no deal title, company or contact name, or activity text. See docs/import.md for the columns each kind needs.`,
  );
}

class Engine {
  private readonly schemas: RowSchemas;
  private readonly preset: Preset;
  private readonly kind: ImportKind;
  private readonly columns: Map<AnyField, number>;
  private readonly fieldCols: FieldCol[];
  private readonly ignored: string[];
  private readonly hash = createHash('sha256');
  private readonly seen = new Map<string, number>();
  /** Companies this import makes, by `n:<name key>` and `d:<domain>` → id. */
  private readonly newCompanies = new Map<string, string>();
  private readonly memberByEmail = new Map<string, string>();
  private readonly memberByName = new Map<string, string | null>();
  private readonly memberLabel = new Map<string, string>();
  private counts = { rows: 0, create: 0, update: 0, skip: 0, bad: 0, companies: 0 };
  private badRows: BadRow[] = [];
  private unknownStages = new Map<string, UnknownStage>();
  private warnings = new Map<string, PlanWarning>();
  private nextDeal = 0;
  private nextTask = 0;
  private dealsMade = 0;
  private tasksMade = 0;
  /** Deals whose last activity moves forward (activities), id → latest time. */
  private touched = new Map<string, Date>();

  constructor(
    private readonly conn: SqlConn,
    private readonly ctx: ImportContext,
    private readonly opts: EngineOptions,
    detected: Detected,
    private readonly header: string[],
  ) {
    this.preset = detected.preset;
    this.kind = detected.kind;
    this.columns = detected.columns;
    this.schemas = rowSchemas({ preset: this.preset, defaultCurrency: ctx.defaultCurrency });
    const used = new Set(this.columns.values());
    const entity = this.kind === 'activity' ? undefined : this.kind;
    const defs = entity ? ctx.fields.filter((f) => f.entity === entity) : [];
    this.fieldCols = [];
    this.ignored = [];
    header.forEach((h, at) => {
      if (used.has(at)) return;
      const key = headerKey(h);
      const def = defs.find((d) => headerKey(d.name) === key || headerKey(`${d.name} (field)`) === key || /^(.*) \(field \d+\)$/.exec(key)?.[1] === headerKey(d.name));
      if (def && !this.fieldCols.some((f) => f.def.id === def.id)) this.fieldCols.push({ def, at });
      else if (h !== '') this.ignored.push(h);
    });
    for (const m of ctx.members) {
      if (m.email) this.memberByEmail.set(m.email.toLowerCase(), m.id);
      const key = searchKey(m.displayName);
      this.memberByName.set(key, this.memberByName.has(key) ? null : m.id);
      this.memberLabel.set(m.id, m.displayName);
    }
  }

  /** Indexes dropped for a large import (SQLite), with the statements that make them again. */
  private dropped: { name: string; sql: string }[] = [];

  /** The workspace had no record of the file's kind when the import began: no row can match one. */
  private ownEmpty = false;
  private get ownTable(): string {
    return TABLE_OF[this.kind];
  }

  async begin(): Promise<void> {
    const [any] = await this.conn.query(`SELECT 1 AS "x" FROM "${this.ownTable}" WHERE "workspaceId" = ? LIMIT 1`, [this.ctx.workspaceId]);
    this.ownEmpty = any === undefined;
    if (!this.opts.write) return;
    if (this.conn.provider === 'sqlite' && (this.opts.expectedRows ?? 0) >= importTuning.rebuildIndexesFromRows) {
      // A large import into SQLite: the indexes nothing in the import reads are dropped in its
      // transaction and built again at its end, one sort each, instead of taking a hundred
      // thousand rows at random places each (bench/README.md, "Import and export"). A failure rolls
      // the drops back with everything else; unique indexes always stay.
      const rows = await this.conn.query(
        `SELECT "name", "sql" FROM "sqlite_master" WHERE "type" = 'index' AND "sql" IS NOT NULL AND "sql" NOT LIKE 'CREATE UNIQUE%' AND "tbl_name" IN ${inList(REBUILT_TABLES.length)}`,
        REBUILT_TABLES,
      );
      this.dropped = rows.map((r) => ({ name: String(r.name), sql: String(r.sql) })).filter((i) => !INDEXES_READ.has(i.name));
      for (const i of this.dropped) await this.conn.execute(`DROP INDEX "${i.name}"`);
    }
    const lock = this.conn.provider === 'postgresql' ? ' FOR UPDATE' : '';
    const [ws] = await this.conn.query(`SELECT "nextDealNumber", "nextTaskNumber" FROM "Workspace" WHERE "id" = ?${lock}`, [this.ctx.workspaceId]);
    this.nextDeal = asNum(ws?.nextDealNumber) ?? 1;
    this.nextTask = asNum(ws?.nextTaskNumber) ?? 1;
  }

  async end(): Promise<void> {
    if (!this.opts.write) return;
    for (const i of this.dropped) await this.conn.execute(i.sql);
    for (const [dealId, at] of this.touched) {
      await this.conn.execute('UPDATE "Deal" SET "lastActivityAt" = ? WHERE "id" = ? AND "lastActivityAt" < ?', [at, dealId, at]);
    }
    if (this.dealsMade > 0 || this.tasksMade > 0) {
      await this.conn.execute('UPDATE "Workspace" SET "nextDealNumber" = ?, "nextTaskNumber" = ? WHERE "id" = ?', [
        this.nextDeal,
        this.nextTask,
        this.ctx.workspaceId,
      ]);
    }
  }

  report(fileDigest: string): ImportPlan {
    const planDigest = createHash('sha256').update(fileDigest).update(this.hash.digest('hex')).digest('hex');
    const fieldHeaders = this.fieldCols.map((f) => this.header[f.at] ?? f.def.name);
    return {
      fileName: this.opts.fileName,
      kind: this.kind,
      preset: this.preset.name,
      fileDigest,
      planDigest,
      rows: this.counts.rows,
      create: this.counts.create,
      update: this.counts.update,
      skip: this.counts.skip,
      bad: this.counts.bad,
      badRows: [...this.badRows].sort((a, b) => a.line - b.line),
      unknownStages: [...this.unknownStages.values()],
      warnings: [...this.warnings.values()],
      alsoCreates: { companies: this.counts.companies },
      columns: {
        used: [...this.columns.values()].sort((a, b) => a - b).map((at) => this.header[at] ?? ''),
        fields: fieldHeaders,
        ignored: this.ignored,
      },
    };
  }

  // ---- bookkeeping -----------------------------------------------------------------------

  private decide(line: number, action: RowAction, matchId?: string): void {
    this.counts[action]++;
    this.hash.update(`${line}:${action}:${matchId ?? ''}\n`);
  }

  private bad(line: number, reason: string): void {
    this.decide(line, 'bad');
    // The first BAD_ROWS_LISTED by line (a batch finds some of its bad rows before others).
    if (this.badRows.length < BAD_ROWS_LISTED) this.badRows.push({ line, reason });
    else {
      let last = 0;
      this.badRows.forEach((b, i) => {
        if (b.line > this.badRows[last]!.line) last = i;
      });
      if (this.badRows[last]!.line > line) this.badRows[last] = { line, reason };
    }
  }

  private warn(message: string, line: number): void {
    const w = this.warnings.get(message) ?? { message, rows: 0, lines: [] };
    w.rows++;
    if (w.lines.length < EXAMPLE_LINES) w.lines.push(line);
    this.warnings.set(message, w);
  }

  /** The line that had this key already, or undefined (and the key is now this line's). */
  private firstLine(key: string, line: number): number | undefined {
    const before = this.seen.get(key);
    if (before !== undefined) return before;
    this.seen.set(key, line);
    return undefined;
  }

  /** A duplicate within the file: the later row is the bad one. */
  private duplicate(keys: [string, string][], line: number): string | undefined {
    for (const [key, words] of keys) {
      const before = this.seen.get(key);
      if (before !== undefined) return `duplicate ${words} (line ${before} has the same)`;
    }
    for (const [key] of keys) this.firstLine(key, line);
    return undefined;
  }

  /** An owner or author named on a row: the member with that email (or that name), else the importer with a warning. */
  private member(line: number, p: { email?: string; name: string } | undefined, email: string | undefined, what: string): string | undefined {
    const mail = email ?? p?.email;
    if (mail) {
      const id = this.memberByEmail.get(mail);
      if (id) return id;
    }
    const byName = p?.name ? this.memberByName.get(searchKey(p.name)) : undefined;
    if (byName) return byName;
    if (mail || p?.name) {
      this.warn(`unknown ${what} ${quoted(mail ?? p?.name ?? '')}: ${this.kind === 'activity' ? 'written by' : 'owned by'} ${this.ctx.actorName} instead`, line);
    }
    return undefined;
  }

  /** The id of a record this import makes (remembered only when it is written: see byColumn). */
  private newRecord(): string {
    const id = newId();
    if (this.opts.write) this.made.add(id);
    return id;
  }

  private progress(): void {
    this.opts.onProgress?.(this.counts.rows);
  }

  // ---- a batch ---------------------------------------------------------------------------

  async batch(records: { line: number; cells: string[] }[]): Promise<void> {
    switch (this.kind) {
      case 'company':
        await this.companies(records);
        break;
      case 'contact':
        await this.contacts(records);
        break;
      case 'deal':
        await this.deals(records);
        break;
      case 'activity':
        await this.activities(records);
        break;
    }
    this.progress();
  }

  /** Reads each record into its row; bad ones are reported here. Custom fields read too. */
  private read<K extends ImportKind>(kind: K, records: { line: number; cells: string[] }[]) {
    const out: { line: number; row: ReturnType<typeof readRow<K>> extends infer R ? (R extends { ok: true; row: infer X } ? X : never) : never; values: Values }[] = [];
    for (const rec of records) {
      this.counts.rows++;
      const r = readRow(this.schemas, kind, cellsOf(rec.cells, this.columns));
      if (!r.ok) {
        this.bad(rec.line, r.reason);
        continue;
      }
      const values = this.fieldValues(rec);
      if (typeof values === 'string') {
        this.bad(rec.line, values);
        continue;
      }
      out.push({ line: rec.line, row: r.row as never, values });
    }
    return out;
  }

  /** The row's custom-field values, or the first one that cannot be read (in words). */
  private fieldValues(rec: { line: number; cells: string[] }): Values | string {
    const out: Values = new Map();
    for (const { def, at } of this.fieldCols) {
      const raw = cleanLine(rec.cells[at] ?? '');
      if (raw === '') continue;
      const bad = (why: string) => `bad ${def.name}: ${why}`;
      switch (def.type) {
        case 'text':
          if (raw.length > 500) return bad('longer than 500 characters');
          out.set(def.id, { ...EMPTY_COLUMNS, text: raw, textKey: searchKey(raw) });
          break;
        case 'number': {
          const n = readNumber(raw, this.preset.money.decimal);
          if (n === undefined) return bad(`${quoted(raw)} is not a number`);
          out.set(def.id, { ...EMPTY_COLUMNS, number: n });
          break;
        }
        case 'money': {
          const m = readMoney(raw, this.ctx.defaultCurrency, this.preset.money);
          if (!m.ok) return bad(m.reason);
          out.set(def.id, { ...EMPTY_COLUMNS, cents: m.value.minor, currency: m.value.currency });
          break;
        }
        case 'date': {
          const d = readCalendarDate(raw);
          if (!d.ok) return bad(d.reason);
          out.set(def.id, { ...EMPTY_COLUMNS, date: fromDateOnly(d.value) });
          break;
        }
        case 'choice':
          try {
            const choice = matchChoice(def, raw);
            out.set(def.id, { ...EMPTY_COLUMNS, text: choice, textKey: searchKey(choice) });
          } catch {
            return bad(`${quoted(raw)} is not one of its choices (${def.choices.join(', ')})`);
          }
          break;
        case 'person': {
          const email = emailIn(raw);
          const id = (email && this.memberByEmail.get(email)) || this.memberByName.get(searchKey(raw.replace(/^@/, ''))) || undefined;
          if (id) out.set(def.id, { ...EMPTY_COLUMNS, memberId: id });
          else this.warn(`unknown person ${quoted(raw)} in ${def.name}: left empty`, rec.line);
          break;
        }
      }
    }
    return out;
  }

  // ---- lookups ---------------------------------------------------------------------------

  private async refs(entity: ImportKind, ids: string[], source = this.preset.source): Promise<Map<string, string>> {
    const table = TABLE_OF[entity];
    if (ids.length === 0 || (this.ownEmpty && table === this.ownTable)) return new Map();
    const unique = [...new Set(ids)];
    const rows = await inChunks(this.conn, unique, 3, (chunk) =>
      this.conn.query(
        `SELECT r."externalId", r."recordId" FROM "ExternalRef" r JOIN "${table}" x ON x."id" = r."recordId"
          WHERE r."workspaceId" = ? AND r."entity" = ? AND r."source" = ? AND r."externalId" IN ${inList(chunk.length)}`,
        [this.ctx.workspaceId, entity, source, ...chunk],
      ),
    );
    return new Map(rows.map((r) => [String(r.externalId), String(r.recordId)]));
  }

  /**
   * Rows of `table` whose `column` is one of `values`. Records this import made are left out: the
   * dry run could not see them, and the import decides every row as its dry run did.
   */
  private async byColumn(table: string, column: string, values: unknown[], select: string, extra = ''): Promise<Record<string, unknown>[]> {
    if (values.length === 0 || (this.ownEmpty && table === this.ownTable)) return [];
    const unique = [...new Set(values)];
    const rows = await inChunks(this.conn, unique, 1, (chunk) =>
      this.conn.query(`SELECT ${select} FROM "${table}" WHERE "workspaceId" = ? AND "${column}" IN ${inList(chunk.length)}${extra}`, [this.ctx.workspaceId, ...chunk]),
    );
    return this.made.size === 0 ? rows : rows.filter((r) => !this.made.has(String(r.id)));
  }

  /** Ids of the records this import made (write mode). */
  private readonly made = new Set<string>();
  /** Deals by title and company (`searchText`) as they were before the import: read once, not per batch (no index has it first). */
  private dealKeys: Map<string, string> | undefined;

  private async existingValues(entity: 'company' | 'contact' | 'deal', ids: string[]): Promise<Map<string, Values>> {
    const out = new Map<string, Values>();
    if (this.fieldCols.length === 0 || ids.length === 0) return out;
    const column = { company: 'companyId', contact: 'contactId', deal: 'dealId' }[entity];
    const rows = await this.byColumn('FieldValue', column, ids, `"${column}" AS "recordId", "fieldId", "text", "textKey", "number", "cents", "currency", "date", "memberId"`);
    for (const r of rows) {
      const id = String(r.recordId);
      const values = out.get(id) ?? new Map<string, ValueColumns>();
      values.set(String(r.fieldId), {
        text: asStr(r.text),
        textKey: asStr(r.textKey),
        number: asNum(r.number),
        cents: asBig(r.cents),
        currency: asStr(r.currency),
        date: asDate(r.date),
        memberId: asStr(r.memberId),
      });
      out.set(id, values);
    }
    return out;
  }

  /** Fields whose value in the file differs from the record's. */
  private changedValues(values: Values, existing: Values | undefined): [string, ValueColumns][] {
    return [...values].filter(([fieldId, v]) => !sameValue(existing?.get(fieldId) ?? null, v));
  }

  private async writeValues(entity: 'company' | 'contact' | 'deal', recordId: string, values: [string, ValueColumns][], replace: boolean): Promise<void> {
    if (!this.opts.write || values.length === 0) return;
    const column = { company: 'companyId', contact: 'contactId', deal: 'dealId' }[entity];
    if (replace) {
      for (const [fieldId] of values) await this.conn.execute(`DELETE FROM "FieldValue" WHERE "fieldId" = ? AND "${column}" = ?`, [fieldId, recordId]);
    }
    this.pendingValues.push(
      ...values.map(([fieldId, v]) => [
        newId(),
        this.ctx.workspaceId,
        fieldId,
        entity === 'deal' ? recordId : null,
        entity === 'contact' ? recordId : null,
        entity === 'company' ? recordId : null,
        v.text,
        v.textKey,
        v.number,
        v.cents,
        v.currency,
        v.date,
        v.memberId,
        this.ctx.now,
      ]),
    );
  }

  private pendingValues: unknown[][] = [];
  private pendingRefs: unknown[][] = [];

  private ref(entity: ImportKind, sourceId: string | undefined, recordId: string, known: boolean): void {
    if (!this.opts.write || !sourceId || known) return;
    this.pendingRefs.push([newId(), this.ctx.workspaceId, entity, this.preset.source, sourceId, recordId, this.ctx.now]);
  }

  private async flush(): Promise<void> {
    if (!this.opts.write) return;
    await insertRows(
      this.conn,
      'FieldValue',
      ['id', 'workspaceId', 'fieldId', 'dealId', 'contactId', 'companyId', 'text', 'textKey', 'number', 'cents', 'currency', 'date', 'memberId', 'updatedAt'],
      this.pendingValues,
    );
    await insertRows(this.conn, 'ExternalRef', ['id', 'workspaceId', 'entity', 'source', 'externalId', 'recordId', 'createdAt'], this.pendingRefs);
    this.pendingValues = [];
    this.pendingRefs = [];
  }

  // ---- companies named by contacts and deals ---------------------------------------------

  /**
   * The companies rows name (by their id in the source, their domain or their name): what exists,
   * looked up in a few statements for the batch.
   */
  private async companyLookup(rows: { company?: string; companyDomain?: string; companySourceId?: string; email?: string }[]) {
    const sourceIds = rows.map((r) => r.companySourceId).filter((x): x is string => !!x);
    const domains = rows.flatMap((r) => [r.companyDomain, r.email ? emailDomain(r.email) : undefined]).filter((x): x is string => !!x);
    const bySource = sourceIds.length > 0 ? await this.refs('company', sourceIds) : new Map<string, string>();
    const byDomain = new Map<string, { id: string; name: string }>();
    for (const r of domains.length > 0 ? await this.byColumn('Company', 'domain', domains, '"id", "domain", "name"') : []) {
      byDomain.set(String(r.domain), { id: String(r.id), name: String(r.name) });
    }
    // Names only where the company's domain did not find it (companyFor looks in that order).
    const names = rows
      .filter((r) => !(r.companyDomain && (byDomain.has(r.companyDomain) || this.newCompanies.has(`d:${r.companyDomain}`))))
      .map((r) => (r.company ? searchKey(r.company) : ''))
      .filter((x) => x !== '');
    const byName = new Map<string, { id: string; name: string }>();
    for (const r of names.length > 0 ? await this.byColumn('Company', 'nameKey', names, '"id", "nameKey", "name"', ' ORDER BY "createdAt", "id"') : []) {
      if (!byName.has(String(r.nameKey))) byName.set(String(r.nameKey), { id: String(r.id), name: String(r.name) });
    }
    return { bySource, byDomain, byName };
  }

  /**
   * The company a contact or deal row names: by source id, domain or name, existing or made by this
   * import; a name nobody has yet makes one (as `/deal new … at Acme` does). The email's domain
   * links a contact with no company to the company of that domain.
   */
  private companyFor(
    row: { company?: string; companyDomain?: string; companySourceId?: string; email?: string },
    found: Awaited<ReturnType<Engine['companyLookup']>>,
    made: unknown[][],
  ): { id: string; name: string } | null {
    const sourceHit = row.companySourceId ? found.bySource.get(row.companySourceId) : undefined;
    if (sourceHit) return { id: sourceHit, name: row.company ?? '' };
    if (row.companyDomain) {
      const d = found.byDomain.get(row.companyDomain) ?? this.newCompany(`d:${row.companyDomain}`);
      if (d) return d;
    }
    if (row.company) {
      const key = searchKey(row.company);
      const hit = found.byName.get(key) ?? this.newCompany(`n:${key}`);
      if (hit) return hit;
      const id = this.newRecord();
      this.newCompanies.set(`n:${key}`, id);
      this.newCompanyNames.set(id, row.company);
      if (row.companyDomain) this.newCompanies.set(`d:${row.companyDomain}`, id);
      this.counts.companies++;
      if (this.opts.write) {
        made.push([id, this.ctx.workspaceId, row.company, key, row.companyDomain ?? null, this.ctx.actorId, this.ctx.now, this.ctx.now]);
      }
      return { id, name: row.company };
    }
    const fromEmail = row.email ? emailDomain(row.email) : undefined;
    if (fromEmail) return found.byDomain.get(fromEmail) ?? this.newCompany(`d:${fromEmail}`) ?? null;
    return null;
  }

  private newCompanyNames = new Map<string, string>();

  private newCompany(key: string): { id: string; name: string } | undefined {
    const id = this.newCompanies.get(key);
    return id ? { id, name: this.newCompanyNames.get(id) ?? '' } : undefined;
  }

  private async insertCompanies(rows: unknown[][]): Promise<void> {
    await insertRows(this.conn, 'Company', ['id', 'workspaceId', 'name', 'nameKey', 'domain', 'ownerId', 'createdAt', 'updatedAt'], rows);
  }

  // ---- companies -------------------------------------------------------------------------

  private async companies(records: { line: number; cells: string[] }[]): Promise<void> {
    const rows = this.read('company', records) as { line: number; row: CompanyRow; values: Values }[];
    const refs = await this.refs('company', rows.map((r) => r.row.sourceId).filter((x): x is string => !!x));
    const domains = rows.map((r) => r.row.domain).filter((x): x is string => !!x);
    const byDomain = new Map<string, Record<string, unknown>>();
    for (const r of domains.length > 0 ? await this.byColumn('Company', 'domain', domains, '"id", "name", "domain", "ownerId"') : []) byDomain.set(String(r.domain), r);
    const byName = new Map<string, Record<string, unknown>>();
    const names = rows.map((r) => searchKey(r.row.name));
    for (const r of await this.byColumn('Company', 'nameKey', names, '"id", "name", "nameKey", "domain", "ownerId"', ' ORDER BY "createdAt", "id"')) {
      if (!byName.has(String(r.nameKey))) byName.set(String(r.nameKey), r);
    }
    const refIds = [...refs.values()];
    const byId = new Map<string, Record<string, unknown>>();
    for (const r of refIds.length > 0 ? await this.byColumn('Company', 'id', refIds, '"id", "name", "domain", "ownerId"') : []) byId.set(String(r.id), r);
    const matchedIds = [...new Set([...byDomain.values(), ...byName.values(), ...byId.values()].map((r) => String(r.id)))];
    const values = await this.existingValues('company', matchedIds);
    const made: unknown[][] = [];
    for (const { line, row, values: fileValues } of rows) {
      const nameKey = searchKey(row.name);
      const dup = this.duplicate(
        [
          ...(row.sourceId ? [[`s:${row.sourceId}`, `source id ${quoted(row.sourceId)}`] as [string, string]] : []),
          row.domain ? [`d:${row.domain}`, `domain ${row.domain}`] : [`n:${nameKey}`, `company ${quoted(row.name)}`],
        ],
        line,
      );
      if (dup) {
        this.bad(line, dup);
        continue;
      }
      const refId = row.sourceId ? refs.get(row.sourceId) : undefined;
      const byNameHit = byName.get(nameKey);
      const existing =
        (refId && byId.get(refId)) || (row.domain && byDomain.get(row.domain)) || (byNameHit && (!row.domain || byNameHit.domain === null) ? byNameHit : undefined);
      const owner = this.member(line, row.owner, row.ownerEmail, 'owner');
      if (!existing) {
        const id = this.newRecord();
        this.decide(line, 'create');
        this.newCompanies.set(`n:${nameKey}`, id);
        if (row.domain) this.newCompanies.set(`d:${row.domain}`, id);
        this.newCompanyNames.set(id, row.name);
        if (this.opts.write) made.push([id, this.ctx.workspaceId, row.name, nameKey, row.domain ?? null, owner ?? this.ctx.actorId, row.created ?? this.ctx.now, this.ctx.now]);
        await this.writeValues('company', id, [...fileValues], false);
        this.ref('company', row.sourceId, id, false);
        continue;
      }
      const id = String(existing.id);
      const taken = row.domain ? byDomain.get(row.domain) : undefined;
      if (taken && String(taken.id) !== id) {
        this.bad(line, `domain ${row.domain} belongs to another company, ${quoted(String(taken.name))}`);
        continue;
      }
      const changes: string[] = [];
      if (row.name !== existing.name) changes.push('"name" = ?', '"nameKey" = ?');
      if (row.domain && row.domain !== existing.domain) changes.push('"domain" = ?');
      if (owner && owner !== existing.ownerId) changes.push('"ownerId" = ?');
      const changedValues = this.changedValues(fileValues, values.get(id));
      if (changes.length === 0 && changedValues.length === 0) {
        this.decide(line, 'skip', id);
        continue;
      }
      this.decide(line, 'update', id);
      if (this.opts.write) {
        const params: unknown[] = [];
        if (row.name !== existing.name) params.push(row.name, nameKey);
        if (row.domain && row.domain !== existing.domain) params.push(row.domain);
        if (owner && owner !== existing.ownerId) params.push(owner);
        await this.conn.execute(`UPDATE "Company" SET ${[...changes, '"updatedAt" = ?'].join(', ')} WHERE "id" = ?`, [...params, this.ctx.now, id]);
        await this.writeValues('company', id, changedValues, true);
        this.ref('company', row.sourceId, id, refId === id);
      }
    }
    if (this.opts.write) {
      await this.insertCompanies(made);
      await this.flush();
    }
  }

  // ---- contacts --------------------------------------------------------------------------

  private async contacts(records: { line: number; cells: string[] }[]): Promise<void> {
    const rows = this.read('contact', records) as { line: number; row: ContactRow; values: Values }[];
    const found = await this.companyLookup(rows.map((r) => r.row));
    const madeCompanies: unknown[][] = [];
    const companyOf = new Map<number, { id: string; name: string } | null>();
    for (const r of rows) companyOf.set(r.line, this.companyFor(r.row, found, madeCompanies));
    if (this.opts.write) await this.insertCompanies(madeCompanies);
    const refs = await this.refs('contact', rows.map((r) => r.row.sourceId).filter((x): x is string => !!x));
    const select = '"id", "name", "nameKey", "email", "phone", "title", "companyId", "ownerId"';
    const emails = rows.map((r) => r.row.email).filter((x): x is string => !!x);
    const byEmail = new Map<string, Record<string, unknown>>();
    for (const r of emails.length > 0 ? await this.byColumn('Contact', 'email', emails, select) : []) byEmail.set(String(r.email), r);
    const byNameAt = new Map<string, Record<string, unknown>>();
    for (const r of await this.byColumn('Contact', 'nameKey', rows.map((x) => searchKey(x.row.name)), select, ' ORDER BY "createdAt", "id"')) {
      const key = `${String(r.nameKey)}@${asStr(r.companyId) ?? ''}`;
      if (!byNameAt.has(key)) byNameAt.set(key, r);
    }
    const refIds = [...refs.values()];
    const byId = new Map<string, Record<string, unknown>>();
    for (const r of refIds.length > 0 ? await this.byColumn('Contact', 'id', refIds, select) : []) byId.set(String(r.id), r);
    const values = await this.existingValues('contact', [...new Set([...byEmail.values(), ...byNameAt.values(), ...byId.values()].map((r) => String(r.id)))]);
    const made: unknown[][] = [];
    for (const { line, row, values: fileValues } of rows) {
      const company = companyOf.get(line) ?? null;
      const nameKey = searchKey(row.name);
      const dup = this.duplicate(
        [
          ...(row.sourceId ? [[`s:${row.sourceId}`, `source id ${quoted(row.sourceId)}`] as [string, string]] : []),
          row.email ? [`e:${row.email}`, `email ${row.email}`] : [`n:${nameKey}@${company?.id ?? ''}`, `contact ${quoted(row.name)}${company ? ` at ${company.name}` : ''}`],
        ],
        line,
      );
      if (dup) {
        this.bad(line, dup);
        continue;
      }
      const refId = row.sourceId ? refs.get(row.sourceId) : undefined;
      const existing = (refId && byId.get(refId)) || (row.email && byEmail.get(row.email)) || (!row.email ? byNameAt.get(`${nameKey}@${company?.id ?? ''}`) : undefined);
      const owner = this.member(line, row.owner, row.ownerEmail, 'owner');
      if (!existing) {
        const id = this.newRecord();
        this.decide(line, 'create');
        if (this.opts.write) {
          made.push([id, this.ctx.workspaceId, company?.id ?? null, owner ?? this.ctx.actorId, row.name, nameKey, row.email ?? null, row.phone ?? null, row.title || null, row.created ?? this.ctx.now, this.ctx.now]);
        }
        await this.writeValues('contact', id, [...fileValues], false);
        this.ref('contact', row.sourceId, id, false);
        continue;
      }
      const id = String(existing.id);
      const emailOwner = row.email ? byEmail.get(row.email) : undefined;
      if (emailOwner && String(emailOwner.id) !== id) {
        this.bad(line, `email ${row.email} belongs to another contact, ${quoted(String(emailOwner.name))}`);
        continue;
      }
      const set: [string, unknown][] = [];
      if (row.name !== existing.name) set.push(['name', row.name], ['nameKey', nameKey]);
      if (row.email && row.email !== existing.email) set.push(['email', row.email]);
      if (row.phone && row.phone !== existing.phone) set.push(['phone', row.phone]);
      if (row.title && row.title !== existing.title) set.push(['title', row.title]);
      if (company && company.id !== existing.companyId) set.push(['companyId', company.id]);
      if (owner && owner !== existing.ownerId) set.push(['ownerId', owner]);
      const changedValues = this.changedValues(fileValues, values.get(id));
      if (set.length === 0 && changedValues.length === 0) {
        this.decide(line, 'skip', id);
        continue;
      }
      this.decide(line, 'update', id);
      if (this.opts.write) {
        if (set.length > 0) await this.update('Contact', id, set);
        await this.writeValues('contact', id, changedValues, true);
        this.ref('contact', row.sourceId, id, refId === id);
      }
    }
    if (this.opts.write) {
      await insertRows(this.conn, 'Contact', ['id', 'workspaceId', 'companyId', 'ownerId', 'name', 'nameKey', 'email', 'phone', 'title', 'createdAt', 'updatedAt'], made);
      await this.flush();
    }
  }

  private async update(table: string, id: string, set: [string, unknown][]): Promise<void> {
    const cols = [...set, ['updatedAt', this.ctx.now] as [string, unknown]];
    await this.conn.execute(`UPDATE "${table}" SET ${cols.map(([c]) => `"${c}" = ?`).join(', ')} WHERE "id" = ?`, [...cols.map(([, v]) => v), id]);
  }

  // ---- deals -----------------------------------------------------------------------------

  /** The stage a row names in its pipeline, or a reason; unknown names are gathered for the stage map. */
  private stageFor(line: number, row: DealRowIn): { pipeline: PipelineInfo; stage: StageInfo } | { reason: string } {
    const pipelines = this.ctx.pipelines;
    let pipeline = pipelines.find((p) => p.isDefault) ?? pipelines[0];
    if (row.pipeline) {
      const key = searchKey(row.pipeline);
      const named = pipelines.find((p) => searchKey(p.name) === key || p.key === key);
      // HubSpot's default pipeline is called "Sales Pipeline" (or its id "default"): read as ours.
      if (named) pipeline = named;
      else if (!['default', 'sales pipeline', 'pipeline'].includes(key)) {
        return { reason: `unknown pipeline ${quoted(row.pipeline)} (pipelines: ${pipelines.map((p) => p.name).join(', ')})` };
      }
    }
    if (!pipeline) return { reason: 'this workspace has no pipeline' };
    const kindStage = (kind: 'won' | 'lost') => pipeline.stages.find((s) => s.kind === kind);
    const status = row.status ? searchKey(row.status) : '';
    if (status === 'won' || status === 'lost') {
      const s = kindStage(status);
      if (s) return { pipeline, stage: s };
    }
    if (!row.stage) return status === 'open' || status === '' ? { pipeline, stage: pipeline.stages.find((s) => s.kind === 'open') ?? pipeline.stages[0]! } : { reason: `unknown status ${quoted(row.status ?? '')} (open, won or lost)` };
    const mapped = this.opts.stageMap?.[row.stage] ?? Object.entries(this.opts.stageMap ?? {}).find(([from]) => searchKey(from) === searchKey(row.stage!))?.[1];
    const wanted = mapped ?? row.stage;
    const key = searchKey(wanted);
    const stage = pipeline.stages.find((s) => searchKey(s.name) === key || s.key === key || s.id === wanted);
    if (stage) return { pipeline, stage };
    const closed = this.preset.closedStages[key] ?? PRESET_CLOSED[key];
    if (closed) {
      const s = kindStage(closed);
      if (s) return { pipeline, stage: s };
    }
    const id = `${pipeline.id}|${searchKey(row.stage)}`;
    const u = this.unknownStages.get(id) ?? { name: row.stage, pipeline: pipeline.name, rows: 0, lines: [], choices: pipeline.stages.map((s) => s.name) };
    u.rows++;
    if (u.lines.length < EXAMPLE_LINES) u.lines.push(line);
    this.unknownStages.set(id, u);
    return { reason: `unknown stage ${quoted(row.stage)} (stages of ${pipeline.name}: ${pipeline.stages.map((s) => s.name).join(', ')})` };
  }

  private async deals(records: { line: number; cells: string[] }[]): Promise<void> {
    const read = this.read('deal', records) as { line: number; row: DealRowIn; values: Values }[];
    // Stages first: a row in an unknown stage is bad, whatever else it has.
    const rows: { line: number; row: DealRowIn; values: Values; pipeline: PipelineInfo; stage: StageInfo }[] = [];
    for (const r of read) {
      const s = this.stageFor(r.line, r.row);
      if ('reason' in s) this.bad(r.line, s.reason);
      else rows.push({ ...r, ...s });
    }
    const found = await this.companyLookup(rows.map((r) => r.row));
    const madeCompanies: unknown[][] = [];
    const companyOf = new Map<number, { id: string; name: string } | null>();
    for (const r of rows) companyOf.set(r.line, this.companyFor(r.row, found, madeCompanies));
    if (this.opts.write) await this.insertCompanies(madeCompanies);

    // Contacts on the deals: by email, else by name (when only one contact has it).
    const contactEmails = new Set<string>();
    const contactNames = new Set<string>();
    for (const r of rows) {
      for (const c of r.row.contacts ?? []) {
        const e = readEmail(c) ?? emailIn(c);
        if (e) contactEmails.add(e);
        else contactNames.add(searchKey(c));
      }
    }
    const contactByEmail = new Map<string, string>();
    for (const c of contactEmails.size > 0 ? await this.byColumn('Contact', 'email', [...contactEmails], '"id", "email"') : []) contactByEmail.set(String(c.email), String(c.id));
    const contactByName = new Map<string, string | null>();
    for (const c of contactNames.size > 0 ? await this.byColumn('Contact', 'nameKey', [...contactNames], '"id", "nameKey"') : []) {
      const k = String(c.nameKey);
      contactByName.set(k, contactByName.has(k) ? null : String(c.id));
    }

    const source = this.preset.source;
    const sourceIdOf = (row: DealRowIn) => row.sourceId ?? (row.number !== undefined ? String(row.number) : undefined);
    const refs = await this.refs('deal', rows.map((r) => sourceIdOf(r.row)).filter((x): x is string => !!x), source);
    const select =
      '"id", "number", "title", "searchText", "amountCents", "currency", "pipelineId", "stageId", "status", "ownerId", "companyId", "expectedCloseDate", "nextAction", "nextActionDueAt", "lostReason", "createdAt"';
    const refIds = [...refs.values()];
    const byId = new Map<string, Record<string, unknown>>();
    for (const r of refIds.length > 0 ? await this.byColumn('Deal', 'id', refIds, select) : []) byId.set(String(r.id), r);
    const numbers = rows.map((r) => r.row.number).filter((n): n is number => n !== undefined);
    const byNumber = new Map<number, Record<string, unknown>>();
    for (const r of numbers.length > 0 ? await this.byColumn('Deal', 'number', numbers, select) : []) byNumber.set(asNum(r.number)!, r);
    const keyOf = (r: { row: DealRowIn; line: number }) => searchKey(r.row.title, companyOf.get(r.line)?.name);
    if (!this.dealKeys) {
      this.dealKeys = new Map();
      for (const r of await this.conn.query('SELECT "searchText", "id" FROM "Deal" WHERE "workspaceId" = ? ORDER BY "createdAt", "id"', [this.ctx.workspaceId])) {
        if (!this.dealKeys.has(String(r.searchText))) this.dealKeys.set(String(r.searchText), String(r.id));
      }
    }
    const keyIds = [...new Set(rows.map(keyOf).map((k) => this.dealKeys!.get(k)).filter((x): x is string => !!x))];
    const byKey = new Map<string, Record<string, unknown>>();
    for (const r of keyIds.length > 0 ? await this.byColumn('Deal', 'id', keyIds, select) : []) byKey.set(String(r.searchText), r);
    const matchedIds = [...new Set([...byId.values(), ...byNumber.values(), ...byKey.values()].map((r) => String(r.id)))];
    const values = await this.existingValues('deal', matchedIds);
    const links = new Set<string>();
    for (const l of matchedIds.length > 0 ? await inChunks(this.conn, matchedIds, 0, (chunk) => this.conn.query(`SELECT "dealId", "contactId" FROM "DealContact" WHERE "dealId" IN ${inList(chunk.length)}`, chunk)) : []) {
      links.add(`${String(l.dealId)}|${String(l.contactId)}`);
    }

    const deals: unknown[][] = [];
    const events: unknown[][] = [];
    const tasks: unknown[][] = [];
    const dealContacts: unknown[][] = [];
    const now = this.ctx.now;
    for (const { line, row, values: fileValues, pipeline, stage } of rows) {
      const company = companyOf.get(line) ?? null;
      const sourceId = sourceIdOf(row);
      const titleKey = keyOf({ row, line });
      const dup = this.duplicate(
        sourceId ? [[`s:${sourceId}`, row.sourceId ? `source id ${quoted(row.sourceId)}` : `deal number ${row.number}`]] : [[`k:${titleKey}`, `deal ${quoted(row.title)}${company ? ` at ${company.name}` : ''}`]],
        line,
      );
      if (dup) {
        this.bad(line, dup);
        continue;
      }
      const contactIds: string[] = [];
      for (const c of row.contacts ?? []) {
        const e = readEmail(c) ?? emailIn(c);
        const id = e ? contactByEmail.get(e) : contactByName.get(searchKey(c));
        if (id) {
          if (!contactIds.includes(id)) contactIds.push(id);
        } else this.warn(`unknown contact ${quoted(e ?? c)}: not linked`, line);
      }
      const refId = sourceId ? refs.get(sourceId) : undefined;
      const numbered = row.number !== undefined ? byNumber.get(row.number) : undefined;
      const existing =
        (refId && byId.get(refId)) || (numbered && searchKey(String(numbered.title)) === searchKey(row.title) ? numbered : undefined) || byKey.get(titleKey);
      const owner = this.member(line, row.owner, row.ownerEmail, 'owner');
      const closing = stage.kind !== 'open';
      if (!existing) {
        const id = this.newRecord();
        this.decide(line, 'create');
        if (this.opts.write) {
          const ownerId = owner ?? this.ctx.actorId;
          const created = row.created ?? now;
          const closedAt = closing ? (row.closed ?? now) : null;
          const withTask = !closing && row.nextAction !== undefined;
          deals.push([
            id,
            this.ctx.workspaceId,
            this.nextDeal++,
            row.title,
            titleKey,
            row.amount?.minor ?? null,
            row.amount?.currency ?? row.currency ?? this.ctx.defaultCurrency,
            pipeline.id,
            stage.id,
            stage.kind,
            ownerId,
            company?.id ?? null,
            row.closeDate ? fromDateOnly(row.closeDate) : null,
            withTask ? row.nextAction : null,
            withTask && row.nextActionDue ? fromDateOnly(row.nextActionDue) : null,
            now,
            now,
            closedAt,
            closedAt ? Math.max(0, Math.round((closedAt.getTime() - created.getTime()) / DAY_MS)) : null,
            stage.kind === 'lost' ? (row.lostReason ?? null) : null,
            row.archived ?? null,
            row.archived !== undefined,
            this.ctx.actorId,
            created,
            now,
          ]);
          this.dealsMade++;
          events.push([newId(), this.ctx.workspaceId, id, this.ctx.actorId, 'created', null, null, stage.name, now]);
          if (withTask) {
            tasks.push([newId(), this.ctx.workspaceId, this.nextTask++, id, row.nextAction, row.nextActionDue ? fromDateOnly(row.nextActionDue) : null, ownerId, this.ctx.actorId, now, now]);
            this.tasksMade++;
          }
          for (const contactId of contactIds) dealContacts.push([id, contactId, now]);
        }
        await this.writeValues('deal', id, [...fileValues], false);
        this.ref('deal', sourceId, id, false);
        continue;
      }
      const id = String(existing.id);
      const change = this.dealChange(existing, row, { pipeline, stage, company, owner });
      const changedValues = this.changedValues(fileValues, values.get(id));
      const newLinks = contactIds.filter((c) => !links.has(`${id}|${c}`));
      if (change.set.length === 0 && changedValues.length === 0 && newLinks.length === 0 && !change.nextAction) {
        this.decide(line, 'skip', id);
        continue;
      }
      this.decide(line, 'update', id);
      if (!this.opts.write) continue;
      if (change.set.length > 0) await this.update('Deal', id, change.set);
      for (const e of change.events) events.push([newId(), this.ctx.workspaceId, id, this.ctx.actorId, e.kind, e.field ?? null, e.from ?? null, e.to ?? null, now]);
      if (change.closing) await this.conn.execute('UPDATE "Task" SET "doneAt" = ?, "updatedAt" = ? WHERE "dealId" = ? AND "doneAt" IS NULL', [now, now, id]);
      if (change.nextAction) await this.setNextAction(id, change.nextAction, asStr(existing.ownerId) ?? owner ?? this.ctx.actorId, events);
      await this.writeValues('deal', id, changedValues, true);
      const defs = new Map(this.fieldCols.map((f) => [f.def.id, f.def]));
      for (const [fieldId, v] of changedValues) {
        const before = values.get(id)?.get(fieldId);
        events.push([newId(), this.ctx.workspaceId, id, this.ctx.actorId, 'field', defs.get(fieldId)?.name ?? null, before ? plain(before) : null, plain(v), now]);
      }
      for (const contactId of newLinks) dealContacts.push([id, contactId, now]);
      this.ref('deal', sourceId, id, refId === id);
    }
    if (!this.opts.write) return;
    await insertRows(
      this.conn,
      'Deal',
      [
        'id',
        'workspaceId',
        'number',
        'title',
        'searchText',
        'amountCents',
        'currency',
        'pipelineId',
        'stageId',
        'status',
        'ownerId',
        'companyId',
        'expectedCloseDate',
        'nextAction',
        'nextActionDueAt',
        'lastActivityAt',
        'stageChangedAt',
        'closedAt',
        'salesCycleDays',
        'lostReason',
        'archivedAt',
        'archived',
        'createdById',
        'createdAt',
        'updatedAt',
      ],
      deals,
    );
    await insertRows(this.conn, 'DealEvent', ['id', 'workspaceId', 'dealId', 'actorId', 'kind', 'field', 'fromValue', 'toValue', 'at'], events);
    await insertRows(this.conn, 'Task', ['id', 'workspaceId', 'number', 'dealId', 'title', 'dueAt', 'assigneeId', 'createdById', 'createdAt', 'updatedAt'], tasks);
    await insertRows(this.conn, 'DealContact', ['dealId', 'contactId', 'createdAt'], dealContacts);
    await this.flush();
  }

  /** What a row changes on a deal that exists: columns to set and timeline entries (as DealService writes them). */
  private dealChange(
    d: Record<string, unknown>,
    row: DealRowIn,
    to: { pipeline: PipelineInfo; stage: StageInfo; company: { id: string; name: string } | null; owner: string | undefined },
  ) {
    const set: [string, unknown][] = [];
    const events: { kind: string; field?: string; from?: string | null; to?: string | null }[] = [];
    const now = this.ctx.now;
    if (row.title !== d.title) {
      set.push(['title', row.title], ['searchText', searchKey(row.title, to.company?.name)]);
      events.push({ kind: 'title', field: 'title', from: String(d.title), to: row.title });
    }
    const amount = asBig(d.amountCents);
    if (row.amount && (row.amount.minor !== amount || row.amount.currency !== d.currency)) {
      set.push(['amountCents', row.amount.minor], ['currency', row.amount.currency]);
      events.push({ kind: 'amount', field: 'amount', from: amount === null ? null : `${amount} ${String(d.currency)}`, to: `${row.amount.minor} ${row.amount.currency}` });
    }
    if (to.company && to.company.id !== d.companyId) {
      set.push(['companyId', to.company.id]);
      events.push({ kind: 'company', field: 'company', to: to.company.name });
    }
    if (to.owner && to.owner !== d.ownerId) {
      set.push(['ownerId', to.owner]);
      events.push({ kind: 'owner', field: 'owner', to: this.memberLabel.get(to.owner) ?? null });
    }
    const close = asDate(d.expectedCloseDate);
    if (row.closeDate && (close === null || toDateOnly(close) !== row.closeDate)) {
      set.push(['expectedCloseDate', fromDateOnly(row.closeDate)]);
      events.push({ kind: 'close_date', field: 'expectedCloseDate', from: close ? toDateOnly(close) : null, to: row.closeDate });
    }
    let closing = false;
    const status = String(d.status);
    if (to.stage.id !== d.stageId) {
      closing = to.stage.kind !== 'open';
      const created = asDate(d.createdAt) ?? now;
      const closedAt = closing ? (row.closed ?? now) : null;
      set.push(
        ['pipelineId', to.pipeline.id],
        ['stageId', to.stage.id],
        ['status', to.stage.kind],
        ['stageChangedAt', now],
        ['closedAt', closedAt],
        ['salesCycleDays', closedAt ? Math.max(0, Math.round((closedAt.getTime() - created.getTime()) / DAY_MS)) : null],
        ['lostReason', to.stage.kind === 'lost' ? (row.lostReason ?? null) : null],
      );
      const from = this.ctx.pipelines.flatMap((p) => p.stages).find((s) => s.id === d.stageId);
      events.push({ kind: 'stage', field: 'stage', from: from?.name ?? null, to: to.stage.name });
      if (to.stage.kind === 'won') events.push({ kind: 'won' });
      if (to.stage.kind === 'lost') events.push({ kind: 'lost', field: 'lostReason', to: row.lostReason ?? null });
      if (closing && d.nextAction !== null) {
        set.push(['nextAction', null], ['nextActionDueAt', null]);
        events.push({ kind: 'next_action', field: 'nextAction', from: asStr(d.nextAction), to: null });
      }
    }
    const open = to.stage.kind === 'open' && (to.stage.id === d.stageId ? status === 'open' : true);
    const due = row.nextActionDue ? fromDateOnly(row.nextActionDue) : null;
    const nextAction =
      open && row.nextAction !== undefined && (row.nextAction !== d.nextAction || (asDate(d.nextActionDueAt)?.getTime() ?? null) !== (due?.getTime() ?? null))
        ? { title: row.nextAction, due }
        : undefined;
    return { set, events, closing, nextAction };
  }

  /** As DealService.setNextAction: the deal's first open task takes the title and date, or a task is made. */
  private async setNextAction(dealId: string, next: { title: string; due: Date | null }, assigneeId: string, events: unknown[][]): Promise<void> {
    const now = this.ctx.now;
    const [first] = await this.conn.query(
      `SELECT "id", "title", "dueAt" FROM "Task" WHERE "dealId" = ? AND "doneAt" IS NULL ORDER BY CASE WHEN "dueAt" IS NULL THEN 1 ELSE 0 END, "dueAt", "number" LIMIT 1`,
      [dealId],
    );
    if (first) await this.conn.execute('UPDATE "Task" SET "title" = ?, "dueAt" = ?, "updatedAt" = ? WHERE "id" = ?', [next.title, next.due, now, String(first.id)]);
    else {
      await insertRows(
        this.conn,
        'Task',
        ['id', 'workspaceId', 'number', 'dealId', 'title', 'dueAt', 'assigneeId', 'createdById', 'createdAt', 'updatedAt'],
        [[newId(), this.ctx.workspaceId, this.nextTask++, dealId, next.title, next.due, assigneeId, this.ctx.actorId, now, now]],
      );
      this.tasksMade++;
    }
    const [mirror] = await this.conn.query(
      `SELECT "title", "dueAt" FROM "Task" WHERE "dealId" = ? AND "doneAt" IS NULL ORDER BY CASE WHEN "dueAt" IS NULL THEN 1 ELSE 0 END, "dueAt", "number" LIMIT 1`,
      [dealId],
    );
    await this.conn.execute('UPDATE "Deal" SET "nextAction" = ?, "nextActionDueAt" = ?, "updatedAt" = ? WHERE "id" = ?', [asStr(mirror?.title), asDate(mirror?.dueAt), now, dealId]);
    events.push([newId(), this.ctx.workspaceId, dealId, this.ctx.actorId, 'next_action', 'nextAction', null, asStr(mirror?.title), now]);
  }

  // ---- activities ------------------------------------------------------------------------

  private async activities(records: { line: number; cells: string[] }[]): Promise<void> {
    const rows: { line: number; row: ActivityRow; type: string }[] = [];
    for (const r of this.read('activity', records) as { line: number; row: ActivityRow; values: Values }[]) {
      const type = r.row.type ? searchKey(r.row.type) : 'note';
      if (!KNOWN_TYPES.includes(type)) this.bad(r.line, `unknown type ${quoted(r.row.type ?? '')} (${ACTIVITY_TYPES.join(', ')})`);
      else rows.push({ line: r.line, row: r.row, type });
    }
    // The deal: by its id in the source (ExternalRef), our export's deal number (the deals import
    // recorded it as the deal's source id), else this workspace's deal of that number and title.
    const dealSourceIds = rows.map((r) => r.row.dealSourceId ?? (r.row.dealNumber !== undefined ? String(r.row.dealNumber) : undefined)).filter((x): x is string => !!x);
    const dealRefs = dealSourceIds.length > 0 ? await this.refs('deal', dealSourceIds) : new Map<string, string>();
    const numbers = rows.map((r) => r.row.dealNumber).filter((n): n is number => n !== undefined);
    const dealByNumber = new Map<number, { id: string; title: string }>();
    for (const d of numbers.length > 0 ? await this.byColumn('Deal', 'number', numbers, '"id", "number", "title"') : []) dealByNumber.set(asNum(d.number)!, { id: String(d.id), title: String(d.title) });
    const titleKeys = rows.filter((r) => r.row.dealTitle).map((r) => searchKey(r.row.dealTitle, r.row.company));
    const dealByKey = new Map<string, string | null>();
    for (const d of titleKeys.length > 0 ? await this.byColumn('Deal', 'searchText', titleKeys, '"id", "searchText"') : []) {
      const k = String(d.searchText);
      dealByKey.set(k, dealByKey.has(k) ? null : String(d.id));
    }
    const emails = rows.map((r) => r.row.contactEmail ?? (r.row.contact ? emailIn(r.row.contact) : undefined)).filter((x): x is string => !!x);
    const contactByEmail = new Map<string, string>();
    for (const c of emails.length > 0 ? await this.byColumn('Contact', 'email', emails, '"id", "email"') : []) contactByEmail.set(String(c.email), String(c.id));
    const names = rows.filter((r) => r.row.contact).map((r) => searchKey(r.row.contact));
    const contactByName = new Map<string, string | null>();
    for (const c of names.length > 0 ? await this.byColumn('Contact', 'nameKey', names, '"id", "nameKey"') : []) {
      const k = String(c.nameKey);
      contactByName.set(k, contactByName.has(k) ? null : String(c.id));
    }
    const companyNames = rows.filter((r) => r.row.company).map((r) => searchKey(r.row.company));
    const companyByName = new Map<string, string>();
    for (const c of companyNames.length > 0 ? await this.byColumn('Company', 'nameKey', companyNames, '"id", "nameKey"', ' ORDER BY "createdAt", "id"') : []) {
      if (!companyByName.has(String(c.nameKey))) companyByName.set(String(c.nameKey), String(c.id));
    }
    const refs = await this.refs('activity', rows.map((r) => r.row.sourceId).filter((x): x is string => !!x));
    const existingAt = new Map<string, { id: string; body: string; dealId: string | null }[]>();
    for (const a of await this.byColumn('Activity', 'occurredAt', rows.map((r) => r.row.date), '"id", "occurredAt", "body", "dealId"')) {
      const k = asDate(a.occurredAt)!.toISOString();
      const list = existingAt.get(k) ?? [];
      list.push({ id: String(a.id), body: String(a.body), dealId: asStr(a.dealId) });
      existingAt.set(k, list);
    }
    const made: unknown[][] = [];
    for (const { line, row, type } of rows) {
      const dealSource = row.dealSourceId ?? (row.dealNumber !== undefined ? String(row.dealNumber) : undefined);
      let dealId: string | null = (dealSource && dealRefs.get(dealSource)) || null;
      if (!dealId && row.dealNumber !== undefined) {
        const d = dealByNumber.get(row.dealNumber);
        if (d && (!row.dealTitle || searchKey(d.title) === searchKey(row.dealTitle))) dealId = d.id;
      }
      if (!dealId && row.dealTitle) dealId = dealByKey.get(searchKey(row.dealTitle, row.company)) ?? null;
      if (!dealId && (row.dealTitle || dealSource)) this.warn(`unknown deal ${quoted(row.dealTitle ?? dealSource ?? '')}: the activity is not on a deal`, line);
      const email = row.contactEmail ?? (row.contact ? emailIn(row.contact) : undefined);
      const contactId = (email && contactByEmail.get(email)) || (row.contact ? contactByName.get(searchKey(row.contact)) : undefined) || null;
      const companyId = (row.company && companyByName.get(searchKey(row.company))) || null;
      if (!dealId && !contactId && !companyId) {
        this.bad(line, 'no deal, contact or company of this workspace is named on it');
        continue;
      }
      const at = row.date.toISOString();
      const dup = this.duplicate(
        [...(row.sourceId ? [[`s:${row.sourceId}`, `source id ${quoted(row.sourceId)}`] as [string, string]] : []), [`k:${at}|${dealId ?? ''}|${row.body}`, 'activity (same time, text and deal)']],
        line,
      );
      if (dup) {
        this.bad(line, dup);
        continue;
      }
      const refId = row.sourceId ? refs.get(row.sourceId) : undefined;
      const existing = refId ?? existingAt.get(at)?.find((a) => a.body === row.body && a.dealId === dealId)?.id;
      if (existing) {
        this.decide(line, 'skip', existing);
        continue;
      }
      const author = this.member(line, row.author, row.authorEmail, 'author');
      const id = this.newRecord();
      this.decide(line, 'create');
      if (!this.opts.write) continue;
      const sourceWord = row.source && (ACTIVITY_SOURCES as readonly string[]).includes(row.source.toLowerCase()) ? row.source.toLowerCase() : 'import';
      made.push([id, this.ctx.workspaceId, dealId, contactId, companyId, author ?? this.ctx.actorId, type, row.body, row.date, sourceWord, row.sourceUrl ?? null, this.ctx.now]);
      if (dealId) {
        const before = this.touched.get(dealId);
        if (!before || before < row.date) this.touched.set(dealId, row.date);
      }
      this.ref('activity', row.sourceId, id, false);
    }
    if (!this.opts.write) return;
    await insertRows(this.conn, 'Activity', ['id', 'workspaceId', 'dealId', 'contactId', 'companyId', 'authorId', 'type', 'body', 'occurredAt', 'source', 'sourceUrl', 'createdAt'], made);
    await this.flush();
  }
}

const TABLE_OF: Readonly<Record<ImportKind, string>> = { company: 'Company', contact: 'Contact', deal: 'Deal', activity: 'Activity' };

/** HubSpot's closed stages by their internal ids as well as their labels. */
const PRESET_CLOSED: Readonly<Record<string, 'won' | 'lost'>> = { closedwon: 'won', closedlost: 'lost', 'closed won': 'won', 'closed lost': 'lost' };

const emailDomain = (email: string): string | undefined => email.split('@')[1]?.toLowerCase();

/** A value as a timeline entry shows it. */
function plain(v: ValueColumns): string {
  if (v.text !== null) return v.text;
  if (v.number !== null) return String(v.number);
  if (v.cents !== null) return `${v.cents} ${v.currency ?? ''}`.trim();
  if (v.date !== null) return toDateOnly(v.date);
  return v.memberId ?? '';
}
