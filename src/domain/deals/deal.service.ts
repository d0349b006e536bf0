/**
 * Deals: the only writer of deals and their timeline. Every write is one transaction; every
 * read and write is scoped to the actor's workspace.
 */
import { COUNT_CAP, countUpTo } from '../shared/count.js';
import type { Prisma } from '../../generated/sqlite/client.js';
import { inTransaction, onUniqueViolation, takesRowLocks, type Actor, type DomainDeps, type Tx } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import type { CompanyService } from '../companies/company.service.js';
import type { IdentityService } from '../identity/identity.service.js';
import type { PipelineService, StageInfo } from '../pipeline/pipeline.service.js';
import { badFill, customFieldKey, gateError, isCustomRequirement, missingFor, phraseList, readPlainDate, readPlainMoney, REQUIREMENTS, type GateItem } from '../pipeline/gates.js';
import { DAY_MS, fromDateOnly, toDateOnly } from '../shared/dates.js';
import { formatMoney } from '../shared/money.js';
import { cleanLine, likeContains, searchKey } from '../shared/text.js';
import { parseInput } from '../shared/validate.js';
import { requireWriter } from '../shared/roles.js';
import { commonValueOf, fieldLinesOf, filterWords, listFilterWheres } from '../fields/field.lines.js';
import { allocateTaskNumber, firstOpenTask, sameInstant, syncDealNextAction } from '../tasks/task.mirror.js';
import {
  createDealSchema,
  dealRefSchema,
  editDealSchema,
  listScopeSchema,
  lostReasonSchema,
  nextActionSchema,
  pageSchema,
  searchSchema,
  setNextActionSchema,
  type CreateDealInput,
  type EditDealInput,
  type ListScope,
  type PageInput,
  type SetNextActionInput,
} from './deal.schema.js';
import {
  dealRef,
  dealViewInclude,
  toDealView,
  toPersonView,
  type DealDetailView,
  type DealListView,
  type DealRow,
  type DealView,
  type TimelineEntry,
} from './deal.view.js';

const REF = /^(?:d-?|#)?(\d{1,9})$/i;

/** The deal number in a reference like `D-42`, `d42` or `#42`, or undefined. */
export function parseDealRef(text: string): number | undefined {
  const m = REF.exec(text.trim());
  return m?.[1] ? Number(m[1]) : undefined;
}

type EventInput = { kind: string; field?: string; from?: string | null; to?: string | null };

/**
 * What a write asked of a deal did: `changed` is false when the deal was already as asked, or had
 * moved on from what the person saw (a double click, a replayed button, someone else first);
 * nothing was written then, and `deal` is how it stands now.
 */
export interface DealChange {
  deal: DealView;
  changed: boolean;
  /** The deal as it stood before: what an answer compares with (a next action that closing cleared, a lost reason replaced). */
  before: DealView;
}

export interface CreateDealResult {
  deal: DealView;
  /** False when an earlier delivery with the same idempotency key already created it. */
  created: boolean;
}

/** Writes a deal custom field inside a transaction (FieldService.setInTx): what a gate's fill uses. */
export interface DealFieldWriter {
  setInTx(tx: Tx, actor: Actor, entity: 'deal', recordId: string, key: string, value: string): Promise<{ changed: boolean }>;
}

/** What a move into a gated stage may give with it (DealService.moveStage): requirement key → value as typed. */
export type GateFill = Record<string, string>;

export class DealService {
  private fieldWriter: DealFieldWriter | undefined;

  /** Lets a gate's fill set deal custom fields (wired by createCrm once FieldService exists). */
  useFieldWriter(writer: DealFieldWriter): void {
    this.fieldWriter = writer;
  }

  constructor(
    private readonly deps: DomainDeps,
    private readonly pipelines: PipelineService,
    private readonly identity: IdentityService,
    private readonly companies: CompanyService,
  ) {}

  async create(actor: Actor, input: CreateDealInput): Promise<CreateDealResult> {
    await requireWriter(actor, this.deps);
    const data = parseInput(createDealSchema, input);
    const { workspaceId } = actor;
    if (data.idempotencyKey) {
      const existing = await this.findByIdempotencyKey(actor, data.idempotencyKey);
      if (existing) return { deal: existing, created: false };
    }
    const pipeline = data.pipeline
      ? await this.pipelines.resolvePipeline(workspaceId, data.pipeline)
      : await this.pipelines.defaultPipeline(workspaceId);
    const stage = data.stage ? await this.pipelines.resolveStage(workspaceId, data.stage, { pipelineId: pipeline.id }) : pipeline.stages[0];
    if (!stage) throw new DomainError(DomainErrorCode.NotFound, 'This workspace has no stages.');
    if (stage.kind === 'lost') {
      throw new DomainError(DomainErrorCode.LostReasonRequired, 'A new deal can’t start lost.', { field: 'stage' });
    }
    const ownerId = data.ownerId
      ? (await this.memberInWorkspace(workspaceId, data.ownerId)).id
      : data.owner
        ? (await this.identity.resolvePerson(workspaceId, data.owner)).id
        : actor.memberId;
    const now = this.deps.clock.now();
    return onUniqueViolation<CreateDealResult>(
      async () => {
        // A deal's next action is its first open task (tasks/task.mirror.ts): one is created with it.
        const withTask = stage.kind !== 'won' && data.nextAction !== undefined;
        const row = await inTransaction(this.deps.db, async (tx) => {
          const ws = await tx.workspace.update({
            where: { id: workspaceId },
            data: { nextDealNumber: { increment: 1 }, ...(withTask && { nextTaskNumber: { increment: 1 } }) },
            select: { nextDealNumber: true, nextTaskNumber: true, defaultCurrency: true },
          });
          const company = data.companyId
            ? await tx.company.findFirst({ where: { id: data.companyId, workspaceId } })
            : data.companyName
              ? await this.companies.findOrCreateByName(tx, workspaceId, data.companyName)
              : null;
          if (data.companyId && !company) {
            throw new DomainError(DomainErrorCode.NotFound, 'I can’t find that company.', { field: 'companyId' });
          }
          const contactIds = data.contactIds?.length
            ? (await tx.contact.findMany({ where: { id: { in: data.contactIds }, workspaceId }, select: { id: true } })).map((c) => c.id)
            : [];
          const closed = stage.kind === 'won';
          const deal = await tx.deal.create({
            data: {
              workspaceId,
              number: ws.nextDealNumber - 1,
              title: data.title,
              searchText: searchKey(data.title, company?.name),
              amountCents: data.amount?.minor ?? null,
              currency: data.amount?.currency ?? ws.defaultCurrency,
              pipelineId: pipeline.id,
              stageId: stage.id,
              status: stage.kind,
              ownerId,
              companyId: company?.id ?? null,
              expectedCloseDate: data.closeDate ? fromDateOnly(data.closeDate) : null,
              // A closed deal has no next action (see stageChange).
              nextAction: closed ? null : (data.nextAction ?? null),
              nextActionDueAt: !closed && data.nextActionDue ? fromDateOnly(data.nextActionDue) : null,
              lastActivityAt: now,
              stageChangedAt: now,
              closedAt: closed ? now : null,
              salesCycleDays: closed ? 0 : null,
              idempotencyKey: data.idempotencyKey ?? null,
              createdById: actor.memberId,
              createdAt: now,
              contacts: { create: contactIds.map((contactId) => ({ contactId })) },
            },
            include: dealViewInclude,
          });
          await this.record(tx, actor, deal.id, [{ kind: 'created', to: stage.name }], now);
          // A deal created straight into a gated stage must have what the gate asks for.
          if (stage.required.length > 0) {
            const missing = await missingFor(tx, workspaceId, deal, stage.required);
            if (missing.length > 0) {
              throw new DomainError(DomainErrorCode.StageGate, `A new deal can’t start in ${stage.name}: it needs ${phraseList(missing)}.`, {
                missing,
                stage: { id: stage.id, name: stage.name },
                field: 'stage',
              });
            }
          }
          if (withTask && deal.nextAction !== null) {
            await tx.task.create({
              data: {
                workspaceId,
                number: ws.nextTaskNumber - 1,
                dealId: deal.id,
                title: deal.nextAction,
                dueAt: deal.nextActionDueAt,
                assigneeId: ownerId,
                createdById: actor.memberId,
                createdAt: now,
                updatedAt: now,
              },
            });
          }
          return deal;
        });
        return { deal: toDealView(row, stage, now, actor.timeZone), created: true };
      },
      // The same delivery key at once: the deal the other delivery created.
      async () => {
        const existing = data.idempotencyKey ? await this.findByIdempotencyKey(actor, data.idempotencyKey) : undefined;
        return existing && { deal: existing, created: false };
      },
    );
  }

  /** Whether the actor's workspace has any deal at all (archived ones too). */
  async any(actor: Actor): Promise<boolean> {
    return (await this.deps.db.deal.findFirst({ where: { workspaceId: actor.workspaceId }, select: { id: true } })) !== null;
  }

  /** One deal by reference (`D-42`) or id, with its contacts and latest timeline. */
  async get(actor: Actor, ref: string, timelineLimit = 10): Promise<DealDetailView> {
    const row = await this.loadRow(this.deps.db, actor, ref, {
      ...dealViewInclude,
      contacts: { include: { contact: { select: { id: true, name: true, email: true } } } },
    });
    const [events, activities] = await Promise.all([
      this.deps.db.dealEvent.findMany({
        where: { dealId: row.id, workspaceId: actor.workspaceId },
        orderBy: { at: 'desc' },
        take: timelineLimit,
        include: { actor: { select: { displayName: true } } },
      }),
      this.deps.db.activity.findMany({
        where: { dealId: row.id, workspaceId: actor.workspaceId },
        orderBy: { occurredAt: 'desc' },
        take: timelineLimit,
        include: { author: { select: { displayName: true } } },
      }),
    ]);
    const timeline: TimelineEntry[] = [
      ...events.map((e) => ({
        at: e.at,
        actor: e.actor?.displayName ?? null,
        kind: 'event' as const,
        type: e.kind,
        field: e.field,
        from: e.fromValue,
        to: e.toValue,
        body: null,
        sourceUrl: null,
      })),
      ...activities.map((a) => ({
        at: a.occurredAt,
        actor: a.author?.displayName ?? null,
        kind: 'activity' as const,
        type: a.type,
        field: null,
        from: null,
        to: null,
        body: a.body,
        sourceUrl: a.sourceUrl,
      })),
    ]
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .slice(0, timelineLimit);
    const [view, fields] = await Promise.all([this.view(actor, row), fieldLinesOf(this.deps.db, actor.workspaceId, 'deal', row.id)]);
    return { ...view, contacts: row.contacts.map((c) => c.contact), timeline, fields };
  }

  /**
   * A reference finds that deal; other text searches titles and company names,
   * case-insensitively, most recently updated first (archived deals excluded).
   */
  async find(actor: Actor, text: string, page: PageInput = {}): Promise<DealListView> {
    const query = parseInput(searchSchema, text);
    const { page: p, pageSize } = parseInput(pageSchema, page);
    const number = parseDealRef(query);
    if (number !== undefined) {
      const row = await this.deps.db.deal.findUnique({
        where: { workspaceId_number: { workspaceId: actor.workspaceId, number } },
        include: dealViewInclude,
      });
      const items = row ? [await this.view(actor, row)] : [];
      return {
        heading: `Deal ${dealRef(number)}`,
        source: { query },
        items,
        total: items.length,
        totalCapped: false,
        page: 1,
        pageSize,
        hasMore: false,
      };
    }
    // Prisma's `contains` would pass `%` and `_` on as LIKE wildcards (and `\` as an escape on PostgreSQL):
    // the pattern is escaped and its escape character named, so both databases match it literally.
    const ws = actor.workspaceId;
    const pattern = likeContains(searchKey(query));
    const heading = `Deals matching “${query}”`;
    return this.pageOf(
      actor,
      { heading, source: { query } },
      p,
      pageSize,
      async (skip, take) => {
        const ids = await this.deps.db.$queryRaw<{ id: string }[]>`
          SELECT "id" FROM "Deal"
          WHERE "workspaceId" = ${ws} AND "archived" = false AND "searchText" LIKE ${pattern} ESCAPE '!'
          ORDER BY "updatedAt" DESC LIMIT ${take} OFFSET ${skip}`;
        return this.rowsInOrder(ws, ids.map((r) => r.id));
      },
      async (take) => {
        const [counted] = await this.deps.db.$queryRaw<{ n: bigint | number }[]>`
          SELECT COUNT(*) AS "n" FROM (
            SELECT 1 FROM "Deal"
            WHERE "workspaceId" = ${ws} AND "archived" = false AND "searchText" LIKE ${pattern} ESCAPE '!'
            ORDER BY "updatedAt" DESC LIMIT ${take}
          ) AS "matches"`;
        return Number(counted?.n ?? 0);
      },
    );
  }

  /**
   * Open deals: the actor's (`mine`), everyone's (`all`) or one stage's; with `pipeline`, only that
   * pipeline's (an unknown one is refused, naming the pipelines).
   */
  async list(actor: Actor, scope: ListScope, page: PageInput = {}): Promise<DealListView> {
    const s = parseInput(listScopeSchema, scope);
    const { page: p, pageSize } = parseInput(pageSchema, page);
    const pipeline = s.pipeline ? await this.pipelines.resolvePipeline(actor.workspaceId, s.pipeline) : undefined;
    // Custom-field filters (`source=partner`): each an index seek on FieldValue(fieldId, value), ANDed.
    const filters = await listFilterWheres(this.deps, actor, 'deal', s.filters ?? []);
    const base: Prisma.DealWhereInput = { workspaceId: actor.workspaceId, archived: false, ...(filters.length > 0 && { AND: filters }) };
    const having = filters.length > 0 ? ` with ${filterWords(s.filters)}` : '';
    if (s.type === 'stage') {
      const stage = pipeline
        ? await this.pipelines.resolveStage(actor.workspaceId, s.stage, { pipelineId: pipeline.id })
        : await this.pipelines.resolveStageAnywhere(actor.workspaceId, s.stage);
      const where = { ...base, stageId: stage.id };
      const heading = `Deals in ${stage.name}${pipeline ? ` (${pipeline.name})` : ''}${having}`;
      return this.page(actor, where, { updatedAt: 'desc' }, { heading, source: { scope: s } }, p, pageSize);
    }
    // A pipeline's open deals by their stage ids: Deal has no index on pipelineId, and an open
    // deal is in an open stage (its status mirrors the stage's kind).
    const inPipeline: Prisma.DealWhereInput = pipeline ? { stageId: { in: pipeline.stages.filter((st) => st.kind === 'open').map((st) => st.id) } } : {};
    const named = pipeline ? ` in ${pipeline.name}` : '';
    if (s.type === 'mine') {
      const where = { ...base, ...inPipeline, ownerId: actor.memberId, status: 'open' };
      return this.page(actor, where, { updatedAt: 'desc' }, { heading: `Your open deals${named}${having}`, source: { scope: s } }, p, pageSize);
    }
    const where = { ...base, ...inPipeline, status: 'open' };
    // Everyone's open deals with one common text, choice or person value: counted from the
    // value's index, which stops after the cap's worth of open deals (6 ms where the list's walk
    // took 300 ms at 100k deals); a person's or a stage's list is narrow, and walks as before.
    const common = !pipeline && filters.length === 1 ? commonValueOf(filters[0]!) : null;
    const count = common ? (take: number) => this.countOpenWithValue(actor.workspaceId, common, take) : undefined;
    return this.page(actor, where, { updatedAt: 'desc' }, { heading: `All open deals${named}${having}`, source: { scope: s } }, p, pageSize, count);
  }

  /** How many of the workspace's open, unarchived deals hold this value (at most `take`), read down the value's index. */
  private async countOpenWithValue(
    workspaceId: string,
    v: { fieldId: string; column: 'textKey' | 'memberId'; value: string },
    take: number,
  ): Promise<number> {
    const rows =
      v.column === 'textKey'
        ? await this.deps.db.$queryRaw<{ n: bigint | number }[]>`
            SELECT COUNT(*) AS "n" FROM (
              SELECT 1 FROM "FieldValue" v
              WHERE v."fieldId" = ${v.fieldId} AND v."textKey" = ${v.value} AND v."dealId" IS NOT NULL
                AND EXISTS (SELECT 1 FROM "Deal" d WHERE d."id" = v."dealId" AND d."workspaceId" = ${workspaceId} AND d."archived" = false AND d."status" = 'open')
              LIMIT ${take}
            ) AS "m"`
        : await this.deps.db.$queryRaw<{ n: bigint | number }[]>`
            SELECT COUNT(*) AS "n" FROM (
              SELECT 1 FROM "FieldValue" v
              WHERE v."fieldId" = ${v.fieldId} AND v."memberId" = ${v.value} AND v."dealId" IS NOT NULL
                AND EXISTS (SELECT 1 FROM "Deal" d WHERE d."id" = v."dealId" AND d."workspaceId" = ${workspaceId} AND d."archived" = false AND d."status" = 'open')
              LIMIT ${take}
            ) AS "m"`;
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Edits a deal's own fields and, with `fields`, its custom fields (key → value as typed), all in
   * one transaction: a custom value that can't be read (a DomainError naming it in
   * `details.field`) leaves the deal and every field as they were. Each change is one timeline
   * entry; a value the deal already has writes nothing.
   */
  async edit(actor: Actor, ref: string, patch: EditDealInput): Promise<DealView> {
    await requireWriter(actor, this.deps);
    const data = parseInput(editDealSchema, patch);
    const fields = data.fields && Object.keys(data.fields).length > 0 ? data.fields : undefined;
    const writer = this.fieldWriter;
    if (fields && !writer) throw new DomainError(DomainErrorCode.InvalidInput, 'Custom fields can’t be set here yet.', { field: Object.keys(fields)[0] });
    // The custom fields first, in the edit's transaction (FieldService.setInTx writes each value
    // and its timeline entry); the deal is then read again, and its own fields compared with that.
    const setFields: PrepareFn | undefined =
      fields &&
      (async (tx, deal, now) => {
        let changed = false;
        for (const [key, value] of Object.entries(fields)) changed = (await writer!.setInTx(tx, actor, 'deal', deal.id, key, value)).changed || changed;
        return { update: changed ? { updatedAt: now } : {}, events: [] };
      });
    const change = await this.writeChange(actor, ref, async (tx, deal) => {
      const update: Prisma.DealUncheckedUpdateInput = {};
      const events: EventInput[] = [];
      if (data.title !== undefined && data.title !== deal.title) {
        update.title = data.title;
        events.push({ kind: 'title', field: 'title', from: deal.title, to: data.title });
      }
      if (data.amount !== undefined) {
        const before = deal.amountCents === null ? null : formatMoney({ minor: deal.amountCents, currency: deal.currency });
        const after = data.amount ? formatMoney(data.amount) : null;
        if (before !== after) {
          update.amountCents = data.amount?.minor ?? null;
          if (data.amount) update.currency = data.amount.currency;
          events.push({ kind: 'amount', field: 'amount', from: before, to: after });
        }
      }
      let companyName = deal.company?.name ?? null;
      if (data.companyName !== undefined && data.companyName !== companyName) {
        const company = data.companyName ? await this.companies.findOrCreateByName(tx, actor.workspaceId, data.companyName) : null;
        update.companyId = company?.id ?? null;
        events.push({ kind: 'company', field: 'company', from: companyName, to: company?.name ?? null });
        companyName = company?.name ?? null;
      }
      if (data.closeDate !== undefined) {
        const before = deal.expectedCloseDate ? toDateOnly(deal.expectedCloseDate) : null;
        if (before !== data.closeDate) {
          update.expectedCloseDate = data.closeDate ? fromDateOnly(data.closeDate) : null;
          events.push({ kind: 'close_date', field: 'expectedCloseDate', from: before, to: data.closeDate });
        }
      }
      if (events.length === 0) return { update: {}, events };
      update.searchText = searchKey((update.title as string | undefined) ?? deal.title, companyName);
      return { update, events };
    }, setFields);
    return change.deal;
  }

  /**
   * Moves a deal to a stage. Won and lost close the deal (lost needs a reason); moving a closed
   * deal back to an open stage reopens it.
   */
  async moveStage(actor: Actor, ref: string, stageName: string, opts: MoveOptions = {}): Promise<DealView> {
    return (await this.moveStageChange(actor, ref, stageName, opts)).deal;
  }

  /**
   * `moveStage`, saying whether anything changed and how the deal stood before. The stage is one
   * of the deal's own pipeline. A stage with a gate (gates.ts) refuses a deal that lacks what it
   * requires (DomainErrorCode.StageGate, naming what is missing); `fill` gives those values
   * (requirement key → value as typed), written with the move in the same transaction, the gate
   * checked again after them.
   */
  async moveStageChange(actor: Actor, ref: string, stageName: string, opts: MoveOptions = {}): Promise<DealChange> {
    await requireWriter(actor, this.deps);
    const fill = opts.fill && Object.keys(opts.fill).length > 0 ? opts.fill : undefined;
    return this.writeChange(
      actor,
      ref,
      async (tx, deal, now, stages) => {
        const stage = await this.pipelines.resolveStage(actor.workspaceId, stageName, { pipelineId: deal.pipelineId, tx });
        return stage.kind === 'lost' ? this.lostChange(deal, stage, now, stages, opts.lostReason) : this.stageChange(deal, stage, now, stages);
      },
      fill && ((tx, deal, now) => this.applyFill(tx, actor, deal, fill, now)),
    );
  }

  /**
   * Writes a gate's fill values on the deal (inside the move's transaction): amount, close date,
   * company, owner, next action, a contact put on it, custom fields. Returns the timeline entries
   * and the deal's update; a value that can't be read is refused, and nothing is written.
   */
  private async applyFill(tx: Tx, actor: Actor, deal: DealRow, fill: GateFill, now: Date): Promise<{ update: Prisma.DealUncheckedUpdateInput; events: EventInput[] }> {
    const { workspaceId } = actor;
    const update: Prisma.DealUncheckedUpdateInput = {};
    const events: EventInput[] = [];
    const label = (key: string) => REQUIREMENTS.find((r) => r.key === key)?.label ?? key;
    for (const [key, raw] of Object.entries(fill)) {
      const value = cleanLine(raw ?? '');
      if (value === '') continue;
      const item = { key, label: label(key) };
      if (key === 'amount') {
        const money = readPlainMoney(value, deal.currency);
        if (!money) throw badFill(item, value, 'an amount, e.g. 25000 or 25,000.50 EUR');
        update.amountCents = money.minor;
        update.currency = money.currency;
        const before = deal.amountCents === null ? null : formatMoney({ minor: deal.amountCents, currency: deal.currency });
        events.push({ kind: 'amount', field: 'amount', from: before, to: formatMoney(money) });
      } else if (key === 'close') {
        const date = readPlainDate(value);
        if (!date) throw badFill(item, value, 'a date, e.g. 2026-12-31');
        update.expectedCloseDate = fromDateOnly(date);
        events.push({ kind: 'close_date', field: 'expectedCloseDate', from: deal.expectedCloseDate ? toDateOnly(deal.expectedCloseDate) : null, to: date });
      } else if (key === 'company') {
        const company =
          (await tx.company.findFirst({ where: { id: value, workspaceId } })) ?? (await this.companies.findOrCreateByName(tx, workspaceId, value));
        update.companyId = company.id;
        update.searchText = searchKey(deal.title, company.name);
        events.push({ kind: 'company', field: 'company', from: deal.company?.name ?? null, to: company.name });
      } else if (key === 'owner') {
        const handle = value.replace(/^@/, '').toLowerCase();
        const member = await tx.member.findFirst({ where: { workspaceId, OR: [{ id: value }, { externalId: value }, { handle }], deactivated: null } });
        if (!member) throw badFill(item, value, 'a person who has used the CRM, e.g. @maria');
        update.ownerId = member.id;
        events.push({ kind: 'owner', field: 'owner', from: deal.owner?.displayName ?? null, to: member.displayName });
      } else if (key === 'contact') {
        const contact = await this.contactFor(tx, workspaceId, value);
        if (!contact) throw badFill(item, value, 'a contact of this workspace (name or email)');
        const link = { dealId_contactId: { dealId: deal.id, contactId: contact.id } };
        if (!(await tx.dealContact.findUnique({ where: link }))) {
          await tx.dealContact.create({ data: { dealId: deal.id, contactId: contact.id, createdAt: now } });
          events.push({ kind: 'contact', field: 'contact', to: contact.name });
        }
      } else if (key === 'next') {
        const action = nextActionText(value, item);
        await tx.task.create({
          data: {
            workspaceId,
            number: await allocateTaskNumber(tx, workspaceId),
            dealId: deal.id,
            title: action,
            assigneeId: deal.ownerId ?? actor.memberId,
            createdById: actor.memberId,
            createdAt: now,
            updatedAt: now,
          },
        });
        const first = await firstOpenTask(tx, deal.id);
        update.nextAction = first?.title ?? action;
        update.nextActionDueAt = first?.dueAt ?? null;
        events.push({ kind: 'next_action', field: 'nextAction', from: deal.nextAction, to: describeNext(first?.title ?? action, first?.dueAt ?? null) });
      } else if (isCustomRequirement(key)) {
        if (!this.fieldWriter) throw new DomainError(DomainErrorCode.InvalidInput, 'Custom fields can’t be set here yet.', { field: key });
        await this.fieldWriter.setInTx(tx, actor, 'deal', deal.id, customFieldKey(key), value);
      } else {
        throw new DomainError(DomainErrorCode.InvalidInput, `“${key}” isn’t something a stage asks for.`, { field: key });
      }
    }
    return { update, events };
  }

  /** A contact by id, email or exact name (one match only), inside a transaction. */
  private async contactFor(tx: Tx, workspaceId: string, text: string) {
    const byId = await tx.contact.findFirst({ where: { id: text, workspaceId }, select: { id: true, name: true } });
    if (byId) return byId;
    if (text.includes('@')) {
      const byEmail = await tx.contact.findFirst({ where: { workspaceId, email: text.toLowerCase() }, select: { id: true, name: true } });
      if (byEmail) return byEmail;
    }
    const byName = await tx.contact.findMany({ where: { workspaceId, nameKey: searchKey(text) }, select: { id: true, name: true }, take: 2 });
    return byName.length === 1 ? byName[0] : undefined;
  }

  /**
   * What `ref` still lacks to enter a stage of its pipeline (by key, name or id): for a form that
   * asks for exactly that (a Teams dialog). Empty when the stage has no gate or the deal has it all.
   */
  async gateFor(actor: Actor, ref: string, stageTyped: string): Promise<{ deal: string; stage: { id: string; name: string }; missing: GateItem[] }> {
    const row = await this.loadRow(this.deps.db, actor, ref, {});
    const stage = await this.pipelines.resolveStage(actor.workspaceId, stageTyped, { pipelineId: row.pipelineId });
    const missing = await missingFor(this.deps.db, actor.workspaceId, row, stage.required);
    return { deal: dealRef(row.number), stage: { id: stage.id, name: stage.name }, missing };
  }

  /** Moves an open deal to the next open stage of its pipeline. */
  async advance(actor: Actor, ref: string): Promise<DealView> {
    return (await this.advanceFrom(actor, ref, undefined)).deal;
  }

  /**
   * Advances from the stage the person was shown (`from`: a stage key or id, as a button carried
   * it) to the next open stage. When the deal is no longer in that stage (it moved on: a second
   * delivery of the same click, or someone else) nothing changes and `changed` is false. Without
   * `from` (buttons rendered before they carried it) it advances from wherever the deal is.
   */
  async advanceFrom(actor: Actor, ref: string, from: string | undefined): Promise<DealChange> {
    await requireWriter(actor, this.deps);
    return this.writeChange(actor, ref, async (_tx, deal, now, stages) => {
      if (from !== undefined && !isStage(stages, deal.stageId, from)) return NO_CHANGE;
      if (deal.status !== 'open') throw this.closedError(deal);
      const current = stageOf(stages, deal.stageId);
      const next = stages.find((s) => s.kind === 'open' && s.position > current.position);
      if (!next) {
        throw new DomainError(DomainErrorCode.Conflict, `${dealRef(deal.number)} is at the last open stage: mark it won or lost.`);
      }
      return this.stageChange(deal, next, now, stages);
    });
  }

  async markWon(actor: Actor, ref: string): Promise<DealView> {
    return (await this.markWonFrom(actor, ref, undefined)).deal;
  }

  /**
   * Wins the deal. Already won: nothing changes (`changed` false, no second timeline entry). With
   * `from` (the stage the person was shown), a deal that has moved to another stage since is left
   * as it is too, so that an old card or a replayed click never wins a deal someone reopened.
   */
  async markWonFrom(actor: Actor, ref: string, from: string | undefined): Promise<DealChange> {
    await requireWriter(actor, this.deps);
    return this.writeChange(actor, ref, async (_tx, deal, now, all) => {
      const won = all.find((s) => s.kind === 'won');
      if (!won) throw new DomainError(DomainErrorCode.UnknownStage, 'This pipeline has no won stage.');
      if (deal.stageId === won.id) return NO_CHANGE;
      if (from !== undefined && !isStage(all, deal.stageId, from)) return NO_CHANGE;
      return this.stageChange(deal, won, now, all);
    });
  }

  async markLost(actor: Actor, ref: string, reason: string | undefined): Promise<DealView> {
    return (await this.markLostFrom(actor, ref, reason, undefined)).deal;
  }

  /**
   * Loses the deal, with a reason. Already lost: nothing changes (`changed` false, no second
   * timeline entry), whatever `from` says, unless a different reason is given: then only the
   * reason is replaced (a `lost_reason` entry, not a second loss). With `from` (the stage the
   * person was shown), a deal that has moved on since is left as it is.
   */
  async markLostFrom(actor: Actor, ref: string, reason: string | undefined, from: string | undefined): Promise<DealChange> {
    await requireWriter(actor, this.deps);
    return this.writeChange(actor, ref, async (_tx, deal, now, all) => {
      const lost = all.find((s) => s.kind === 'lost');
      if (!lost) throw new DomainError(DomainErrorCode.UnknownStage, 'This pipeline has no lost stage.');
      if (deal.stageId !== lost.id && from !== undefined && !isStage(all, deal.stageId, from)) return NO_CHANGE;
      return this.lostChange(deal, lost, now, all, reason);
    });
  }

  /** Moving `deal` to the lost stage `lost`: a reason is needed, unless it is lost already (see markLostFrom). */
  private lostChange(deal: DealRow, lost: StageInfo, now: Date, stages: StageInfo[], reason: string | undefined): Change {
    if (deal.stageId === lost.id) {
      const replaced = reason === undefined ? '' : this.lostReason(reason, deal);
      if (replaced === '' || replaced === deal.lostReason) return NO_CHANGE;
      return {
        update: { lostReason: replaced },
        events: [{ kind: 'lost_reason', field: 'lostReason', from: deal.lostReason, to: replaced }],
        guard: { stageId: deal.stageId },
      };
    }
    const parsed = reason === undefined ? '' : this.lostReason(reason, deal);
    if (parsed === '') {
      throw new DomainError(DomainErrorCode.LostReasonRequired, `Say why ${dealRef(deal.number)} was lost, e.g. “went with a competitor”.`, {
        field: 'lostReason',
        existingRef: dealRef(deal.number),
      });
    }
    return this.stageChange(deal, lost, now, stages, parsed);
  }

  /** A lost reason as stored (cleaned), '' when nothing is left of it; refused when too long. */
  private lostReason(reason: string, deal: DealRow): string {
    const cleaned = cleanLine(reason);
    if (cleaned === '') return '';
    const parsed = lostReasonSchema.safeParse(cleaned);
    if (parsed.success) return parsed.data;
    throw new DomainError(DomainErrorCode.InvalidInput, `Lost reason: ${parsed.error.issues[0]?.message ?? 'not valid'}`, {
      field: 'lostReason',
      existingRef: dealRef(deal.number),
    });
  }

  /**
   * The update and timeline entries of moving `deal` to `stage`, none when it is already there.
   * Closing (won or lost) clears the next action: a closed deal has none, and the timeline keeps
   * what it was. Guarded by the stage the deal was read in, so that of two concurrent moves from
   * the same stage only the first writes.
   */
  private stageChange(deal: DealRow, stage: StageInfo, now: Date, stages: StageInfo[], reason?: string): Change {
    if (deal.stageId === stage.id) return NO_CHANGE;
    const from = stages.find((s) => s.id === deal.stageId);
    const closing = stage.kind !== 'open';
    const update: Prisma.DealUncheckedUpdateInput = {
      stageId: stage.id,
      status: stage.kind,
      stageChangedAt: now,
      closedAt: closing ? now : null,
      salesCycleDays: closing ? Math.max(0, Math.round((now.getTime() - deal.createdAt.getTime()) / DAY_MS)) : null,
      lostReason: reason ?? null,
    };
    const events: EventInput[] = [{ kind: 'stage', field: 'stage', from: from?.name ?? null, to: stage.name }];
    if (stage.kind === 'won') events.push({ kind: 'won' });
    if (stage.kind === 'lost') events.push({ kind: 'lost', field: 'lostReason', to: reason ?? null });
    if (!closing && deal.status !== 'open') events.push({ kind: 'reopened' });
    let after: Change['after'];
    if (closing && deal.nextAction !== null) {
      Object.assign(update, { nextAction: null, nextActionDueAt: null });
      events.push({ kind: 'next_action', field: 'nextAction', from: describeNext(deal.nextAction, deal.nextActionDueAt), to: null });
      // The next action is the deal's first open task: clearing it closes that task.
      after = async (tx) => {
        const first = await firstOpenTask(tx, deal.id);
        if (first) await tx.task.update({ where: { id: first.id }, data: { doneAt: now, updatedAt: now } });
      };
    }
    // Reopened: its next action is its first open task again (one added while it was closed).
    if (!closing && deal.status !== 'open') after = async (tx) => void (await syncDealNextAction(tx, deal.id, now));
    return { update, events, guard: { stageId: deal.stageId }, after, gate: stage.required.length > 0 ? stage : undefined };
  }

  /**
   * Sets what happens next on an open deal, and by when. The next action is the deal's first open
   * task (tasks/task.mirror.ts): this edits that task's title and due date, or, when the deal has
   * none, creates one assigned to the deal's owner (else the actor). The deal's next action is then
   * its first open task again, which is another one when the new date puts this one behind it.
   */
  async setNextAction(actor: Actor, ref: string, input: SetNextActionInput): Promise<DealView> {
    await requireWriter(actor, this.deps);
    const data = parseInput(setNextActionSchema, input);
    return this.write(actor, ref, async (tx, deal, now) => {
      if (deal.status !== 'open') throw this.closedError(deal);
      const before = deal.nextAction ? describeNext(deal.nextAction, deal.nextActionDueAt) : null;
      const due = data.due ? fromDateOnly(data.due) : null;
      const first = await firstOpenTask(tx, deal.id);
      if (first) {
        if (first.title !== data.action || !sameInstant(first.dueAt, due)) {
          await tx.task.update({ where: { id: first.id }, data: { title: data.action, dueAt: due, updatedAt: now } });
        }
      } else {
        // The deal's row is held (writeChange); the workspace's comes after it (task.mirror.ts).
        await tx.task.create({
          data: {
            workspaceId: actor.workspaceId,
            number: await allocateTaskNumber(tx, actor.workspaceId),
            dealId: deal.id,
            title: data.action,
            dueAt: due,
            assigneeId: deal.ownerId ?? actor.memberId,
            createdById: actor.memberId,
            createdAt: now,
            updatedAt: now,
          },
        });
      }
      const next = await firstOpenTask(tx, deal.id);
      const after = next ? describeNext(next.title, next.dueAt) : null;
      if (before === after) return { update: {}, events: [] };
      return {
        update: { nextAction: next?.title ?? null, nextActionDueAt: next?.dueAt ?? null },
        events: [{ kind: 'next_action', field: 'nextAction', from: before, to: after }],
      };
    });
  }

  async assign(actor: Actor, ref: string, owner: { userId?: string; handle?: string } | { memberId: string }): Promise<DealView> {
    await requireWriter(actor, this.deps);
    const member =
      'memberId' in owner
        ? await this.memberInWorkspace(actor.workspaceId, owner.memberId)
        : await this.identity.resolvePerson(actor.workspaceId, owner);
    return this.write(actor, ref, async (_tx, deal) => {
      if (deal.ownerId === member.id) return { update: {}, events: [] };
      return {
        update: { ownerId: member.id },
        events: [{ kind: 'owner', field: 'owner', from: deal.owner?.displayName ?? null, to: member.displayName }],
      };
    });
  }

  /**
   * Keeps an open deal off the stale lists (digests, reports) for `days` days, counted from now.
   * Returns the deal and the instant the snooze ends; when it was already snoozed until that day
   * (the same click delivered twice), nothing is written and `changed` is false.
   */
  async snooze(actor: Actor, ref: string, days: number): Promise<{ deal: DealView; until: Date; changed: boolean }> {
    await requireWriter(actor, this.deps);
    if (!Number.isInteger(days) || days < 1 || days > 90) {
      throw new DomainError(DomainErrorCode.InvalidInput, 'Snooze for 1 to 90 days.', { field: 'days' });
    }
    const until = new Date(this.deps.clock.now().getTime() + days * DAY_MS);
    let current: Date | null = null;
    const { deal, changed } = await this.writeChange(actor, ref, async (_tx, row) => {
      if (row.status !== 'open') throw this.closedError(row);
      current = row.snoozedUntil;
      const before = row.snoozedUntil ? toDateOnly(row.snoozedUntil) : null;
      if (before === toDateOnly(until)) return NO_CHANGE;
      return {
        update: { snoozedUntil: until },
        events: [{ kind: 'snoozed', field: 'snoozedUntil', from: before, to: toDateOnly(until) }],
      };
    });
    return { deal, until: changed ? until : (current ?? until), changed };
  }

  /** Hides a deal from every list and report; deals are never deleted. */
  async archive(actor: Actor, ref: string): Promise<DealView> {
    await requireWriter(actor, this.deps);
    return this.write(actor, ref, async (_tx, deal, now) =>
      deal.archivedAt ? { update: {}, events: [] } : { update: { archivedAt: now, archived: true }, events: [{ kind: 'archived' }] },
    );
  }

  /** The view of a row, with its stage from the (cached) pipeline. */
  async view(actor: Actor, row: DealRow): Promise<DealView> {
    const stage = await this.pipelines.stageById(actor.workspaceId, row.stageId);
    return toDealView(row, stage, this.deps.clock.now(), actor.timeZone);
  }

  /** Views of rows from any of the workspace's pipelines (stages mapped by id across all of them). */
  async views(actor: Actor, rows: DealRow[]): Promise<DealView[]> {
    const stages = await this.pipelines.stagesById(actor.workspaceId, new Set(rows.map((r) => r.stageId)));
    const now = this.deps.clock.now();
    return rows.map((row) => {
      const stage = stages.get(row.stageId);
      if (!stage) throw new Error(`stage ${row.stageId} is not in the workspace's pipelines`);
      return toDealView(row, stage, now, actor.timeZone);
    });
  }

  /**
   * Puts a contact on a deal; the timeline records it (kind `contact`, to: their name). Already on
   * it (a double click, a replayed button): nothing is written and `changed` is false.
   */
  async addContact(actor: Actor, ref: string, contactId: string): Promise<{ deal: DealDetailView; changed: boolean }> {
    await requireWriter(actor, this.deps);
    return this.linkContact(actor, ref, contactId, 'add');
  }

  /** Takes a contact off a deal (timeline kind `contact`, from: their name); not on it: `changed` false. */
  async removeContact(actor: Actor, ref: string, contactId: string): Promise<{ deal: DealDetailView; changed: boolean }> {
    await requireWriter(actor, this.deps);
    return this.linkContact(actor, ref, contactId, 'remove');
  }

  private async linkContact(actor: Actor, ref: string, contactId: string, op: 'add' | 'remove') {
    const { workspaceId } = actor;
    const now = this.deps.clock.now();
    const write = () =>
      inTransaction(this.deps.db, async (tx) => {
        await this.lockRow(tx, actor, ref);
        const deal = await this.loadRow(tx, actor, ref, {});
        const contact = await tx.contact.findFirst({
          where: { id: contactId, workspaceId },
          select: { id: true, name: true, company: { select: { id: true, name: true } } },
        });
        if (!contact) throw new DomainError(DomainErrorCode.NotFound, 'I can’t find that contact.', { field: 'contact' });
        const key = { dealId_contactId: { dealId: deal.id, contactId: contact.id } };
        const linked = (await tx.dealContact.findUnique({ where: key })) !== null;
        if (linked === (op === 'add')) return { id: deal.id, changed: false };
        if (op === 'add') await tx.dealContact.create({ data: { dealId: deal.id, contactId: contact.id, createdAt: now } });
        else await tx.dealContact.delete({ where: key });
        const events: EventInput[] = [op === 'add' ? { kind: 'contact', field: 'contact', to: contact.name } : { kind: 'contact', field: 'contact', from: contact.name }];
        // A deal with no company takes the company of the first contact put on it (the company card
        // then counts the deal); a deal with a company keeps it.
        const takeCompany = op === 'add' && deal.companyId === null && contact.company !== null;
        await tx.deal.update({
          where: { id: deal.id },
          data: {
            updatedAt: now,
            ...(takeCompany && contact.company && { companyId: contact.company.id, searchText: searchKey(deal.title, contact.company.name) }),
          },
        });
        if (takeCompany && contact.company) events.push({ kind: 'company', field: 'company', from: null, to: contact.company.name });
        await this.record(tx, actor, deal.id, events, now);
        return { id: deal.id, changed: true };
      });
    // The same contact added by two clicks at once: the other one linked it.
    const { id, changed } = await onUniqueViolation(write, async () => ({ id: await this.resolveId(actor, ref), changed: false }));
    return { deal: await this.get(actor, id), changed };
  }

  /** Resolves a reference or id to the deal's id within the actor's workspace. */
  async resolveId(actor: Actor, ref: string, tx: Tx = this.deps.db): Promise<string> {
    return (await this.loadRow(tx, actor, ref, {})).id;
  }

  private async page(
    actor: Actor,
    where: Prisma.DealWhereInput,
    orderBy: Prisma.DealOrderByWithRelationInput | Prisma.DealOrderByWithRelationInput[],
    what: Pick<DealListView, 'heading' | 'source'>,
    page: number,
    pageSize: number,
    count: (take: number) => Promise<number> = (take) => this.deps.db.deal.count({ where, orderBy, take }),
  ): Promise<DealListView> {
    return this.pageOf(
      actor,
      what,
      page,
      pageSize,
      (skip, take) => this.deps.db.deal.findMany({ where, orderBy, include: dealViewInclude, skip, take }),
      count,
    );
  }

  /** One page of deals from `rows(skip, take)`, counted with `count(take)` (at most `take` rows) only when the page cannot tell. */
  private async pageOf(
    actor: Actor,
    what: Pick<DealListView, 'heading' | 'source'>,
    page: number,
    pageSize: number,
    fetch: (skip: number, take: number) => Promise<DealRow[]>,
    count: (take: number) => Promise<number>,
  ): Promise<DealListView> {
    const skip = (page - 1) * pageSize;
    const rows = await fetch(skip, pageSize);
    // A short page (other than an empty page past the end) tells the total without counting.
    const counted =
      rows.length < pageSize && (rows.length > 0 || page === 1)
        ? { total: skip + rows.length, totalCapped: false, seen: skip + rows.length }
        : await countUpTo(count, Math.max(this.deps.countCap ?? COUNT_CAP, page * pageSize));
    return {
      ...what,
      items: await this.views(actor, rows),
      total: counted.total,
      totalCapped: counted.totalCapped,
      page,
      pageSize,
      hasMore: page * pageSize < counted.seen,
    };
  }

  /** The deals with these ids, in this order. */
  private async rowsInOrder(workspaceId: string, ids: string[]): Promise<DealRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.deps.db.deal.findMany({ where: { id: { in: ids }, workspaceId }, include: dealViewInclude });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Loads the deal, lets `change` decide the update and timeline entries, writes both in one transaction. */
  private async write(actor: Actor, ref: string, change: ChangeFn): Promise<DealView> {
    return (await this.writeChange(actor, ref, change)).deal;
  }

  /**
   * `write`, saying whether anything was written. Concurrent writes to one deal run one after
   * another (`lockRow`), so each decides its change from the row as the one before left it. A
   * change with a `guard` also updates only while the row still matches it (checked by the UPDATE
   * itself, so a transaction that got there first makes this one a no-op instead of a second move).
   */
  private async writeChange(actor: Actor, ref: string, change: ChangeFn, prepare?: PrepareFn): Promise<DealChange> {
    const now = this.deps.clock.now();
    let stages: StageInfo[] = [];
    const { row, changed, was } = await inTransaction(this.deps.db, async (tx) => {
      await this.lockRow(tx, actor, ref);
      const loaded = await this.loadRow(tx, actor, ref, dealViewInclude);
      stages = (await this.pipelines.pipelineOf(actor.workspaceId, loaded.pipelineId, tx)).stages;
      // A gate's fill, written first (same transaction): the move below sees the deal with it.
      let deal = loaded;
      let filled = false;
      if (prepare) {
        const fill = await prepare(tx, loaded, now);
        if (fill.events.length > 0 || Object.keys(fill.update).length > 0) {
          await tx.deal.update({ where: { id: loaded.id }, data: { ...fill.update, updatedAt: now } });
          await this.record(tx, actor, loaded.id, fill.events, now);
          deal = await tx.deal.findUniqueOrThrow({ where: { id: loaded.id }, include: dealViewInclude });
          filled = true;
        }
      }
      const { update, events, guard, after, gate } = await change(tx, deal, now, stages);
      if (events.length === 0) return { row: deal, changed: filled, was: loaded };
      if (gate) {
        const missing = await missingFor(tx, actor.workspaceId, deal, gate.required);
        if (missing.length > 0) throw gateError(dealRef(deal.number), gate, missing);
      }
      if (guard) {
        const data = { ...update, updatedAt: now } as Prisma.DealUncheckedUpdateManyInput;
        const { count } = await tx.deal.updateMany({ where: { ...guard, id: deal.id, workspaceId: actor.workspaceId }, data });
        const fresh = await tx.deal.findUniqueOrThrow({ where: { id: deal.id }, include: dealViewInclude });
        if (count === 0) return { row: fresh, changed: false, was: fresh };
        await this.record(tx, actor, deal.id, events, now);
        if (!after) return { row: fresh, changed: true, was: deal };
        await after(tx);
        return { row: await tx.deal.findUniqueOrThrow({ where: { id: deal.id }, include: dealViewInclude }), changed: true, was: deal };
      }
      const updated = await tx.deal.update({ where: { id: deal.id }, data: { ...update, updatedAt: now }, include: dealViewInclude });
      await this.record(tx, actor, deal.id, events, now);
      if (!after) return { row: updated, changed: true, was: deal };
      await after(tx);
      return { row: await tx.deal.findUniqueOrThrow({ where: { id: deal.id }, include: dealViewInclude }), changed: true, was: deal };
    });
    const viewOf = (r: DealRow) => toDealView(r, stageOf(stages, r.stageId), now, actor.timeZone);
    return { deal: viewOf(row), changed, before: viewOf(was) };
  }

  /**
   * PostgreSQL: waits for and holds the deal's row until the transaction ends, so that concurrent
   * writes to one deal run one after another: each reads what the one before it wrote, and a
   * second "set the same thing" finds nothing left to change and records nothing (without it,
   * three identical changes at once read the same row and wrote three identical timeline entries).
   * NO KEY: activities and timeline entries that other transactions add to the deal (their
   * foreign-key checks) need not wait. SQLite: `inTransaction` already runs writers one at a
   * time. A deal that does not exist locks nothing; `loadRow` then answers NotFound.
   */
  private async lockRow(tx: Tx, actor: Actor, ref: string): Promise<void> {
    if (!takesRowLocks(this.deps.db)) return;
    const text = parseInput(dealRefSchema, ref);
    const number = parseDealRef(text);
    const { workspaceId } = actor;
    if (number !== undefined) {
      await tx.$queryRaw`SELECT "id" FROM "Deal" WHERE "workspaceId" = ${workspaceId} AND "number" = ${number} FOR NO KEY UPDATE`;
    } else {
      await tx.$queryRaw`SELECT "id" FROM "Deal" WHERE "workspaceId" = ${workspaceId} AND "id" = ${text} FOR NO KEY UPDATE`;
    }
  }

  private async record(tx: Tx, actor: Actor, dealId: string, events: EventInput[], at: Date): Promise<void> {
    await tx.dealEvent.createMany({
      data: events.map((e) => ({
        workspaceId: actor.workspaceId,
        dealId,
        actorId: actor.memberId,
        kind: e.kind,
        field: e.field ?? null,
        fromValue: e.from ?? null,
        toValue: e.to ?? null,
        at,
      })),
    });
  }

  private async loadRow<I extends Prisma.DealInclude>(
    tx: Tx,
    actor: Actor,
    ref: string,
    include: I,
  ): Promise<Prisma.DealGetPayload<{ include: I }>> {
    const text = parseInput(dealRefSchema, ref);
    const number = parseDealRef(text);
    const where: Prisma.DealWhereInput =
      number !== undefined ? { workspaceId: actor.workspaceId, number } : { workspaceId: actor.workspaceId, id: text };
    const row = await tx.deal.findFirst({ where, include });
    if (!row) {
      throw new DomainError(
        DomainErrorCode.NotFound,
        number !== undefined ? `I can’t find ${dealRef(number)}.` : 'I can’t find that deal.',
        { field: 'ref' },
      );
    }
    return row as Prisma.DealGetPayload<{ include: I }>;
  }

  private async findByIdempotencyKey(actor: Actor, key: string): Promise<DealView | undefined> {
    const row = await this.deps.db.deal.findUnique({
      where: { workspaceId_idempotencyKey: { workspaceId: actor.workspaceId, idempotencyKey: key } },
      include: dealViewInclude,
    });
    return row ? this.view(actor, row) : undefined;
  }

  private async memberInWorkspace(workspaceId: string, memberId: string) {
    const m = await this.deps.db.member.findFirst({ where: { id: memberId, workspaceId } });
    if (!m) throw new DomainError(DomainErrorCode.UnknownMember, 'That person is not in this workspace.', { field: 'owner' });
    return m;
  }

  private closedError(deal: { number: number; status: string }): DomainError {
    return new DomainError(
      DomainErrorCode.DealClosed,
      `${dealRef(deal.number)} is ${deal.status}. Move it back to an open stage first.`,
    );
  }
}

type Change = {
  update: Prisma.DealUncheckedUpdateInput;
  events: EventInput[];
  guard?: Prisma.DealWhereInput;
  /** Writes to other tables that go with this one (a deal's tasks), run only once the deal's row was written. */
  after?: (tx: Tx) => Promise<void>;
  /** The stage being entered, when it has a gate: checked before anything is written. */
  gate?: StageInfo;
};
type ChangeFn = (tx: Tx, deal: DealRow, now: Date, stages: StageInfo[]) => Promise<Change>;
type PrepareFn = (tx: Tx, deal: DealRow, now: Date) => Promise<{ update: Prisma.DealUncheckedUpdateInput; events: EventInput[] }>;

/** How a deal is moved: a lost reason (into a lost stage), values a gated stage asks for. */
export interface MoveOptions {
  lostReason?: string;
  /** Requirement key (gates.ts) → value as typed, written with the move. */
  fill?: GateFill;
}

/** A next action given in a gate's fill: one line, as long as a next action may be. */
function nextActionText(value: string, item: { key: string; label: string }): string {
  const parsed = nextActionSchema.safeParse(value);
  if (!parsed.success) throw badFill(item, value, 'a next action (one line, up to 500 characters)');
  return parsed.data;
}
const NO_CHANGE: Change = { update: {}, events: [] };

/** Whether `stageId` is the stage a button named by key or id. */
function isStage(stages: StageInfo[], stageId: string, keyOrId: string): boolean {
  const stage = stages.find((s) => s.key === keyOrId || s.id === keyOrId);
  return stage?.id === stageId;
}

function stageOf(stages: StageInfo[], stageId: string): StageInfo {
  const stage = stages.find((s) => s.id === stageId);
  if (!stage) throw new Error(`stage ${stageId} is not in the workspace's pipeline`);
  return stage;
}

function describeNext(action: string, due: Date | null): string {
  return due ? `${action} (by ${toDateOnly(due)})` : action;
}

export { toPersonView };
