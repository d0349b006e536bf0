/**
 * Contacts: the only writer of contacts (and, when merging, of what points at them). Every write
 * is one transaction; every read and write is scoped to the actor's workspace.
 */
import type { Prisma } from '../../generated/sqlite/client.js';
import { inTransaction, lockKey, onUniqueViolation, takesRowLocks, type Actor, type DomainDeps, type Tx } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import type { CompanyService } from '../companies/company.service.js';
import { normaliseDomain } from '../companies/company.schema.js';
import { RECENT_ACTIVITY_LIMIT, RECENT_ACTIVITY_SOURCES_MAX } from '../activities/activity.lines.js';
import { activityLinesOf } from '../activities/activity.recent.js';
import { pageSchema, type PageInput } from '../deals/deal.schema.js';
import { dealViewInclude, type DealRow } from '../deals/deal.view.js';
import { COUNT_CAP, countUpTo } from '../shared/count.js';
import { prefixEnd } from '../shared/prefix.js';
import { likeContains, likeStartsWith, searchKey } from '../shared/text.js';
import { parseInput } from '../shared/validate.js';
import { requireWriter } from '../shared/roles.js';
import { taskViewInclude, toTaskView } from '../tasks/task.view.js';
import { contactCardActions, contactLabel, contactSummaryInclude, countOf, toContactSummaryView, type ContactSummaryRow } from './contact.build.js';
import {
  contactListScopeSchema,
  contactQuerySchema,
  createContactSchema,
  editContactSchema,
  type CreateContactInput,
  type EditContactInput,
} from './contact.schema.js';
import type { ContactCardView, ContactListScope, ContactListView, ContactSummaryView } from './contact.view.js';
import { dealViewsOf } from './deal-views.js';
import { TRIGRAM_PAGE_CANDIDATES, trigramMatch } from './contact.trigram.js';
import { fieldLinesOf, filterWords, listFilterWheres, moveFieldValues, type FieldDefinitionsSource } from '../fields/field.lines.js';

/** What search answers: a contact summary (the ContactView of before, now with its owner). */
export type ContactView = ContactSummaryView;

/** How many open deals a card lists, and how many candidates an ambiguous match names. */
export const CONTACT_CARD_DEALS = 10;
export const AMBIGUOUS_CANDIDATES = 5;

/**
 * Text that can be part of a stored email: contacts' emails pass zod's email rule (letters,
 * digits, `_ ' + - .` and one `@`) and are stored in lower case.
 */
const EMAIL_TEXT = /^[a-z0-9_'+.@-]+$/;

/**
 * What `create` answers. The contract's shape is `{ contact, created }`; the contact's own fields
 * are also at the top level for the callers written before it (`(await create(…)).id`), until
 * they read `.contact`.
 */
export type CreateContactResult = ContactSummaryView & {
  contact: ContactSummaryView;
  /** False when an earlier delivery with the same idempotency key already created it. */
  created: boolean;
};

export interface ContactMergeResult {
  contact: ContactCardView;
  moved: { deals: number; activities: number; tasks: number };
}

/** The facts of a duplicate a surface offers a choice on (DomainError.details of a Duplicate). */
export interface DuplicateDetails {
  field: 'email' | 'name' | 'domain';
  existingId: string;
  record: 'contact' | 'company';
  emailTaken?: boolean;
}

export class ContactService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly companies: CompanyService,
  ) {}

  /** Where cards read the field definitions from (FieldService's cache, outside transactions only); without it, the database. */
  private fieldDefinitions?: FieldDefinitionsSource;
  useFieldDefinitions(source: FieldDefinitionsSource): void {
    this.fieldDefinitions = source;
  }

  /**
   * Creates a contact. The same email twice in a workspace is always a duplicate; the same name
   * at the same company is one unless `allowDuplicate`. Either refusal names the contact that is
   * there (`details.existingId`). With no company given, a company with the email's domain is
   * linked. A retried delivery (the same `idempotencyKey`) creates nothing and answers the
   * contact the first one made, `created: false`, even when the retries race.
   */
  async create(actor: Actor, input: CreateContactInput): Promise<CreateContactResult> {
    await requireWriter(actor, this.deps);
    const data = parseInput(createContactSchema, input);
    const { workspaceId } = actor;
    const key = data.idempotencyKey;
    if (key) {
      const existing = await this.byKey(this.deps.db, workspaceId, key);
      if (existing) return createResult(existing, false);
    }
    const ownerId = data.ownerId ? (await this.memberInWorkspace(this.deps.db, workspaceId, data.ownerId)).id : actor.memberId;
    const nameKey = searchKey(data.name);
    return onUniqueViolation<CreateContactResult>(
      () =>
        inTransaction(this.deps.db, async (tx) => {
          // Same name at the same company has no unique key: creators of one name take turns.
          await lockKey(this.deps.db, tx, `contact-name:${workspaceId}:${nameKey}`);
          if (key) {
            const existing = await this.byKey(tx, workspaceId, key);
            if (existing) return createResult(existing, false);
          }
          if (data.email) await this.assertNoEmailDuplicate(tx, workspaceId, data.email);
          const companyId = await this.companyFor(tx, actor, data);
          if (!data.allowDuplicate) await this.assertNoNameDuplicate(tx, workspaceId, nameKey, companyId);
          const row = await tx.contact.create({
            data: {
              workspaceId,
              name: data.name,
              nameKey,
              email: data.email ?? null,
              phone: data.phone ?? null,
              title: data.title || null,
              companyId,
              ownerId,
              idempotencyKey: key ?? null,
              createdAt: this.deps.clock.now(),
            },
            include: contactSummaryInclude,
          });
          return createResult(row, true);
        }),
      // Another delivery with the key, or another contact with the email, at the same moment.
      async () => {
        const existing = key ? await this.byKey(this.deps.db, workspaceId, key) : null;
        if (existing) return createResult(existing, false);
        if (data.email) await this.assertNoEmailDuplicate(this.deps.db, workspaceId, data.email);
        return undefined;
      },
    );
  }

  /**
   * The one contact a person meant: by id, exact email, exact name (case- and accent-blind),
   * else the single contact a search finds. Several: an error naming up to five; none: NotFound.
   */
  async resolve(actor: Actor, query: string): Promise<ContactSummaryView> {
    const text = parseInput(contactQuerySchema, query);
    const { workspaceId } = actor;
    const db = this.deps.db;
    const byId = await db.contact.findFirst({ where: { id: text, workspaceId }, include: contactSummaryInclude });
    if (byId) return toContactSummaryView(byId);
    if (text.includes('@')) {
      const byEmail = await db.contact.findUnique({
        where: { workspaceId_email: { workspaceId, email: text.toLowerCase() } },
        include: contactSummaryInclude,
      });
      if (byEmail) return toContactSummaryView(byEmail);
    }
    const nameKey = searchKey(text);
    const byName = await db.contact.findMany({
      where: { workspaceId, nameKey },
      orderBy: [{ nameKey: 'asc' }, { id: 'asc' }],
      take: AMBIGUOUS_CANDIDATES + 1,
      include: contactSummaryInclude,
    });
    if (byName.length === 1) return toContactSummaryView(byName[0]!);
    if (byName.length > 1) throw ambiguous(text, byName.map(toContactSummaryView));
    const found = await this.search(actor, text, AMBIGUOUS_CANDIDATES + 1);
    if (found.length === 1) return found[0]!;
    if (found.length > 1) throw ambiguous(text, found);
    throw new DomainError(DomainErrorCode.NotFound, `No contact matches “${text}”.`, { field: 'contact' });
  }

  /**
   * Contacts whose name or email contains the text (literally: `%`, `_` and `\` are characters,
   * not LIKE wildcards), those whose name or email starts with it first, each group by name (as
   * company search ranks names). Names and emails that start with the text are seeks in
   * `Contact(workspaceId, nameKey, id, email)` and `Contact(workspaceId, email)`; only when they
   * are fewer than `limit` does a second statement read that first index in name order for the
   * ones that merely contain it, both columns in one pass, stopping at `limit` matches. Text that
   * no email can hold (a space, a `%`) is not looked for in emails, text with an `@` not in names.
   */
  async search(actor: Actor, text: string, limit = 10): Promise<ContactSummaryView[]> {
    const key = searchKey(text);
    const workspaceId = actor.workspaceId;
    const take = Math.min(Math.max(Math.trunc(limit), 1), 100);
    if (!key) {
      const rows = await this.deps.db.contact.findMany({
        where: { workspaceId },
        include: contactSummaryInclude,
        orderBy: [{ nameKey: 'asc' }, { id: 'asc' }],
        take,
      });
      return rows.map(toContactSummaryView);
    }
    const names: 0 | 1 = key.includes('@') ? 0 : 1;
    const emails: 0 | 1 = EMAIL_TEXT.test(key) ? 1 : 0;
    const starts = likeStartsWith(key);
    const upTo = prefixEnd(key);
    const contains = likeContains(key);
    // Two seeks, names and emails that start with the text, merged in name order.
    const starting = await this.deps.db.$queryRaw<{ id: string }[]>`
      SELECT "id", "nameKey" FROM (
        SELECT "id", "nameKey" FROM "Contact"
        WHERE "workspaceId" = ${workspaceId} AND ${names} = 1
          AND "nameKey" >= ${key} AND "nameKey" < ${upTo} AND "nameKey" LIKE ${starts} ESCAPE '!'
        ORDER BY "nameKey", "id" LIMIT ${take}
      ) AS "byName"
      UNION
      SELECT "id", "nameKey" FROM (
        SELECT "id", "nameKey" FROM "Contact"
        WHERE "workspaceId" = ${workspaceId} AND ${emails} = 1
          AND "email" >= ${key} AND "email" < ${upTo} AND "email" LIKE ${starts} ESCAPE '!'
        ORDER BY "email" LIMIT ${take}
      ) AS "byEmail"
      ORDER BY "nameKey", "id" LIMIT ${take}`;
    let ranked = starting;
    if (starting.length < take) {
      // Fewer than a page start with it: then every one that does is in `starting`, and the rest
      // of the page is the first of those that contain it, by name, in one pass over names and
      // emails (a separate statement: folded into the first, the pass ran even when not needed).
      // On SQLite the trigram index names the contacts that hold the text (contact.trigram.ts).
      const first = new Set(starting.map((r) => r.id));
      const match = await trigramMatch(this.deps.db, key, { names, emails }, TRIGRAM_PAGE_CANDIDATES);
      const inside =
        match !== null
          ? await this.deps.db.$queryRaw<{ id: string }[]>`
              SELECT "c"."id" FROM (SELECT rowid AS "r" FROM "ContactSearch" WHERE "ContactSearch" MATCH ${match}) AS "held"
              CROSS JOIN "Contact" AS "c" ON "c".rowid = "held"."r"
              WHERE "c"."workspaceId" = ${workspaceId}
                AND ((${names} = 1 AND "c"."nameKey" LIKE ${contains} ESCAPE '!') OR (${emails} = 1 AND "c"."email" LIKE ${contains} ESCAPE '!'))
              ORDER BY "c"."nameKey", "c"."id" LIMIT ${take}`
          : await this.deps.db.$queryRaw<{ id: string }[]>`
              SELECT "id" FROM "Contact"
              WHERE "workspaceId" = ${workspaceId}
                AND ((${names} = 1 AND "nameKey" LIKE ${contains} ESCAPE '!') OR (${emails} = 1 AND "email" LIKE ${contains} ESCAPE '!'))
              ORDER BY "nameKey", "id" LIMIT ${take}`;
      ranked = [...starting, ...inside.filter((r) => !first.has(r.id))].slice(0, take);
    }
    return (await this.rowsInOrder(workspaceId, ranked.map((r) => r.id))).map(toContactSummaryView);
  }

  async get(actor: Actor, id: string): Promise<ContactSummaryView> {
    return toContactSummaryView(await this.row(this.deps.db, actor, id));
  }

  /**
   * The contact card: details, company, owner, their open deals (newest first, at most 10), the
   * latest activities on them or their deals (at most 5), their first open task.
   */
  async card(actor: Actor, contactId: string): Promise<ContactCardView> {
    return this.cardIn(this.deps.db, actor, contactId);
  }

  /** Changes a contact. A new email another contact has is a duplicate; `companyName: null` detaches. */
  async edit(actor: Actor, contactId: string, patch: EditContactInput): Promise<ContactSummaryView> {
    await requireWriter(actor, this.deps);
    const data = parseInput(editContactSchema, patch);
    const { workspaceId } = actor;
    const write = () =>
      inTransaction(this.deps.db, async (tx) => {
        const contact = await this.row(tx, actor, contactId);
        const update: Prisma.ContactUncheckedUpdateInput = {};
        if (data.name !== undefined && data.name !== contact.name) Object.assign(update, { name: data.name, nameKey: searchKey(data.name) });
        if (data.email !== undefined && data.email !== contact.email) {
          if (data.email) await this.assertNoEmailDuplicate(tx, workspaceId, data.email, contact.id);
          update.email = data.email;
        }
        if (data.phone !== undefined && data.phone !== contact.phone) update.phone = data.phone;
        if (data.title !== undefined && (data.title || null) !== contact.title) update.title = data.title || null;
        if (data.companyName !== undefined) {
          const company = data.companyName ? await this.companies.findOrCreateByName(tx, workspaceId, data.companyName) : null;
          if ((company?.id ?? null) !== contact.companyId) update.companyId = company?.id ?? null;
        }
        if (data.ownerId !== undefined && data.ownerId !== contact.ownerId) {
          update.ownerId = (await this.memberInWorkspace(tx, workspaceId, data.ownerId)).id;
        }
        if (Object.keys(update).length === 0) return contact;
        return tx.contact.update({
          where: { id: contact.id },
          data: { ...update, updatedAt: this.deps.clock.now() },
          include: contactSummaryInclude,
        });
      });
    const row = await onUniqueViolation(write, async () => {
      if (data.email) await this.assertNoEmailDuplicate(this.deps.db, workspaceId, data.email, contactId);
      return undefined;
    });
    return toContactSummaryView(row);
  }

  /**
   * A page of contacts by name: the actor's (`mine`), everyone's (`all`), a company's (by name or
   * domain; NotFound when there is no such company) or those matching a search. Counted up to the
   * workspace's count cap, and only when the page cannot tell.
   */
  async list(actor: Actor, scope: ContactListScope, page: PageInput = {}): Promise<ContactListView> {
    const s = parseInput(contactListScopeSchema, scope);
    const { page: p, pageSize } = parseInput(pageSchema, page);
    const { workspaceId } = actor;
    const source = { scope: s };
    if (s.type === 'search') {
      // One statement for the page and its count: the matches in name order, names and emails in
      // one pass down Contact(workspaceId, nameKey, id, email), stopping at the count cap (and one
      // more, to know there are more); the page is cut from them and they are counted in the
      // database. It was two statements (a page, then a count) reading both columns' indexes
      // each, three full index scans when few contacts match (~50 ms at 100k contacts).
      const key = searchKey(s.query);
      const pattern = likeContains(key);
      const names: 0 | 1 = key.includes('@') ? 0 : 1;
      const emails: 0 | 1 = EMAIL_TEXT.test(key) ? 1 : 0;
      const skip = (p - 1) * pageSize;
      const cap = Math.max(this.deps.countCap ?? COUNT_CAP, p * pageSize);
      // On SQLite the trigram index names the contacts that hold the text (contact.trigram.ts).
      const match = await trigramMatch(this.deps.db, key, { names, emails });
      const found =
        match !== null
          ? await this.deps.db.$queryRaw<{ id: string | null; n: bigint | number }[]>`
              WITH "matches" AS MATERIALIZED (
                SELECT "c"."id", "c"."nameKey" FROM (SELECT rowid AS "r" FROM "ContactSearch" WHERE "ContactSearch" MATCH ${match}) AS "held"
                CROSS JOIN "Contact" AS "c" ON "c".rowid = "held"."r"
                WHERE "c"."workspaceId" = ${workspaceId}
                  AND ((${names} = 1 AND "c"."nameKey" LIKE ${pattern} ESCAPE '!') OR (${emails} = 1 AND "c"."email" LIKE ${pattern} ESCAPE '!'))
                ORDER BY "c"."nameKey", "c"."id" LIMIT ${cap + 1}
              )
              SELECT "page"."id", "counted"."n"
              FROM (SELECT COUNT(*) AS "n" FROM "matches") AS "counted"
              LEFT JOIN (SELECT "id", "nameKey" FROM "matches" ORDER BY "nameKey", "id" LIMIT ${pageSize} OFFSET ${skip}) AS "page" ON 1 = 1
              ORDER BY "page"."nameKey", "page"."id"`
          : await this.deps.db.$queryRaw<{ id: string | null; n: bigint | number }[]>`
              WITH "matches" AS MATERIALIZED (
                SELECT "id", "nameKey" FROM "Contact"
                WHERE "workspaceId" = ${workspaceId}
                  AND ((${names} = 1 AND "nameKey" LIKE ${pattern} ESCAPE '!') OR (${emails} = 1 AND "email" LIKE ${pattern} ESCAPE '!'))
                ORDER BY "nameKey", "id" LIMIT ${cap + 1}
              )
              SELECT "page"."id", "counted"."n"
              FROM (SELECT COUNT(*) AS "n" FROM "matches") AS "counted"
              LEFT JOIN (SELECT "id", "nameKey" FROM "matches" ORDER BY "nameKey", "id" LIMIT ${pageSize} OFFSET ${skip}) AS "page" ON 1 = 1
              ORDER BY "page"."nameKey", "page"."id"`;
      const seen = Number(found[0]?.n ?? 0);
      const rows = await this.rowsInOrder(workspaceId, found.flatMap((r) => (r.id === null ? [] : [r.id])));
      return {
        heading: `Contacts matching “${s.query}”`,
        source,
        items: rows.map(toContactSummaryView),
        total: Math.min(seen, cap),
        totalCapped: seen > cap,
        page: p,
        pageSize,
        hasMore: p * pageSize < seen,
      };
    }
    let where: Prisma.ContactWhereInput;
    let heading: string;
    if (s.type === 'mine') {
      where = { workspaceId, ownerId: actor.memberId };
      heading = 'Your contacts';
    } else if (s.type === 'company') {
      const company = await this.companyNamed(actor, s.company);
      where = { workspaceId, companyId: company.id };
      heading = `Contacts at ${company.name}`;
    } else {
      where = { workspaceId };
      heading = 'All contacts';
    }
    // Custom-field filters (`tier=gold`): index seeks on FieldValue(fieldId, value), ANDed (docs/fields.md).
    const filters = await listFilterWheres(this.deps, actor, 'contact', s.filters ?? []);
    if (filters.length > 0) {
      where = { ...where, AND: filters };
      heading = `${heading} with ${filterWords(s.filters)}`;
    }
    const orderBy: Prisma.ContactOrderByWithRelationInput[] = [{ nameKey: 'asc' }, { id: 'asc' }];
    return this.pageOf(
      { heading, source },
      p,
      pageSize,
      (skip, take) => this.deps.db.contact.findMany({ where, orderBy, include: contactSummaryInclude, skip, take }),
      (take) => this.deps.db.contact.count({ where, orderBy, take }),
    );
  }

  /**
   * Merges `fromContactId` into `intoContactId`, in one transaction: their deal links move (a deal
   * both are on keeps one link), their activities and tasks move, the survivor's empty fields are
   * filled from the merged one, the merged one is deleted, and an activity of type `merged` on the
   * survivor says what moved. Afterwards nothing points at the merged contact's id.
   */
  async merge(actor: Actor, fromContactId: string, intoContactId: string): Promise<ContactMergeResult> {
    await requireWriter(actor, this.deps);
    if (fromContactId === intoContactId) {
      throw new DomainError(DomainErrorCode.InvalidInput, 'A contact can’t be merged into itself: pick two different contacts.', {
        field: 'contact',
      });
    }
    const { workspaceId } = actor;
    const now = this.deps.clock.now();
    const moved = await inTransaction(this.deps.db, async (tx) => {
      if (takesRowLocks(this.deps.db)) {
        // Both rows, in one order, so that two merges of the same pair wait instead of deadlocking.
        const ids = [fromContactId, intoContactId].sort();
        await tx.$queryRaw`SELECT "id" FROM "Contact" WHERE "workspaceId" = ${workspaceId} AND "id" IN (${ids[0]}, ${ids[1]}) ORDER BY "id" FOR UPDATE`;
      }
      const from = await this.row(tx, actor, fromContactId);
      const into = await this.row(tx, actor, intoContactId);

      const intoDeals = new Set(
        (await tx.dealContact.findMany({ where: { contactId: into.id }, select: { dealId: true } })).map((l) => l.dealId),
      );
      const fromLinks = await tx.dealContact.findMany({ where: { contactId: from.id }, select: { dealId: true } });
      const toMove = fromLinks.map((l) => l.dealId).filter((id) => !intoDeals.has(id));
      const deals = toMove.length
        ? (await tx.dealContact.updateMany({ where: { contactId: from.id, dealId: { in: toMove } }, data: { contactId: into.id } })).count
        : 0;
      await tx.dealContact.deleteMany({ where: { contactId: from.id } });
      if (fromLinks.length > 0) {
        // Each deal they were on says who it is on now.
        await tx.dealEvent.createMany({
          data: fromLinks.map((l) => ({
            workspaceId,
            dealId: l.dealId,
            actorId: actor.memberId,
            kind: 'contact',
            field: 'contact',
            fromValue: from.name,
            toValue: into.name,
            at: now,
          })),
        });
      }
      const activities = (await tx.activity.updateMany({ where: { workspaceId, contactId: from.id }, data: { contactId: into.id } })).count;
      const tasks = (await tx.task.updateMany({ where: { workspaceId, contactId: from.id }, data: { contactId: into.id } })).count;
      await moveFieldValues(tx, workspaceId, 'contact', from.id, into.id);

      await tx.contact.delete({ where: { id: from.id } });
      const fill: Prisma.ContactUncheckedUpdateInput = {};
      if (!into.email && from.email) fill.email = from.email;
      if (!into.phone && from.phone) fill.phone = from.phone;
      if (!into.title && from.title) fill.title = from.title;
      if (!into.companyId && from.companyId) fill.companyId = from.companyId;
      if (!into.ownerId && from.ownerId) fill.ownerId = from.ownerId;
      await tx.contact.update({ where: { id: into.id }, data: { ...fill, updatedAt: now } });

      const what = `${countOf(deals, 'deal')}, ${countOf(activities, 'activity', 'activities')}, ${countOf(tasks, 'task')} moved`;
      await tx.activity.create({
        data: {
          workspaceId,
          contactId: into.id,
          authorId: actor.memberId,
          type: 'merged',
          body: `Merged ${contactLabel({ name: from.name, email: from.email })} into this contact: ${what}.`,
          occurredAt: now,
          source: 'api',
          createdAt: now,
        },
      });
      return { deals, activities, tasks };
    });
    return { contact: await this.card(actor, intoContactId), moved };
  }

  private async cardIn(db: Tx, actor: Actor, contactId: string): Promise<ContactCardView> {
    const { workspaceId } = actor;
    const now = this.deps.clock.now();
    const contact = await this.row(db, actor, contactId);
    const openTaskWhere: Prisma.TaskWhereInput = { workspaceId, contactId: contact.id, doneAt: null };
    // Their open deals by a join from their links (DealContact(contactId), then each deal by its
    // key): a relation filter (`deal: { status: 'open' }`) had SQLite list every open deal of the
    // workspace first (13 ms at 100k deals against 0.4 ms). CROSS JOIN keeps SQLite's join order
    // (links first) even without planner statistics, where it chose the Deal status index and
    // read every open deal (730 ms); PostgreSQL plans it as the inner join it is.
    // The page of open deals and their count in one statement: both walk the same links (a hub
    // contact has hundreds), once.
    const [openPage, recentIds, nextTask, openTaskCount] = await Promise.all([
      db.$queryRaw<{ id: string | null; n: bigint | number }[]>`
        WITH "open" AS MATERIALIZED (
          SELECT d."id", d."createdAt" FROM "DealContact" dc CROSS JOIN "Deal" d
          WHERE dc."contactId" = ${contact.id} AND d."id" = dc."dealId" AND d."workspaceId" = ${workspaceId} AND d."status" = 'open' AND d."archived" = false
        )
        SELECT "page"."id", "counted"."n"
        FROM (SELECT COUNT(*) AS "n" FROM "open") AS "counted"
        LEFT JOIN (SELECT "id", "createdAt" FROM "open" ORDER BY "createdAt" DESC, "id" DESC LIMIT ${CONTACT_CARD_DEALS}) AS "page" ON 1 = 1
        ORDER BY "page"."createdAt" DESC, "page"."id" DESC`,
      // The newest activities on them and on their most recently linked deals (at most
      // RECENT_ACTIVITY_SOURCES_MAX), each source down its own Activity index, merged and cut in
      // the database: one statement where a findMany per source (and one for the links) were
      // nine. `workspaceId` is tested after the cut, as in `recentActivityLines`.
      db.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM (
          SELECT "id", "occurredAt", "workspaceId" FROM (
            SELECT a."id", a."occurredAt", a."workspaceId" FROM "Activity" a
            WHERE a."contactId" = ${contact.id}
            ORDER BY a."occurredAt" DESC, a."id" DESC LIMIT ${RECENT_ACTIVITY_LIMIT}
          ) AS "onContact"
          UNION
          SELECT "id", "occurredAt", "workspaceId" FROM (
            SELECT a."id", a."occurredAt", a."workspaceId"
            FROM (
              SELECT "dealId" FROM "DealContact" WHERE "contactId" = ${contact.id}
              ORDER BY "createdAt" DESC LIMIT ${RECENT_ACTIVITY_SOURCES_MAX}
            ) AS l CROSS JOIN "Activity" a
            WHERE a."dealId" = l."dealId"
            ORDER BY a."occurredAt" DESC, a."id" DESC LIMIT ${RECENT_ACTIVITY_LIMIT}
          ) AS "onDeals"
        ) AS "recent"
        WHERE "workspaceId" = ${workspaceId}
        ORDER BY "occurredAt" DESC, "id" DESC LIMIT ${RECENT_ACTIVITY_LIMIT}`,
      db.task.findFirst({
        where: openTaskWhere,
        orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { number: 'asc' }],
        include: taskViewInclude,
      }),
      db.task.count({ where: openTaskWhere }),
    ]);
    const [dealRows, recentActivity] = await Promise.all([
      this.dealRowsInOrder(db, workspaceId, openPage.flatMap((r) => (r.id === null ? [] : [r.id]))),
      activityLinesOf(db, workspaceId, recentIds.map((r) => r.id)),
    ]);
    const openDeals = await dealViewsOf(db, actor, dealRows, now);
    const openDealCount = Number(openPage[0]?.n ?? 0);
    return {
      ...toContactSummaryView(contact),
      openDeals,
      openDealCount,
      recentActivity,
      nextTask: nextTask ? toTaskView(nextTask, now, actor.timeZone) : null,
      openTaskCount,
      fields: await fieldLinesOf(db, workspaceId, 'contact', contact.id, db === this.deps.db ? await this.fieldDefinitions?.(workspaceId, 'contact') : undefined),
      actions: contactCardActions(contact.id),
    };
  }

  private async pageOf(
    what: Pick<ContactListView, 'heading' | 'source'>,
    page: number,
    pageSize: number,
    fetch: (skip: number, take: number) => Promise<ContactSummaryRow[]>,
    count: (take: number) => Promise<number>,
  ): Promise<ContactListView> {
    const skip = (page - 1) * pageSize;
    const rows = await fetch(skip, pageSize);
    // A short page (other than an empty page past the end) tells the total without counting.
    const counted =
      rows.length < pageSize && (rows.length > 0 || page === 1)
        ? { total: skip + rows.length, totalCapped: false, seen: skip + rows.length }
        : await countUpTo(count, Math.max(this.deps.countCap ?? COUNT_CAP, page * pageSize));
    return {
      ...what,
      items: rows.map(toContactSummaryView),
      total: counted.total,
      totalCapped: counted.totalCapped,
      page,
      pageSize,
      hasMore: page * pageSize < counted.seen,
    };
  }

  private async dealRowsInOrder(db: Tx, workspaceId: string, ids: string[]): Promise<DealRow[]> {
    if (ids.length === 0) return [];
    const rows = await db.deal.findMany({ where: { id: { in: ids }, workspaceId }, include: dealViewInclude });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  private async rowsInOrder(workspaceId: string, ids: string[]): Promise<ContactSummaryRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.deps.db.contact.findMany({ where: { id: { in: ids }, workspaceId }, include: contactSummaryInclude });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** The company a list names, by domain or name (NotFound when there is none). */
  private async companyNamed(actor: Actor, text: string): Promise<{ id: string; name: string }> {
    return this.companies.resolveRow(actor, text);
  }

  private async row(db: Tx, actor: Actor, id: string): Promise<ContactSummaryRow> {
    const row = await db.contact.findFirst({ where: { id, workspaceId: actor.workspaceId }, include: contactSummaryInclude });
    if (!row) throw new DomainError(DomainErrorCode.NotFound, 'I can’t find that contact.', { field: 'contact' });
    return row;
  }

  private byKey(db: Tx, workspaceId: string, idempotencyKey: string) {
    return db.contact.findUnique({
      where: { workspaceId_idempotencyKey: { workspaceId, idempotencyKey } },
      include: contactSummaryInclude,
    });
  }

  private async memberInWorkspace(db: Tx, workspaceId: string, memberId: string) {
    const m = await db.member.findFirst({ where: { id: memberId, workspaceId }, select: { id: true } });
    if (!m) throw new DomainError(DomainErrorCode.UnknownMember, 'That person is not in this workspace.', { field: 'owner' });
    return m;
  }

  private async companyFor(tx: Tx, actor: Actor, data: { companyId?: string; companyName?: string; email?: string }) {
    if (data.companyId) {
      const c = await tx.company.findFirst({ where: { id: data.companyId, workspaceId: actor.workspaceId } });
      if (!c) throw new DomainError(DomainErrorCode.NotFound, 'I can’t find that company.', { field: 'companyId' });
      return c.id;
    }
    if (data.companyName) return (await this.companies.findOrCreateByName(tx, actor.workspaceId, data.companyName)).id;
    const domain = data.email ? normaliseDomain(data.email.split('@')[1] ?? '') : undefined;
    if (!domain) return null;
    const byDomain = await tx.company.findUnique({ where: { workspaceId_domain: { workspaceId: actor.workspaceId, domain } } });
    return byDomain?.id ?? null;
  }

  private async assertNoEmailDuplicate(tx: Tx, workspaceId: string, email: string, exceptId?: string): Promise<void> {
    const dup = await tx.contact.findUnique({ where: { workspaceId_email: { workspaceId, email } } });
    if (dup && dup.id !== exceptId) {
      const details: DuplicateDetails = { field: 'email', existingId: dup.id, record: 'contact', emailTaken: true };
      throw new DomainError(DomainErrorCode.Duplicate, `${dup.name} already has the email ${email}.`, details);
    }
  }

  /** The same name at the same company (or, with no company, another contact with none). */
  private async assertNoNameDuplicate(tx: Tx, workspaceId: string, nameKey: string, companyId: string | null): Promise<void> {
    const dup = await tx.contact.findFirst({
      where: { workspaceId, nameKey, companyId },
      orderBy: { createdAt: 'asc' },
      include: { company: { select: { name: true } } },
    });
    if (!dup) return;
    const at = dup.company ? ` at ${dup.company.name}` : '';
    const email = dup.email ? ` (${dup.email})` : '';
    const details: DuplicateDetails = { field: 'name', existingId: dup.id, record: 'contact', emailTaken: false };
    throw new DomainError(DomainErrorCode.Duplicate, `${dup.name}${at} already exists${email}.`, details);
  }
}

function createResult(row: ContactSummaryRow, created: boolean): CreateContactResult {
  const contact = toContactSummaryView(row);
  return { ...contact, contact, created };
}

function ambiguous(text: string, candidates: ContactSummaryView[]): DomainError {
  const shown = candidates.slice(0, AMBIGUOUS_CANDIDATES).map(contactLabel);
  const more = candidates.length > AMBIGUOUS_CANDIDATES ? ' and more' : '';
  return new DomainError(
    DomainErrorCode.Ambiguous,
    `Several contacts match “${text}”: ${shown.join(', ')}${more}. Say which one, by email or full name.`,
    { field: 'contact', choices: shown },
  );
}
