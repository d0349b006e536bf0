/**
 * Companies: the only writer of companies (and, when merging, of what points at them). Every
 * write is one transaction; every read and write is scoped to the actor's workspace.
 */
import type { Company, Prisma } from '../../generated/sqlite/client.js';
import { inTransaction, lockKey, onUniqueViolation, takesRowLocks, type Actor, type DomainDeps, type Tx } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import { RECENT_ACTIVITY_LIMIT, RECENT_ACTIVITY_SOURCES_MAX } from '../activities/activity.lines.js';
import { activityLinesOf } from '../activities/activity.recent.js';
import { contactSummaryInclude, countOf, toContactSummaryView } from '../contacts/contact.build.js';
import { dealViewsOf } from '../contacts/deal-views.js';
import { pageSchema, type PageInput } from '../deals/deal.schema.js';
import { dealViewInclude } from '../deals/deal.view.js';
import { COUNT_CAP, countUpTo } from '../shared/count.js';
import { prefixEnd } from '../shared/prefix.js';
import { cleanLine, likeContains, likeStartsWith, searchKey } from '../shared/text.js';
import { parseInput } from '../shared/validate.js';
import { requireWriter } from '../shared/roles.js';
import {
  companyCardActions,
  companyLabel,
  companySummaryInclude,
  moneyTotals,
  toCompanySummaryView,
  type CompanySummaryRow,
} from './company.build.js';
import {
  companyListScopeSchema,
  companyQuerySchema,
  createCompanySchema,
  editCompanySchema,
  normaliseDomain,
  type CreateCompanyInput,
  type EditCompanyInput,
} from './company.schema.js';
import type { CompanyCardView, CompanyListScope, CompanyListView, CompanySummaryView } from './company.view.js';
import { fieldLinesOf, filterWords, listFilterWheres, moveFieldValues, type FieldDefinitionsSource } from '../fields/field.lines.js';

/** How many contacts and open deals a company card lists, and how many candidates an ambiguous match names. */
export const COMPANY_CARD_CONTACTS = 10;
export const COMPANY_CARD_DEALS = 10;
const AMBIGUOUS_CANDIDATES = 5;

/**
 * What `create` answers. The contract's shape is `{ company, created }`; the company's own fields
 * are also at the top level for the callers written before it (`(await create(…)).id`), until
 * they read `.company`.
 */
export type CreateCompanyResult = CompanySummaryView & {
  company: CompanySummaryView;
  /** False when an earlier delivery with the same idempotency key already created it. */
  created: boolean;
};

export interface CompanyMergeResult {
  company: CompanyCardView;
  moved: { contacts: number; deals: number; activities: number };
}

const NO_COUNTS = { contactCount: 0, openDealCount: 0 };
const openDeals = (workspaceId: string, companyId: string | { in: string[] }): Prisma.DealWhereInput => ({
  workspaceId,
  companyId,
  status: 'open',
  archived: false,
});

export class CompanyService {
  constructor(private readonly deps: DomainDeps) {}

  /** Where cards read the field definitions from (FieldService's cache, outside transactions only); without it, the database. */
  private fieldDefinitions?: FieldDefinitionsSource;
  useFieldDefinitions(source: FieldDefinitionsSource): void {
    this.fieldDefinitions = source;
  }

  /**
   * Creates a company. The same domain twice in a workspace is always a duplicate; the same name
   * is one unless `allowDuplicate`. Either refusal names the company that is there. A retried
   * delivery (the same `idempotencyKey`) creates nothing and answers the first one's company.
   */
  async create(actor: Actor, input: CreateCompanyInput): Promise<CreateCompanyResult> {
    await requireWriter(actor, this.deps);
    const data = parseInput(createCompanySchema, input);
    const { workspaceId } = actor;
    const key = data.idempotencyKey;
    if (key) {
      const existing = await this.byKey(this.deps.db, workspaceId, key);
      if (existing) return this.createResult(this.deps.db, existing, false);
    }
    const ownerId = data.ownerId ? (await this.memberInWorkspace(this.deps.db, workspaceId, data.ownerId)).id : actor.memberId;
    const nameKey = searchKey(data.name);
    return onUniqueViolation<CreateCompanyResult>(
      () =>
        inTransaction(this.deps.db, async (tx) => {
          // The same lock as findOrCreateByName: names have no unique key.
          await lockKey(this.deps.db, tx, `company-name:${workspaceId}:${nameKey}`);
          if (key) {
            const existing = await this.byKey(tx, workspaceId, key);
            if (existing) return this.createResult(tx, existing, false);
          }
          if (data.domain) await this.assertNoDomainDuplicate(tx, workspaceId, data.domain);
          if (!data.allowDuplicate) await this.assertNoNameDuplicate(tx, workspaceId, nameKey);
          const row = await tx.company.create({
            data: {
              workspaceId,
              name: data.name,
              nameKey,
              domain: data.domain ?? null,
              ownerId,
              idempotencyKey: key ?? null,
              createdAt: this.deps.clock.now(),
            },
            include: companySummaryInclude,
          });
          return createResult(row, NO_COUNTS, true);
        }),
      // Another delivery with the key, or another company with the domain, at the same moment.
      async () => {
        const existing = key ? await this.byKey(this.deps.db, workspaceId, key) : null;
        if (existing) return this.createResult(this.deps.db, existing, false);
        if (data.domain) await this.assertNoDomainDuplicate(this.deps.db, workspaceId, data.domain);
        return undefined;
      },
    );
  }

  /**
   * The company with this name (case-insensitive), created when there is none. Names have no
   * unique key, so two transactions naming the same new company at once take turns (`lockKey`):
   * the second finds the first's company instead of making another.
   */
  async findOrCreateByName(tx: Tx, workspaceId: string, name: string): Promise<Company> {
    const nameKey = searchKey(name);
    await lockKey(this.deps.db, tx, `company-name:${workspaceId}:${nameKey}`);
    const existing = await tx.company.findFirst({ where: { workspaceId, nameKey }, orderBy: { createdAt: 'asc' } });
    return existing ?? tx.company.create({ data: { workspaceId, name: cleanLine(name), nameKey, domain: null } });
  }

  async get(actor: Actor, id: string): Promise<Company> {
    const company = await this.deps.db.company.findFirst({ where: { id, workspaceId: actor.workspaceId } });
    if (!company) throw new DomainError(DomainErrorCode.NotFound, 'I can’t find that company.');
    return company;
  }

  /**
   * The one company a person meant: by id, domain (`acme.com`, `https://www.acme.com`), exact name
   * (case- and accent-blind), else the single company a search finds. Several: an error naming up
   * to five; none: NotFound.
   */
  async resolve(actor: Actor, query: string): Promise<CompanySummaryView> {
    return this.summary(this.deps.db, await this.resolveRow(actor, query));
  }

  /** `resolve` without the counts: the company's row (for a list scoped to a company). */
  async resolveRow(actor: Actor, query: string): Promise<CompanySummaryRow> {
    const text = parseInput(companyQuerySchema, query);
    const { workspaceId } = actor;
    const db = this.deps.db;
    const byId = await db.company.findFirst({ where: { id: text, workspaceId }, include: companySummaryInclude });
    if (byId) return byId;
    const domain = /\s/.test(text) ? undefined : normaliseDomain(text);
    if (domain) {
      const byDomain = await db.company.findUnique({
        where: { workspaceId_domain: { workspaceId, domain } },
        include: companySummaryInclude,
      });
      if (byDomain) return byDomain;
    }
    const byName = await db.company.findMany({
      where: { workspaceId, nameKey: searchKey(text) },
      orderBy: [{ nameKey: 'asc' }, { id: 'asc' }],
      take: AMBIGUOUS_CANDIDATES + 1,
      include: companySummaryInclude,
    });
    if (byName.length === 1) return byName[0]!;
    if (byName.length > 1) throw ambiguous(text, byName);
    const found = await this.search(actor, text, AMBIGUOUS_CANDIDATES + 1);
    if (found.length === 1) return db.company.findUniqueOrThrow({ where: { id: found[0]!.id }, include: companySummaryInclude });
    if (found.length > 1) throw ambiguous(text, found);
    throw new DomainError(DomainErrorCode.NotFound, `No company matches “${text}”.`, { field: 'company' });
  }

  /**
   * Companies whose name starts with or contains the text (literally: `%`, `_` and `\` are
   * characters, not LIKE wildcards, on both databases), names that start with it first. The
   * names that start with it are a seek in `Company(workspaceId, nameKey, id, domain)`; only when
   * they are fewer than `limit` does a second statement read that index for names that merely
   * contain it. (It was one statement that sorted every match, all names with the text, to rank
   * them.)
   */
  async search(actor: Actor, text: string, limit = 10): Promise<Company[]> {
    const key = searchKey(text);
    const workspaceId = actor.workspaceId;
    if (!key) return this.deps.db.company.findMany({ where: { workspaceId }, orderBy: { name: 'asc' }, take: limit });
    const starts = likeStartsWith(key);
    let ids = await this.deps.db.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "Company"
      WHERE "workspaceId" = ${workspaceId} AND "nameKey" >= ${key} AND "nameKey" < ${prefixEnd(key)} AND "nameKey" LIKE ${starts} ESCAPE '!'
      ORDER BY "nameKey", "id" LIMIT ${limit}`;
    if (ids.length < limit) {
      const inside = await this.deps.db.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "Company"
        WHERE "workspaceId" = ${workspaceId} AND "nameKey" LIKE ${likeContains(key)} ESCAPE '!' AND NOT ("nameKey" LIKE ${starts} ESCAPE '!')
        ORDER BY "nameKey", "id" LIMIT ${limit - ids.length}`;
      ids = [...ids, ...inside];
    }
    if (ids.length === 0) return [];
    const rows = await this.deps.db.company.findMany({ where: { workspaceId, id: { in: ids.map((r) => r.id) } } });
    return rows
      .sort((a, b) => Number(!a.nameKey.startsWith(key)) - Number(!b.nameKey.startsWith(key)) || a.name.localeCompare(b.name))
      .slice(0, limit);
  }

  /**
   * The company card: its contacts (by name, at most 10), open deals (newest first, at most 10),
   * pipeline value and won revenue per currency, and the latest activities on it, its contacts
   * or its deals (at most 5).
   */
  async card(actor: Actor, companyId: string): Promise<CompanyCardView> {
    const db = this.deps.db;
    const { workspaceId } = actor;
    const now = this.deps.clock.now();
    const company = await this.row(db, actor, companyId);
    const open = openDeals(workspaceId, company.id);
    const [workspace, contacts, contactCount, dealRows, openDealCount, pipeline, won, recentIds] = await Promise.all([
      db.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { defaultCurrency: true } }),
      db.contact.findMany({
        where: { workspaceId, companyId: company.id },
        orderBy: [{ nameKey: 'asc' }, { id: 'asc' }],
        take: COMPANY_CARD_CONTACTS,
        include: contactSummaryInclude,
      }),
      db.contact.count({ where: { workspaceId, companyId: company.id } }),
      db.deal.findMany({ where: open, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: COMPANY_CARD_DEALS, include: dealViewInclude }),
      db.deal.count({ where: open }),
      db.deal.groupBy({ by: ['currency'], where: open, _sum: { amountCents: true } }),
      db.deal.groupBy({ by: ['currency'], where: { workspaceId, companyId: company.id, status: 'won', archived: false }, _sum: { amountCents: true } }),
      // The newest activities on the company, on its most recently changed contacts and on its
      // deals with the latest activity (at most RECENT_ACTIVITY_SOURCES_MAX of each), each source
      // down its own Activity index, merged and cut in the database: one statement where a
      // findMany per source (and two for the sources' ids) were fourteen. CROSS JOIN keeps
      // SQLite's join order (the company's few rows first, then their activities by index);
      // `workspaceId` is tested after the cut, as in `recentActivityLines` (in the inner WHEREs
      // it led SQLite's planner to Activity(workspaceId, occurredAt), the whole workspace).
      db.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM (
          SELECT "id", "occurredAt", "workspaceId" FROM (
            SELECT a."id", a."occurredAt", a."workspaceId" FROM "Activity" a
            WHERE a."companyId" = ${company.id}
            ORDER BY a."occurredAt" DESC, a."id" DESC LIMIT ${RECENT_ACTIVITY_LIMIT}
          ) AS "onCompany"
          UNION
          SELECT "id", "occurredAt", "workspaceId" FROM (
            SELECT a."id", a."occurredAt", a."workspaceId"
            FROM (
              SELECT "id" FROM "Contact" WHERE "companyId" = ${company.id} AND "workspaceId" = ${workspaceId}
              ORDER BY "updatedAt" DESC LIMIT ${RECENT_ACTIVITY_SOURCES_MAX}
            ) AS c CROSS JOIN "Activity" a
            WHERE a."contactId" = c."id"
            ORDER BY a."occurredAt" DESC, a."id" DESC LIMIT ${RECENT_ACTIVITY_LIMIT}
          ) AS "onContacts"
          UNION
          SELECT "id", "occurredAt", "workspaceId" FROM (
            SELECT a."id", a."occurredAt", a."workspaceId"
            FROM (
              SELECT "id" FROM "Deal" WHERE "companyId" = ${company.id} AND "workspaceId" = ${workspaceId}
              ORDER BY "lastActivityAt" DESC LIMIT ${RECENT_ACTIVITY_SOURCES_MAX}
            ) AS d CROSS JOIN "Activity" a
            WHERE a."dealId" = d."id"
            ORDER BY a."occurredAt" DESC, a."id" DESC LIMIT ${RECENT_ACTIVITY_LIMIT}
          ) AS "onDeals"
        ) AS "recent"
        WHERE "workspaceId" = ${workspaceId}
        ORDER BY "occurredAt" DESC, "id" DESC LIMIT ${RECENT_ACTIVITY_LIMIT}`,
    ]);
    const [dealViews, recentActivity] = await Promise.all([
      dealViewsOf(db, actor, dealRows, now),
      activityLinesOf(db, workspaceId, recentIds.map((r) => r.id)),
    ]);
    const sums = (rows: { currency: string; _sum: { amountCents: bigint | null } }[]) =>
      rows.map((r) => ({ currency: r.currency, minor: r._sum.amountCents === null ? null : BigInt(r._sum.amountCents) }));
    return {
      ...toCompanySummaryView(company, { contactCount, openDealCount }),
      contacts: contacts.map(toContactSummaryView),
      openDeals: dealViews,
      pipelineValue: moneyTotals(sums(pipeline), workspace.defaultCurrency),
      wonRevenue: moneyTotals(sums(won), workspace.defaultCurrency),
      recentActivity,
      fields: await fieldLinesOf(db, workspaceId, 'company', company.id, db === this.deps.db ? await this.fieldDefinitions?.(workspaceId, 'company') : undefined),
      actions: companyCardActions(company.id),
    };
  }

  /** Changes a company. A domain another company has is a duplicate; `domain: null` clears it. */
  async edit(actor: Actor, companyId: string, patch: EditCompanyInput): Promise<CompanySummaryView> {
    await requireWriter(actor, this.deps);
    const data = parseInput(editCompanySchema, patch);
    const { workspaceId } = actor;
    const write = () =>
      inTransaction(this.deps.db, async (tx) => {
        const company = await this.row(tx, actor, companyId);
        const update: Prisma.CompanyUncheckedUpdateInput = {};
        if (data.name !== undefined && data.name !== company.name) Object.assign(update, { name: data.name, nameKey: searchKey(data.name) });
        if (data.domain !== undefined && data.domain !== company.domain) {
          if (data.domain) await this.assertNoDomainDuplicate(tx, workspaceId, data.domain, company.id);
          update.domain = data.domain;
        }
        if (data.ownerId !== undefined && data.ownerId !== company.ownerId) {
          update.ownerId = (await this.memberInWorkspace(tx, workspaceId, data.ownerId)).id;
        }
        if (Object.keys(update).length === 0) return this.summary(tx, company);
        const row = await tx.company.update({
          where: { id: company.id },
          data: { ...update, updatedAt: this.deps.clock.now() },
          include: companySummaryInclude,
        });
        if (update.name !== undefined) await refreshDealSearchText(tx, workspaceId, [company.id], row.name);
        return this.summary(tx, row);
      });
    return onUniqueViolation(write, async () => {
      if (data.domain) await this.assertNoDomainDuplicate(this.deps.db, workspaceId, data.domain, companyId);
      return undefined;
    });
  }

  /**
   * A page of companies by name: all of them, or those whose name or domain contains the search.
   * Each with its contact and open-deal counts, counted for the page's companies only (two
   * grouped counts, not one per company).
   */
  async list(actor: Actor, scope: CompanyListScope, page: PageInput = {}): Promise<CompanyListView> {
    const s = parseInput(companyListScopeSchema, scope);
    const { page: p, pageSize } = parseInput(pageSchema, page);
    const { workspaceId } = actor;
    const db = this.deps.db;
    const orderBy: Prisma.CompanyOrderByWithRelationInput[] = [{ nameKey: 'asc' }, { id: 'asc' }];
    // Custom-field filters (`employees>100`, not with a search): index seeks on FieldValue(fieldId, value), ANDed.
    const filters = s.type === 'all' ? await listFilterWheres(this.deps, actor, 'company', s.filters ?? []) : [];
    const where: Prisma.CompanyWhereInput = { workspaceId, ...(filters.length > 0 && { AND: filters }) };
    let heading = s.type === 'all' && filters.length > 0 ? `All companies with ${filterWords(s.filters)}` : 'All companies';
    const skip = (p - 1) * pageSize;
    const cap = Math.max(this.deps.countCap ?? COUNT_CAP, p * pageSize);
    let rows: CompanySummaryRow[];
    let counted: { total: number; totalCapped: boolean; seen: number };
    if (s.type === 'search') {
      heading = `Companies matching “${s.query}”`;
      const pattern = likeContains(searchKey(s.query));
      // One statement for the page and its count (as the contact list search): the matches in
      // name order, names and domains in one pass down Company(workspaceId, nameKey, id, domain),
      // stopping at the count cap and one more; the page is cut from them and they are counted
      // in the database. It was a page and a count, each reading the names' and the domains'
      // indexes.
      const found = await db.$queryRaw<{ id: string | null; n: bigint | number }[]>`
        WITH "matches" AS MATERIALIZED (
          SELECT "id", "nameKey" FROM "Company"
          WHERE "workspaceId" = ${workspaceId} AND ("nameKey" LIKE ${pattern} ESCAPE '!' OR "domain" LIKE ${pattern} ESCAPE '!')
          ORDER BY "nameKey", "id" LIMIT ${cap + 1}
        )
        SELECT "page"."id", "counted"."n"
        FROM (SELECT COUNT(*) AS "n" FROM "matches") AS "counted"
        LEFT JOIN (SELECT "id", "nameKey" FROM "matches" ORDER BY "nameKey", "id" LIMIT ${pageSize} OFFSET ${skip}) AS "page" ON 1 = 1
        ORDER BY "page"."nameKey", "page"."id"`;
      const seen = Number(found[0]?.n ?? 0);
      const ids = found.flatMap((r) => (r.id === null ? [] : [r.id]));
      rows = ids.length === 0 ? [] : await db.company.findMany({ where: { workspaceId, id: { in: ids } }, orderBy, include: companySummaryInclude });
      counted = { total: Math.min(seen, cap), totalCapped: seen > cap, seen };
    } else {
      rows = await db.company.findMany({ where, orderBy, include: companySummaryInclude, skip, take: pageSize });
      counted =
        rows.length < pageSize && (rows.length > 0 || p === 1)
          ? { total: skip + rows.length, totalCapped: false, seen: skip + rows.length }
          : await countUpTo((take) => db.company.count({ where, orderBy, take }), cap);
    }
    return {
      heading,
      source: { scope: s },
      items: await this.summaries(db, workspaceId, rows),
      total: counted.total,
      totalCapped: counted.totalCapped,
      page: p,
      pageSize,
      hasMore: p * pageSize < counted.seen,
    };
  }

  /**
   * Merges company `fromId` into `intoId`, in one transaction: its contacts, deals and activities
   * move, the survivor's empty domain (and owner) are filled from the merged one, the merged one
   * is deleted, and an activity of type `merged` on the survivor says what moved. Afterwards
   * nothing points at the merged company's id.
   */
  async merge(actor: Actor, fromId: string, intoId: string): Promise<CompanyMergeResult> {
    await requireWriter(actor, this.deps);
    if (fromId === intoId) {
      throw new DomainError(DomainErrorCode.InvalidInput, 'A company can’t be merged into itself: pick two different companies.', {
        field: 'company',
      });
    }
    const { workspaceId } = actor;
    const now = this.deps.clock.now();
    const moved = await inTransaction(this.deps.db, async (tx) => {
      if (takesRowLocks(this.deps.db)) {
        const ids = [fromId, intoId].sort();
        await tx.$queryRaw`SELECT "id" FROM "Company" WHERE "workspaceId" = ${workspaceId} AND "id" IN (${ids[0]}, ${ids[1]}) ORDER BY "id" FOR UPDATE`;
      }
      const from = await this.row(tx, actor, fromId);
      const into = await this.row(tx, actor, intoId);
      const contacts = (await tx.contact.updateMany({ where: { workspaceId, companyId: from.id }, data: { companyId: into.id } })).count;
      const movedDeals = await tx.deal.findMany({ where: { workspaceId, companyId: from.id }, select: { id: true } });
      const deals = (await tx.deal.updateMany({ where: { workspaceId, companyId: from.id }, data: { companyId: into.id } })).count;
      if (movedDeals.length > 0) {
        await refreshDealSearchText(tx, workspaceId, [into.id], into.name, movedDeals.map((d) => d.id));
        await tx.dealEvent.createMany({
          data: movedDeals.map((d) => ({
            workspaceId,
            dealId: d.id,
            actorId: actor.memberId,
            kind: 'company',
            field: 'company',
            fromValue: from.name,
            toValue: into.name,
            at: now,
          })),
        });
      }
      const activities = (await tx.activity.updateMany({ where: { workspaceId, companyId: from.id }, data: { companyId: into.id } })).count;
      await moveFieldValues(tx, workspaceId, 'company', from.id, into.id);

      await tx.company.delete({ where: { id: from.id } });
      const fill: Prisma.CompanyUncheckedUpdateInput = {};
      if (!into.domain && from.domain) fill.domain = from.domain;
      if (!into.ownerId && from.ownerId) fill.ownerId = from.ownerId;
      await tx.company.update({ where: { id: into.id }, data: { ...fill, updatedAt: now } });

      const what = `${countOf(contacts, 'contact')}, ${countOf(deals, 'deal')}, ${countOf(activities, 'activity', 'activities')} moved`;
      await tx.activity.create({
        data: {
          workspaceId,
          companyId: into.id,
          authorId: actor.memberId,
          type: 'merged',
          body: `Merged ${companyLabel(from)} into this company: ${what}.`,
          occurredAt: now,
          source: 'api',
          createdAt: now,
        },
      });
      return { contacts, deals, activities };
    });
    return { company: await this.card(actor, intoId), moved };
  }

  /** One company's summary, its two counts included. */
  private async summary(db: Tx, row: CompanySummaryRow): Promise<CompanySummaryView> {
    const [contactCount, openDealCount] = await Promise.all([
      db.contact.count({ where: { workspaceId: row.workspaceId, companyId: row.id } }),
      db.deal.count({ where: openDeals(row.workspaceId, row.id) }),
    ]);
    return toCompanySummaryView(row, { contactCount, openDealCount });
  }

  /** Summaries of a page of companies: two grouped counts for the page, not two counts per company. */
  private async summaries(db: Tx, workspaceId: string, rows: CompanySummaryRow[]): Promise<CompanySummaryView[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [contactCounts, dealCounts] = await Promise.all([
      db.contact.groupBy({ by: ['companyId'], where: { workspaceId, companyId: { in: ids } }, _count: { _all: true } }),
      db.deal.groupBy({ by: ['companyId'], where: openDeals(workspaceId, { in: ids }), _count: { _all: true } }),
    ]);
    const contactsOf = new Map(contactCounts.map((c) => [c.companyId, c._count._all]));
    const dealsOf = new Map(dealCounts.map((d) => [d.companyId, d._count._all]));
    return rows.map((r) => toCompanySummaryView(r, { contactCount: contactsOf.get(r.id) ?? 0, openDealCount: dealsOf.get(r.id) ?? 0 }));
  }

  private async createResult(db: Tx, row: CompanySummaryRow, created: boolean): Promise<CreateCompanyResult> {
    const company = await this.summary(db, row);
    return { ...company, company, created };
  }

  private async row(db: Tx, actor: Actor, id: string): Promise<CompanySummaryRow> {
    const row = await db.company.findFirst({ where: { id, workspaceId: actor.workspaceId }, include: companySummaryInclude });
    if (!row) throw new DomainError(DomainErrorCode.NotFound, 'I can’t find that company.', { field: 'company' });
    return row;
  }

  private byKey(db: Tx, workspaceId: string, idempotencyKey: string) {
    return db.company.findUnique({
      where: { workspaceId_idempotencyKey: { workspaceId, idempotencyKey } },
      include: companySummaryInclude,
    });
  }

  private async memberInWorkspace(db: Tx, workspaceId: string, memberId: string) {
    const m = await db.member.findFirst({ where: { id: memberId, workspaceId }, select: { id: true } });
    if (!m) throw new DomainError(DomainErrorCode.UnknownMember, 'That person is not in this workspace.', { field: 'owner' });
    return m;
  }

  private async assertNoDomainDuplicate(tx: Tx, workspaceId: string, domain: string, exceptId?: string): Promise<void> {
    const dup = await tx.company.findUnique({ where: { workspaceId_domain: { workspaceId, domain } } });
    if (dup && dup.id !== exceptId) {
      const details = { field: 'domain', existingId: dup.id, record: 'company' as const };
      throw new DomainError(DomainErrorCode.Duplicate, `${dup.name} already has the domain ${domain}.`, details);
    }
  }

  private async assertNoNameDuplicate(tx: Tx, workspaceId: string, nameKey: string): Promise<void> {
    const dup = await tx.company.findFirst({ where: { workspaceId, nameKey }, orderBy: { createdAt: 'asc' } });
    if (!dup) return;
    const details = { field: 'name', existingId: dup.id, record: 'company' as const };
    throw new DomainError(DomainErrorCode.Duplicate, `${companyLabel(dup)} already exists.`, details);
  }
}

function createResult(row: CompanySummaryRow, counts: { contactCount: number; openDealCount: number }, created: boolean): CreateCompanyResult {
  const company = toCompanySummaryView(row, counts);
  return { ...company, company, created };
}

/**
 * Deals are found by their title and their company's name (Deal.searchText): after a rename or
 * a merge, the company's deals are found by its new name. Their `updatedAt` is kept: a renamed
 * company does not make its deals look recently worked on.
 */
async function refreshDealSearchText(tx: Tx, workspaceId: string, companyIds: string[], companyName: string, dealIds?: string[]) {
  const deals = await tx.deal.findMany({
    where: { workspaceId, companyId: { in: companyIds }, ...(dealIds && { id: { in: dealIds } }) },
    select: { id: true, title: true, updatedAt: true },
  });
  for (const d of deals) {
    await tx.deal.update({ where: { id: d.id }, data: { searchText: searchKey(d.title, companyName), updatedAt: d.updatedAt } });
  }
}

function ambiguous(text: string, candidates: { name: string; domain: string | null }[]): DomainError {
  const shown = candidates.slice(0, AMBIGUOUS_CANDIDATES).map(companyLabel);
  const more = candidates.length > AMBIGUOUS_CANDIDATES ? ' and more' : '';
  return new DomainError(
    DomainErrorCode.Ambiguous,
    `Several companies match “${text}”: ${shown.join(', ')}${more}. Say which one, by its domain or full name.`,
    { field: 'company', choices: shown },
  );
}
