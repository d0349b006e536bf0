/**
 * Reading custom fields without the FieldService: a record's values as card lines, and a list
 * filter as a `where` fragment. The deal, contact and company services call these directly
 * (they are built before the FieldService, which uses the same functions behind its cache).
 *
 * Values are found by `FieldValue(dealId|contactId|companyId)`; a filter is an index seek on
 * `FieldValue(fieldId, textKey|number|cents|date|memberId)` under the list's own query
 * (docs/database.md, "Custom fields").
 */
import type { Prisma } from '../../generated/sqlite/client.js';
import type { Actor, Db, DomainDeps, Tx } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import { nearestWord } from '../../bot/commands/grammar/words.js';
import { fieldKey, TYPE_WORDS, type FieldEntity, type FieldType } from './field.schema.js';
import type { FieldDefinitionView, FieldLine } from './field.view.js';
import { clearsField, readFieldValue, takes, toFieldLine, type PersonRow, type ValueColumns, type ValueContext } from './field.values.js';

/** The column of FieldValue that points at each kind of record. */
export const RECORD_COLUMN = { deal: 'dealId', contact: 'contactId', company: 'companyId' } as const satisfies Record<FieldEntity, string>;

/** "deals", "contacts", "companies". */
export const ENTITY_PLURAL: Readonly<Record<FieldEntity, string>> = { deal: 'deals', contact: 'contacts', company: 'companies' };

type DefinitionRow = { id: string; entity: string; key: string; name: string; type: string; choices: string; position: number };

export function toDefinitionView(row: DefinitionRow): FieldDefinitionView {
  return {
    id: row.id,
    entity: row.entity as FieldEntity,
    key: row.key,
    name: row.name,
    type: row.type as FieldType,
    choices: parseChoices(row.choices),
    position: row.position,
  };
}

function parseChoices(json: string): string[] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === 'string') : [];
  } catch {
    return [];
  }
}

/** A workspace's fields of one kind of record (or all), in order. */
export async function readDefinitions(db: Db | Tx, workspaceId: string, entity?: FieldEntity): Promise<FieldDefinitionView[]> {
  const rows = await db.fieldDefinition.findMany({
    where: { workspaceId, ...(entity && { entity }) },
    orderBy: [{ entity: 'asc' }, { position: 'asc' }, { id: 'asc' }],
  });
  return rows.map(toDefinitionView);
}

/**
 * The custom fields of each record, as card lines: every field of that kind of record in order,
 * with `value: null` where the record has none. One query for the values of all `ids`.
 */
export async function fieldLinesFor(
  db: Db | Tx,
  workspaceId: string,
  entity: FieldEntity,
  ids: readonly string[],
  definitions?: readonly FieldDefinitionView[],
): Promise<Map<string, FieldLine[]>> {
  const out = new Map<string, FieldLine[]>();
  if (ids.length === 0) return out;
  const defs = definitions ?? (await readDefinitions(db, workspaceId, entity));
  if (defs.length === 0) {
    for (const id of ids) out.set(id, []);
    return out;
  }
  const column = RECORD_COLUMN[entity];
  const rows = await db.fieldValue.findMany({
    where: { workspaceId, [column]: { in: [...ids] } },
    include: { member: { select: { id: true, displayName: true, handle: true } } },
  });
  const byRecord = new Map<string, Map<string, (typeof rows)[number]>>();
  for (const row of rows) {
    const recordId = row[column];
    if (recordId === null) continue;
    let values = byRecord.get(recordId);
    if (!values) byRecord.set(recordId, (values = new Map()));
    values.set(row.fieldId, row);
  }
  for (const id of ids) {
    const values = byRecord.get(id);
    out.set(
      id,
      defs.map((d) => toFieldLine(d, values?.get(d.id))),
    );
  }
  return out;
}

/** One record's lines (an empty list when the workspace has no fields of that kind). */
export async function fieldLinesOf(
  db: Db | Tx,
  workspaceId: string,
  entity: FieldEntity,
  id: string,
  definitions?: readonly FieldDefinitionView[],
): Promise<FieldLine[]> {
  return (await fieldLinesFor(db, workspaceId, entity, [id], definitions)).get(id) ?? [];
}

/** A workspace's field definitions of one entity, as FieldService caches them (cards read them on every view). */
export type FieldDefinitionsSource = (workspaceId: string, entity: FieldEntity) => Promise<FieldDefinitionView[]>;

// ---------------------------------------------------------------------------------------------
// Filters

export const FILTER_OPS = ['=', '>', '<', '>=', '<='] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** One `key=value` of a list: `source=partner`, `renewal>2027-01-01`, `source=-` (no value). */
export interface FieldFilter {
  key: string;
  op: FilterOp;
  value: string;
}

/**
 * What a list's `where` takes for one filter (Deal, Contact and Company have the same shape): the
 * matching records' ids, or a relation filter when there are many (`matching`).
 */
export type FieldFilterWhere = { fieldValues: Prisma.FieldValueListRelationFilter } | { id: { in: string[] } };

/** The most filters one list takes. */
export const MAX_FILTERS = 5;

/** Filters for a list (DealService, ContactService, CompanyService call this with their own deps). */
export async function listFilterWheres(
  deps: DomainDeps,
  actor: Actor,
  entity: FieldEntity,
  filters: readonly FieldFilter[],
  definitions?: readonly FieldDefinitionView[],
): Promise<FieldFilterWhere[]> {
  if (filters.length === 0) return [];
  const ws = await deps.db.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId }, select: { defaultCurrency: true, decimalMark: true } });
  return fieldFilterWheres(
    deps.db,
    {
      workspaceId: actor.workspaceId,
      now: deps.clock.now(),
      timeZone: actor.timeZone,
      defaultCurrency: ws.defaultCurrency,
      ...(ws.decimalMark === 'comma' ? { decimalSeparator: ',' as const } : ws.decimalMark === 'point' ? { decimalSeparator: '.' as const } : {}),
      memberId: actor.memberId,
    },
    entity,
    filters,
    definitions,
  );
}

/** `source=partner and renewal>2027-01-01`: a list's filters in words, for its heading. */
export function filterWords(filters: readonly FieldFilter[] | undefined): string {
  return (filters ?? []).map((f) => `${f.key}${f.op}${f.value}`).join(' and ');
}

/** The field a typed key names (`source`, `Source`, `renewal-date`), or a refusal naming the fields there are. */
export function matchField(defs: readonly FieldDefinitionView[], entity: FieldEntity, typed: string): FieldDefinitionView {
  const key = fieldKey(typed);
  const found = defs.find((d) => d.entity === entity && (d.key === key || fieldKey(d.name) === key));
  if (found) return found;
  throw unknownField(defs.filter((d) => d.entity === entity), entity, typed);
}

export function unknownField(defs: readonly FieldDefinitionView[], entity: FieldEntity, typed: string): DomainError {
  const keys = defs.map((d) => d.key);
  const near = nearestWord(fieldKey(typed), keys);
  const shown = typed.length > 40 ? `${typed.slice(0, 39)}…` : typed;
  const message =
    defs.length === 0
      ? `${capitalise(ENTITY_PLURAL[entity])} have no custom fields yet, so none is called “${shown}”.`
      : `${capitalise(ENTITY_PLURAL[entity])} have no field called “${shown}”.${near ? ` Did you mean ${near}?` : ''} Their fields: ${keys.join(', ')}.`;
  return new DomainError(DomainErrorCode.UnknownField, message, { field: 'field', choices: keys });
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The `where` fragments for a list's filters (AND them). Values read as `set` reads them; a
 * comparison (`>`, `<`) only on numbers, money and dates. Unknown keys and bad values are
 * refused with the fields or an example.
 */
export async function fieldFilterWheres(
  db: Db | Tx,
  ctx: Omit<ValueContext, 'findPerson'> & { workspaceId: string },
  entity: FieldEntity,
  filters: readonly FieldFilter[],
  definitions?: readonly FieldDefinitionView[],
): Promise<FieldFilterWhere[]> {
  if (filters.length === 0) return [];
  if (filters.length > MAX_FILTERS) {
    throw new DomainError(DomainErrorCode.InvalidInput, `Use at most ${MAX_FILTERS} filters at a time.`, { field: 'filter' });
  }
  const defs = definitions ?? (await readDefinitions(db, ctx.workspaceId, entity));
  const findPerson = personFinder(db, ctx.workspaceId);
  const out: FieldFilterWhere[] = [];
  for (const f of filters) {
    const field = matchField(defs, entity, f.key);
    out.push(await filterWhere(db, entity, field, f, { ...ctx, findPerson }));
  }
  return intersectIds(out);
}

/** The filters' id lists as one (the ids in every one of them: filters AND), so a list binds at most FILTER_IDS_MAX ids. */
function intersectIds(wheres: FieldFilterWhere[]): FieldFilterWhere[] {
  const lists = wheres.flatMap((w) => ('id' in w ? [w.id.in] : []));
  if (lists.length < 2) return wheres;
  const [first, ...rest] = lists;
  const others = rest.map((l) => new Set(l));
  return [{ id: { in: first!.filter((id) => others.every((s) => s.has(id))) } }, ...wheres.filter((w) => !('id' in w))];
}

async function filterWhere(db: Db | Tx, entity: FieldEntity, field: FieldDefinitionView, f: FieldFilter, ctx: ValueContext): Promise<FieldFilterWhere> {
  if (clearsField(f.value)) {
    if (f.op !== '=') throw badComparison(field, f);
    return { fieldValues: { none: { fieldId: field.id } } };
  }
  const comparable = field.type === 'number' || field.type === 'money' || field.type === 'date';
  if (f.op !== '=' && !comparable) throw badComparison(field, f);
  // The value reads as `set` reads it (a choice's typo is refused with the nearest choice).
  const read = await readFieldValue(field, f.value, ctx);
  if (read.kind !== 'value') return { fieldValues: { none: { fieldId: field.id } } };
  const c = read.columns;
  return matching(db, entity, field, valueWhere(field, f.op, c));
}

/** What a FieldValue row of `field` must hold to match (the field itself is added by `matching`). */
function valueWhere(field: FieldDefinitionView, op: FilterOp, c: ValueColumns): Prisma.FieldValueWhereInput {
  switch (field.type) {
    case 'text':
    case 'choice':
      return { textKey: c.textKey };
    case 'number':
      return { number: compare(op, c.number ?? 0) };
    case 'money':
      // Amounts compare within their currency: `deal_size>1000` is more than 1,000 in the workspace's currency.
      return { currency: c.currency, cents: compare(op, c.cents ?? 0n) };
    case 'date':
      // Dates compare as calendar days: the value is midnight UTC of the day typed.
      return { date: compare(op, c.date ?? new Date(0)) };
    case 'person':
      return { memberId: c.memberId };
  }
}

/**
 * Up to this many matching records, a filter is the list of their ids (see `matching`). Prisma
 * binds at most 999 values in one SQLite statement (more fails with P2029): the list's own
 * parameters need the rest (bench/README.md, "Pipelines and custom fields at 100,000 deals").
 */
export const FILTER_IDS_MAX = 900;

/** The value column of each type's index FieldValue(fieldId, <column>): the prefetch reads in that order. */
const VALUE_COLUMN = { text: 'textKey', choice: 'textKey', number: 'number', money: 'cents', date: 'date', person: 'memberId' } as const satisfies Record<FieldType, string>;

/**
 * The records whose value matches, as a `where` fragment. The values are read first, down
 * FieldValue(fieldId, value), up to FILTER_IDS_MAX + 1 of them: when that is all of them (a
 * selective filter, `source=partner` on a few hundred deals), the list looks its records up by
 * id. A relation filter (`fieldValues: { some }`) would do the same in one statement, but Prisma
 * writes it as a correlated EXISTS, which SQLite answers by walking the workspace's deals in list
 * order and probing each: ~200 ms at 100k deals for a value only 100 of them have (measured on a
 * copy of the schema; ids first: under 5 ms). A value with more matches than that keeps the
 * EXISTS, which then finds a page after a few probes.
 */
async function matching(db: Db | Tx, entity: FieldEntity, field: FieldDefinitionView, where: Prisma.FieldValueWhereInput): Promise<FieldFilterWhere> {
  const column = RECORD_COLUMN[entity];
  const rows = await db.fieldValue.findMany({
    where: { fieldId: field.id, ...where, [column]: { not: null } },
    select: { dealId: true, contactId: true, companyId: true },
    // In the index's order: with `take` and no order, Prisma orders by id, which sorts every
    // match first (220 ms at 100k deals for a value 18,000 of them have; this way ~3 ms).
    orderBy: [{ fieldId: 'asc' }, { [VALUE_COLUMN[field.type]]: 'asc' }],
    take: FILTER_IDS_MAX + 1,
  });
  if (rows.length <= FILTER_IDS_MAX) return { id: { in: rows.flatMap((r) => r[column] ?? []) } };
  return { fieldValues: { some: { fieldId: field.id, ...where } } };
}

/**
 * A filter that matched more records than FILTER_IDS_MAX and is an equality on a text, choice or
 * person value (`source=partner`, `champion=@maria`): the field and value, for a count read from
 * the value's index (FieldValue(fieldId, value, dealId, …)) instead of a walk of the list's index
 * that probes every deal's values (bench/README.md, "Custom-field filters on lists"). Null for
 * any other filter.
 */
export function commonValueOf(where: FieldFilterWhere): { fieldId: string; column: 'textKey' | 'memberId'; value: string } | null {
  if (!('fieldValues' in where)) return null;
  const some = where.fieldValues.some;
  if (!some || typeof some.fieldId !== 'string') return null;
  const keys = Object.keys(some).filter((k) => k !== 'fieldId');
  if (keys.length !== 1) return null;
  const column = keys[0];
  const value = (some as Record<string, unknown>)[column!];
  if ((column === 'textKey' || column === 'memberId') && typeof value === 'string') return { fieldId: some.fieldId, column, value };
  return null;
}

function compare<T>(op: FilterOp, value: T): T | { gt: T } | { lt: T } | { gte: T } | { lte: T } {
  switch (op) {
    case '=':
      return value;
    case '>':
      return { gt: value };
    case '<':
      return { lt: value };
    case '>=':
      return { gte: value };
    case '<=':
      return { lte: value };
  }
}

function badComparison(field: FieldDefinitionView, f: FieldFilter): DomainError {
  const what = clearsField(f.value)
    ? `${field.key}=- finds the records without a ${field.name}; it takes no ${f.op}.`
    : `${field.name} is ${TYPE_WORDS[field.type]}: filter it with =, e.g. ${field.key}=${exampleValue(field)}. Only numbers, money and dates compare with > and <.`;
  return new DomainError(DomainErrorCode.InvalidInput, `${what} ${f.op === '=' ? takes(field) : ''}`.trim(), { field: field.key });
}

/** A value that works for the field, for examples in answers and help. */
export function exampleValue(field: Pick<FieldDefinitionView, 'type' | 'choices'>): string {
  switch (field.type) {
    case 'text':
      return 'trade show';
    case 'number':
      return '12';
    case 'money':
      return '1500';
    case 'date':
      return '2027-01-15';
    case 'choice':
      return (field.choices[0] ?? 'choice').toLowerCase().includes(' ') ? `"${field.choices[0]}"` : (field.choices[0] ?? 'choice').toLowerCase();
    case 'person':
      return '@maria';
  }
}

/** How a value names a person (`@maria`, a Slack mention, `me`): a member of the workspace, or null. */
export function personFinder(db: Db | Tx, workspaceId: string): ValueContext['findPerson'] {
  const select = { id: true, displayName: true, handle: true } as const;
  return async (ref): Promise<PersonRow | null> => {
    if ('memberId' in ref) return db.member.findFirst({ where: { id: ref.memberId, workspaceId }, select });
    if (ref.userId) {
      const byId = await db.member.findUnique({ where: { workspaceId_externalId: { workspaceId, externalId: ref.userId } }, select });
      if (byId) return byId;
    }
    return ref.handle ? db.member.findFirst({ where: { workspaceId, handle: ref.handle.toLowerCase() }, select }) : null;
  };
}

/**
 * A merge (contacts, companies): the merged record's values move to the survivor, except where the
 * survivor has a value of that field already (the survivor's stays; the merged one's goes with
 * the merged record). Inside the merge's transaction; answers how many moved.
 */
export async function moveFieldValues(tx: Tx, workspaceId: string, entity: FieldEntity, fromId: string, intoId: string): Promise<number> {
  const column = RECORD_COLUMN[entity];
  const kept = await tx.fieldValue.findMany({ where: { workspaceId, [column]: intoId }, select: { fieldId: true } });
  const { count } = await tx.fieldValue.updateMany({
    where: { workspaceId, [column]: fromId, fieldId: { notIn: kept.map((k) => k.fieldId) } },
    data: { [column]: intoId },
  });
  await tx.fieldValue.deleteMany({ where: { workspaceId, [column]: fromId } });
  return count;
}
