/**
 * Custom fields on deals, contacts and companies: admins define them (a name, a type, choices),
 * writers set their values as they would type them, everyone reads them on cards and filters lists
 * by them. The only writer of FieldDefinition and FieldValue. Every write is one transaction; a
 * value set on a deal writes its timeline entry (kind `field`) in the same one; the same value
 * twice writes nothing.
 *
 * Storage: a typed column per kind of value with a B-tree index per field and value, so a filter
 * is an index seek on both databases (docs/database.md, "Custom fields").
 */
import { inTransaction, lockKey, onUniqueViolation, type Actor, type DomainDeps, type Tx } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import type { CompanyService } from '../companies/company.service.js';
import type { ContactService } from '../contacts/contact.service.js';
import { parseDealRef } from '../deals/deal.service.js';
import { dealRef } from '../deals/deal.view.js';
import { requireAdmin, requireWriter } from '../shared/roles.js';
import { searchKey } from '../shared/text.js';
import { parseInput } from '../shared/validate.js';
import { defineFieldSchema, FIELD_ENTITIES, FIELD_LIMITS, fieldKey, RESERVED_KEYS, TYPE_WORDS, type DefineFieldInput, type FieldEntity } from './field.schema.js';
import {
  ENTITY_PLURAL,
  listFilterWheres,
  fieldLinesFor,
  matchField,
  personFinder,
  readDefinitions,
  RECORD_COLUMN,
  toDefinitionView,
  unknownField,
  type FieldFilter,
  type FieldFilterWhere,
} from './field.lines.js';
import { hasValue, readFieldValue, sameValue, toFieldLine, type ValueColumns } from './field.values.js';
import type { FieldChange, FieldDefinitionView, FieldLine } from './field.view.js';

export interface DefineFieldResult {
  field: FieldDefinitionView;
  /** False when the same field (name, type and choices) was already there: a retried command. */
  created: boolean;
}

export interface RemoveFieldResult {
  field: FieldDefinitionView;
  /** How many records had a value (removed with the field). */
  values: number;
}

/** The record a value is set on: its kind, and a reference as typed (`D-42`, an email, a name) or its id. */
export interface FieldTarget {
  entity: FieldEntity;
  ref: string;
}

export class FieldService {
  /** Definitions change rarely and are read by every card and list: cached per workspace, briefly (like stages). */
  private cache = new Map<string, { at: number; defs: FieldDefinitionView[] }>();
  private static readonly TTL_MS = 30_000;

  constructor(
    private readonly deps: DomainDeps,
    private readonly contacts: ContactService,
    private readonly companies: CompanyService,
  ) {}

  /** The workspace's fields of one kind of record (all kinds when absent), in order. Cached; `fresh` reads again. */
  async definitions(workspaceId: string, entity?: FieldEntity, opts: { fresh?: boolean } = {}): Promise<FieldDefinitionView[]> {
    const hit = this.cache.get(workspaceId);
    let defs: FieldDefinitionView[];
    if (!opts.fresh && hit && Date.now() - hit.at < FieldService.TTL_MS) defs = hit.defs;
    else {
      defs = await readDefinitions(this.deps.db, workspaceId);
      this.cache.set(workspaceId, { at: Date.now(), defs });
    }
    return entity ? defs.filter((d) => d.entity === entity) : defs;
  }

  /** `/deal fields [deal|contact|company]`: anyone in the workspace may read them. */
  async list(actor: Actor, entity?: FieldEntity): Promise<FieldDefinitionView[]> {
    return this.definitions(actor.workspaceId, entity, { fresh: true });
  }

  /**
   * Adds a field (admins only). Its key is its name in lower case with `_` for spaces (`Renewal
   * date` → `renewal_date`); a key a record already has (`amount`, `email`) is refused, as is a
   * second field with the same key. The same definition again (a retried command) creates nothing.
   */
  async define(actor: Actor, input: DefineFieldInput): Promise<DefineFieldResult> {
    const data = parseInput(defineFieldSchema, input);
    const key = fieldKey(data.name);
    const { entity } = data;
    if (key === '') {
      throw new DomainError(DomainErrorCode.InvalidInput, `A field’s name needs a letter or a digit: “${data.name}” has none.`, { field: 'name' });
    }
    if (RESERVED_KEYS[entity].includes(key)) {
      throw new DomainError(
        DomainErrorCode.InvalidInput,
        `${capitalise(ENTITY_PLURAL[entity])} already have a built-in “${key.replace(/_/g, ' ')}”: give the custom field another name, e.g. “${data.name} (custom)”.`,
        { field: 'name' },
      );
    }
    const choices = data.type === 'choice' ? (data.choices ?? []) : [];
    const { workspaceId } = actor;
    const existingAnswer = async (db: Tx = this.deps.db): Promise<DefineFieldResult | undefined> => {
      const row = await db.fieldDefinition.findUnique({ where: { workspaceId_entity_key: { workspaceId, entity, key } } });
      if (!row) return undefined;
      const field = toDefinitionView(row);
      if (field.type === data.type && JSON.stringify(field.choices) === JSON.stringify(choices) && field.name === data.name) {
        return { field, created: false };
      }
      throw new DomainError(
        DomainErrorCode.Duplicate,
        `${capitalise(ENTITY_PLURAL[entity])} already have a field ${field.name} (\`${field.key}\`), ${TYPE_WORDS[field.type]}${field.choices.length ? ` (${field.choices.join(', ')})` : ''}. Remove it first, or give the new one another name.`,
        { field: 'name', existingId: field.id },
      );
    };
    const write = () =>
      inTransaction(this.deps.db, async (tx) => {
        await requireAdmin(actor, this.deps, 'add custom fields', tx);
        const before = await existingAnswer(tx);
        if (before) return before;
        const count = await tx.fieldDefinition.count({ where: { workspaceId, entity } });
        if (count >= FIELD_LIMITS.perEntity) {
          throw new DomainError(
            DomainErrorCode.InvalidInput,
            `${capitalise(ENTITY_PLURAL[entity])} have ${count} custom fields, the most they can have (cards stay readable): remove one first.`,
            { field: 'name' },
          );
        }
        const last = await tx.fieldDefinition.findFirst({ where: { workspaceId, entity }, orderBy: { position: 'desc' }, select: { position: true } });
        const row = await tx.fieldDefinition.create({
          data: { workspaceId, entity, key, name: data.name, type: data.type, choices: JSON.stringify(choices), position: (last?.position ?? -1) + 1 },
        });
        return { field: toDefinitionView(row), created: true };
      });
    // The same field added twice at once: the second finds the first's.
    const result = await onUniqueViolation(write, () => existingAnswer());
    this.cache.delete(workspaceId);
    return result;
  }

  /**
   * Removes a field and every value of it (admins only), in one transaction; a stage that required
   * it no longer does. The key is matched as `set` matches it (`source`, `Source`).
   */
  async remove(actor: Actor, entity: FieldEntity, key: string): Promise<RemoveFieldResult> {
    const { workspaceId } = actor;
    const result = await inTransaction(this.deps.db, async (tx) => {
      await requireAdmin(actor, this.deps, 'remove custom fields', tx);
      const field = matchField(await readDefinitions(tx, workspaceId, entity), entity, key);
      const values = await tx.fieldValue.count({ where: { fieldId: field.id } });
      if (entity === 'deal') await dropStageRequirement(tx, workspaceId, `field:${field.key}`);
      await tx.fieldDefinition.delete({ where: { id: field.id } });
      return { field, values };
    });
    this.cache.delete(workspaceId);
    return result;
  }

  /**
   * Sets one field of one record to a value typed as a person would type it ("partner",
   * "1,500", "€2,000", "2027-01-15", "@maria"; "" or "-" clears it). Writers only. A deal's
   * timeline records it (kind `field`); the same value again writes nothing (`changed: false`).
   */
  async set(actor: Actor, target: FieldTarget, key: string, value: string): Promise<FieldChange> {
    const recordId = await this.resolveRecord(actor, target);
    return inTransaction(this.deps.db, (tx) => this.setInTx(tx, actor, target.entity, recordId, key, value));
  }

  /**
   * Several fields of one record at once (a form): one transaction, so a value that can't be read
   * (the DomainError names its field in `details.field`) leaves every field as it was.
   */
  async setMany(actor: Actor, target: FieldTarget, values: Readonly<Record<string, string>>): Promise<FieldChange[]> {
    const recordId = await this.resolveRecord(actor, target);
    return inTransaction(this.deps.db, async (tx) => {
      const changes: FieldChange[] = [];
      for (const [key, value] of Object.entries(values)) changes.push(await this.setInTx(tx, actor, target.entity, recordId, key, value));
      return changes;
    });
  }

  /**
   * `set` inside the caller's transaction (a stage gate's fill, a modal saving several fields),
   * for a record already resolved to its id. Checks the actor may write.
   */
  async setInTx(tx: Tx, actor: Actor, entity: FieldEntity, recordId: string, key: string, value: string): Promise<FieldChange> {
    const { workspaceId } = actor;
    await requireWriter(actor, this.deps, tx);
    const field = await this.fieldInTx(tx, workspaceId, entity, key);
    const label = await recordLabel(tx, workspaceId, entity, recordId);
    const ws = await tx.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { defaultCurrency: true, decimalMark: true } });
    const now = this.deps.clock.now();
    const read = await readFieldValue(field, value, {
      now,
      timeZone: actor.timeZone,
      defaultCurrency: ws.defaultCurrency,
      ...(ws.decimalMark === 'comma' ? { decimalSeparator: ',' as const } : ws.decimalMark === 'point' ? { decimalSeparator: '.' as const } : {}),
      memberId: actor.memberId,
      findPerson: personFinder(tx, workspaceId),
    });
    // Two people setting the same field of the same record take turns (PostgreSQL; SQLite's writers already do).
    await lockKey(this.deps.db, tx, `field:${field.id}:${recordId}`);
    const where = uniqueWhere(entity, field.id, recordId);
    const existing = await tx.fieldValue.findUnique({ where, include: { member: { select: { id: true, displayName: true, handle: true } } } });
    const before = toFieldLine(field, existing);
    const stored: ValueColumns | null = existing && hasValue(existing) ? existing : null;
    const base = { entity, recordId, label, before };
    let line: FieldLine;
    if (read.kind === 'clear') {
      if (!existing) return { ...base, line: before, changed: false };
      await tx.fieldValue.delete({ where });
      line = toFieldLine(field, null);
      if (stored === null) return { ...base, line, changed: false };
    } else {
      if (stored && sameValue(stored, read.columns)) return { ...base, line: before, changed: false };
      const saved = await tx.fieldValue.upsert({
        where,
        create: { workspaceId, fieldId: field.id, [RECORD_COLUMN[entity]]: recordId, ...read.columns, updatedAt: now },
        update: { ...read.columns, updatedAt: now },
        include: { member: { select: { id: true, displayName: true, handle: true } } },
      });
      line = toFieldLine(field, saved);
    }
    await touchRecord(tx, entity, recordId, now);
    if (entity === 'deal') {
      await tx.dealEvent.create({
        data: {
          workspaceId,
          dealId: recordId,
          actorId: actor.memberId,
          kind: 'field',
          field: field.name,
          fromValue: before.value === null ? null : before.display,
          toValue: line.value === null ? null : line.display,
          at: now,
        },
      });
    }
    return { ...base, line, changed: true };
  }

  /** Each record's custom fields as card lines (every field of that kind, `value: null` where unset). */
  async valuesFor(workspaceId: string, entity: FieldEntity, ids: readonly string[]): Promise<Map<string, FieldLine[]>> {
    return fieldLinesFor(this.deps.db, workspaceId, entity, ids, await this.definitions(workspaceId, entity));
  }

  /**
   * A `where` fragment for a Deal, Contact or Company list: records whose field `key` is `value`
   * (`op` `=`), or, for numbers, money and dates, compares to it (`>`, `<`, `>=`, `<=`). `-` finds
   * the records without a value. Unknown keys are refused with the fields there are.
   */
  async filterWhere(actor: Actor, entity: FieldEntity, key: string, value: string, op: FieldFilter['op'] = '='): Promise<FieldFilterWhere> {
    const [where] = await this.filterWheres(actor, entity, [{ key, op, value }]);
    return where!;
  }

  /** `filterWhere` for several filters (a list ANDs them). */
  async filterWheres(actor: Actor, entity: FieldEntity, filters: readonly FieldFilter[]): Promise<FieldFilterWhere[]> {
    return listFilterWheres(this.deps, actor, entity, filters, await this.definitions(actor.workspaceId, entity, { fresh: true }));
  }

  /** The record a target names, by id or as typed, in the actor's workspace (NotFound, Ambiguous). */
  async resolveRecord(actor: Actor, target: FieldTarget): Promise<string> {
    const { workspaceId } = actor;
    switch (target.entity) {
      case 'deal': {
        const number = parseDealRef(target.ref);
        const deal = await this.deps.db.deal.findFirst({
          where: number !== undefined ? { workspaceId, number } : { workspaceId, id: target.ref },
          select: { id: true },
        });
        if (!deal) {
          throw new DomainError(DomainErrorCode.NotFound, number !== undefined ? `I can’t find ${dealRef(number)}.` : 'I can’t find that deal.', { field: 'ref' });
        }
        return deal.id;
      }
      case 'contact':
        return (await this.contacts.resolve(actor, target.ref)).id;
      case 'company':
        return (await this.companies.resolveRow(actor, target.ref)).id;
    }
  }

  /** The field a key names, read in the transaction (a field removed a moment ago is not there). */
  private async fieldInTx(tx: Tx, workspaceId: string, entity: FieldEntity, typed: string): Promise<FieldDefinitionView> {
    const row = await tx.fieldDefinition.findUnique({ where: { workspaceId_entity_key: { workspaceId, entity, key: fieldKey(typed) } } });
    if (row) return toDefinitionView(row);
    // Typed by its name (`"Renewal date"`), or not there: ask the definitions themselves.
    const defs = await readDefinitions(tx, workspaceId, entity);
    const found = defs.find((d) => searchKey(d.name) === searchKey(typed));
    if (found) return found;
    throw unknownField(defs, entity, typed);
  }
}

function uniqueWhere(entity: FieldEntity, fieldId: string, recordId: string) {
  switch (entity) {
    case 'deal':
      return { fieldId_dealId: { fieldId, dealId: recordId } };
    case 'contact':
      return { fieldId_contactId: { fieldId, contactId: recordId } };
    case 'company':
      return { fieldId_companyId: { fieldId, companyId: recordId } };
  }
}

/** `D-42`, `Jane Doe`, `Acme`: the record in the actor's workspace, or NotFound. */
async function recordLabel(tx: Tx, workspaceId: string, entity: FieldEntity, id: string): Promise<string> {
  const row =
    entity === 'deal'
      ? await tx.deal.findFirst({ where: { id, workspaceId }, select: { number: true } }).then((d) => d && { label: dealRef(d.number) })
      : entity === 'contact'
        ? await tx.contact.findFirst({ where: { id, workspaceId }, select: { name: true } }).then((c) => c && { label: c.name })
        : await tx.company.findFirst({ where: { id, workspaceId }, select: { name: true } }).then((c) => c && { label: c.name });
  if (!row) throw new DomainError(DomainErrorCode.NotFound, `I can’t find that ${entity}.`, { field: entity === 'deal' ? 'ref' : entity });
  return row.label;
}

/** A value changed: the record was updated (lists by recent change show it). */
async function touchRecord(tx: Tx, entity: FieldEntity, id: string, now: Date): Promise<void> {
  if (entity === 'deal') await tx.deal.update({ where: { id }, data: { updatedAt: now } });
  else if (entity === 'contact') await tx.contact.update({ where: { id }, data: { updatedAt: now } });
  else await tx.company.update({ where: { id }, data: { updatedAt: now } });
}

/** Takes a requirement off every stage of the workspace that has it (a removed field gates nothing). */
async function dropStageRequirement(tx: Tx, workspaceId: string, requirement: string): Promise<void> {
  const stages = await tx.stage.findMany({ where: { workspaceId, requiredFields: { contains: `"${requirement}"` } }, select: { id: true, requiredFields: true } });
  for (const stage of stages) {
    let keys: unknown;
    try {
      keys = JSON.parse(stage.requiredFields);
    } catch {
      continue;
    }
    if (!Array.isArray(keys)) continue;
    await tx.stage.update({ where: { id: stage.id }, data: { requiredFields: JSON.stringify(keys.filter((k) => k !== requirement)) } });
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export { FIELD_ENTITIES };
export type { FieldChange, FieldDefinitionView, FieldFilter, FieldLine };
