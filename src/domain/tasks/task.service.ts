/**
 * Tasks: the only writer of tasks. A task has a per-workspace reference (`T-3`), an assignee, an
 * optional due date, and may be on a deal and/or a contact. A deal's next action IS its first
 * open task (task.mirror.ts): every write here that touches a deal's tasks recomputes the deal's
 * next action in the same transaction. Completing a task logs it on the timeline.
 */
import type { Prisma } from '../../generated/sqlite/client.js';
import { inTransaction, onUniqueViolation, type Actor, type DomainDeps, type Tx } from '../context.js';
import { DomainError, DomainErrorCode, isDomainError } from '../errors.js';
import type { DealService } from '../deals/deal.service.js';
import { pageSchema, type PageInput } from '../deals/deal.schema.js';
import { dealRef } from '../deals/deal.view.js';
import type { IdentityService } from '../identity/identity.service.js';
import type { ActivitySource } from '../activities/activity.schema.js';
import { COUNT_CAP, countUpTo } from '../shared/count.js';
import { addDays, fromDateOnly, toDateOnly, todayIn } from '../shared/dates.js';
import type { PersonRef } from '../shared/person.js';
import { parseInput } from '../shared/validate.js';
import { requireWriter } from '../shared/roles.js';
import {
  createTaskSchema,
  editTaskSchema,
  taskListScopeSchema,
  taskRefSchema,
  TASK_SNOOZE_MAX_DAYS,
  type CreateTaskInput,
  type EditTaskInput,
} from './task.schema.js';
import {
  FIRST_OPEN_TASK_ORDER,
  allocateTaskNumber,
  firstOpenTask,
  lockDealRow,
  syncDealNextAction,
} from './task.mirror.js';
import {
  TASK_REF_PATTERN,
  taskRef,
  taskViewInclude,
  toTaskView,
  type TaskListScope,
  type TaskListView,
  type TaskRow,
  type TaskView,
} from './task.view.js';

export interface CreateTaskResult {
  task: TaskView;
  /** False when an earlier delivery with the same idempotency key already created it. */
  created: boolean;
}

/**
 * What a write asked of a task did: `changed` is false when it was already as asked (done twice,
 * a replayed click, someone else first); nothing was written or logged then.
 */
export interface TaskChange {
  task: TaskView;
  changed: boolean;
}

export interface TaskSnooze extends TaskChange {
  /** The task's due date now (`YYYY-MM-DD`). */
  until: string;
}

/** A few of someone's tasks and how many there are (the morning nudge). */
export interface TaskSection {
  items: TaskView[];
  total: number;
  totalCapped: boolean;
}

/** How many of a member's due tasks the nudge looks through (it shows a few and counts these). */
const NUDGE_TASK_SCAN = 200;

export class TaskService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly deals: DealService,
    private readonly identity: IdentityService,
  ) {}

  /**
   * Creates a task, numbered T-<n> in the workspace, assigned to `assignee`/`assigneeId` or the
   * actor. On a deal, it becomes the deal's next action when it is the deal's first open task.
   */
  async create(actor: Actor, input: CreateTaskInput): Promise<CreateTaskResult> {
    await requireWriter(actor, this.deps);
    const data = parseInput(createTaskSchema, input);
    const { workspaceId } = actor;
    if (data.idempotencyKey) {
      const existing = await this.byKey(actor, data.idempotencyKey);
      if (existing) return { task: existing, created: false };
    }
    const assigneeId = (await this.assigneeOf(actor, data)) ?? actor.memberId;
    const now = this.deps.clock.now();
    return onUniqueViolation<CreateTaskResult>(
      async () => {
        const row = await inTransaction(this.deps.db, async (tx) => {
          const dealId = data.deal ? await this.deals.resolveId(actor, data.deal, tx) : null;
          // The deal's row before the workspace's (task.mirror.ts: lock order).
          if (dealId) await lockDealRow(this.deps.db, tx, dealId);
          if (data.contactId) await this.contactInWorkspace(tx, actor, data.contactId);
          const number = await allocateTaskNumber(tx, workspaceId);
          const task = await tx.task.create({
            data: {
              workspaceId,
              number,
              dealId,
              contactId: data.contactId ?? null,
              title: data.title,
              dueAt: data.due ? fromDateOnly(data.due) : null,
              assigneeId,
              createdById: actor.memberId,
              idempotencyKey: data.idempotencyKey ?? null,
              createdAt: now,
              updatedAt: now,
            },
            include: taskViewInclude,
          });
          if (dealId) await syncDealNextAction(tx, dealId, now);
          return task;
        });
        return { task: this.view(actor, row), created: true };
      },
      // The same delivery key at once: the task the other delivery created.
      async () => {
        const existing = data.idempotencyKey ? await this.byKey(actor, data.idempotencyKey) : undefined;
        return existing && { task: existing, created: false };
      },
    );
  }

  /** One task by reference (`T-3`) or id. */
  async get(actor: Actor, ref: string): Promise<TaskView> {
    return this.view(actor, await this.loadRow(this.deps.db, actor, ref));
  }

  /**
   * Open tasks, due first (undated last), then by number: the actor's (`mine`), the actor's
   * overdue ones (due before today in their time zone), one person's, a deal's or a contact's.
   */
  async list(actor: Actor, scope: TaskListScope, page: PageInput = {}): Promise<TaskListView> {
    const s = parseInput(taskListScopeSchema, scope);
    const { page: p, pageSize } = parseInput(pageSchema, page);
    const open: Prisma.TaskWhereInput = { workspaceId: actor.workspaceId, doneAt: null };
    let where: Prisma.TaskWhereInput;
    let heading: string;
    switch (s.type) {
      case 'mine':
        where = { ...open, assigneeId: actor.memberId };
        heading = 'Your open tasks';
        break;
      case 'overdue': {
        const today = fromDateOnly(todayIn(actor.timeZone, this.deps.clock.now()));
        where = { ...open, assigneeId: actor.memberId, dueAt: { lt: today } };
        heading = 'Overdue tasks';
        break;
      }
      case 'person': {
        const member = await this.person(actor, s.person);
        where = { ...open, assigneeId: member.id };
        heading = member.id === actor.memberId ? 'Your open tasks' : `${member.displayName}’s open tasks`;
        break;
      }
      case 'deal': {
        const dealId = await this.deals.resolveId(actor, s.ref);
        const deal = await this.deps.db.deal.findUniqueOrThrow({ where: { id: dealId }, select: { number: true } });
        where = { ...open, dealId };
        heading = `Open tasks on ${dealRef(deal.number)}`;
        break;
      }
      case 'contact': {
        const contact = await this.contactInWorkspace(this.deps.db, actor, s.contactId);
        where = { ...open, contactId: contact.id };
        heading = `Open tasks for ${contact.name}`;
        break;
      }
    }
    const skip = (p - 1) * pageSize;
    const rows = await this.deps.db.task.findMany({ where, orderBy: FIRST_OPEN_TASK_ORDER, include: taskViewInclude, skip, take: pageSize });
    // A short page (other than an empty page past the end) tells the total without counting.
    const counted =
      rows.length < pageSize && (rows.length > 0 || p === 1)
        ? { total: skip + rows.length, totalCapped: false, seen: skip + rows.length }
        : await countUpTo(
            (take) => this.deps.db.task.count({ where, orderBy: FIRST_OPEN_TASK_ORDER, take }),
            Math.max(this.deps.countCap ?? COUNT_CAP, p * pageSize),
          );
    return {
      heading,
      source: { scope: s },
      items: rows.map((r) => this.view(actor, r)),
      total: counted.total,
      totalCapped: counted.totalCapped,
      page: p,
      pageSize,
      hasMore: p * pageSize < counted.seen,
    };
  }

  /**
   * Marks a task done and logs it on the timeline: an activity "Done: <title>" on its deal and/or
   * contact, by the actor, and for a deal task a `task_done` timeline entry; the deal's next action
   * moves on to its next open task. Already done (a second click, two at once): nothing changes
   * and nothing is logged again (`changed` false); the check is part of the UPDATE itself.
   */
  async complete(actor: Actor, ref: string, opts: { source?: ActivitySource } = {}): Promise<TaskChange> {
    await requireWriter(actor, this.deps);
    const now = this.deps.clock.now();
    const { row, changed } = await this.writeTask(actor, ref, async (tx, task) => {
      const { count } = await tx.task.updateMany({
        where: { id: task.id, workspaceId: actor.workspaceId, doneAt: null },
        data: { doneAt: now, updatedAt: now },
      });
      if (count === 0) return false;
      if (task.dealId || task.contactId) {
        await tx.activity.create({
          data: {
            workspaceId: actor.workspaceId,
            dealId: task.dealId,
            contactId: task.contactId,
            authorId: actor.memberId,
            type: 'task',
            body: `Done: ${task.title}`,
            occurredAt: now,
            source: opts.source ?? 'api',
            createdAt: now,
          },
        });
      }
      if (task.dealId) {
        await tx.dealEvent.create({
          data: {
            workspaceId: actor.workspaceId,
            dealId: task.dealId,
            actorId: actor.memberId,
            kind: 'task_done',
            fromValue: taskRef(task.number),
            toValue: task.title,
            at: now,
          },
        });
        // Only ever moves forward, as logging an activity does.
        await tx.deal.updateMany({
          where: { id: task.dealId, workspaceId: actor.workspaceId, lastActivityAt: { lt: now } },
          data: { lastActivityAt: now },
        });
      }
      return true;
    });
    return { task: this.view(actor, row), changed };
  }

  /**
   * Moves an open task's due date to `days` days after its due date or today, whichever is later
   * (an undated task: after today). With `from` (the due date the person was shown, null for
   * none), a task whose due date has changed since is left as it is (`changed` false): a replayed
   * Snooze click moves it once. Two at once move it once either way.
   */
  async snooze(actor: Actor, ref: string, days = 1, opts: { from?: string | null } = {}): Promise<TaskSnooze> {
    await requireWriter(actor, this.deps);
    if (!Number.isInteger(days) || days < 1 || days > TASK_SNOOZE_MAX_DAYS) {
      throw new DomainError(DomainErrorCode.InvalidInput, `Snooze a task for 1 to ${TASK_SNOOZE_MAX_DAYS} days.`, { field: 'days' });
    }
    const now = this.deps.clock.now();
    const today = todayIn(actor.timeZone, now);
    const { row, changed } = await this.writeTask(actor, ref, async (tx, task) => {
      if (task.doneAt) {
        throw new DomainError(DomainErrorCode.Conflict, `${taskRef(task.number)} is already done, so there is nothing to snooze.`);
      }
      const due = task.dueAt ? toDateOnly(task.dueAt) : null;
      if (opts.from !== undefined && opts.from !== due) return false;
      const until = addDays(due && due > today ? due : today, days);
      const { count } = await tx.task.updateMany({
        where: { id: task.id, workspaceId: actor.workspaceId, doneAt: null, dueAt: task.dueAt },
        data: { dueAt: fromDateOnly(until), updatedAt: now },
      });
      return count === 1;
    });
    const task = this.view(actor, row);
    return { task, changed, until: task.due ?? today };
  }

  /** Changes a task's title, due date (null: none) or assignee; `changed` false when it already was so. */
  async edit(actor: Actor, ref: string, patch: EditTaskInput): Promise<TaskChange> {
    await requireWriter(actor, this.deps);
    const data = parseInput(editTaskSchema, patch);
    const assigneeId = await this.assigneeOf(actor, data);
    const now = this.deps.clock.now();
    const { row, changed } = await this.writeTask(actor, ref, async (tx, task) => {
      const update: Prisma.TaskUncheckedUpdateManyInput = {};
      if (data.title !== undefined && data.title !== task.title) update.title = data.title;
      if (data.due !== undefined) {
        const due = data.due === null ? null : fromDateOnly(data.due);
        if ((due?.getTime() ?? null) !== (task.dueAt?.getTime() ?? null)) update.dueAt = due;
      }
      if (assigneeId !== undefined && assigneeId !== task.assigneeId) update.assigneeId = assigneeId;
      if (Object.keys(update).length === 0) return false;
      await tx.task.update({ where: { id: task.id }, data: { ...update, updatedAt: now } });
      return true;
    });
    return { task: this.view(actor, row), changed };
  }

  /** Deletes a task (a mistake, not a thing done: nothing is logged). Returns it as it was. */
  async remove(actor: Actor, ref: string): Promise<TaskView> {
    await requireWriter(actor, this.deps);
    const now = this.deps.clock.now();
    const row = await inTransaction(this.deps.db, async (tx) => {
      const found = await this.loadRow(tx, actor, ref);
      if (found.dealId) await lockDealRow(this.deps.db, tx, found.dealId);
      await tx.task.delete({ where: { id: found.id } });
      if (found.dealId) await syncDealNextAction(tx, found.dealId, now);
      return found;
    });
    return this.view(actor, row);
  }

  /** The actor's open tasks due today or earlier (in their time zone), due first. */
  async dueForMe(actor: Actor, limit = 100): Promise<TaskView[]> {
    const today = fromDateOnly(todayIn(actor.timeZone, this.deps.clock.now()));
    const rows = await this.deps.db.task.findMany({
      where: { workspaceId: actor.workspaceId, assigneeId: actor.memberId, doneAt: null, dueAt: { lte: today } },
      orderBy: FIRST_OPEN_TASK_ORDER,
      include: taskViewInclude,
      take: Math.min(Math.max(limit, 1), 200),
    });
    return rows.map((r) => this.view(actor, r));
  }

  /**
   * The morning nudge's tasks: the actor's open tasks due today or earlier, except those the
   * nudge already shows as the next action of one of the actor's own open deals (the first open
   * task of a deal they own). Tasks on someone else's deal, second tasks on a deal, and tasks on
   * closed deals or on no deal are all here.
   */
  async dueForNudge(actor: Actor, limit: number): Promise<TaskSection> {
    const today = fromDateOnly(todayIn(actor.timeZone, this.deps.clock.now()));
    const rows = await this.deps.db.task.findMany({
      where: { workspaceId: actor.workspaceId, assigneeId: actor.memberId, doneAt: null, dueAt: { lte: today } },
      orderBy: FIRST_OPEN_TASK_ORDER,
      include: {
        ...taskViewInclude,
        deal: { select: { id: true, number: true, title: true, status: true, archived: true, ownerId: true } },
      },
      take: NUDGE_TASK_SCAN,
    });
    const ownDeals = [
      ...new Set(
        rows.flatMap((r) => (r.deal && r.deal.status === 'open' && !r.deal.archived && r.deal.ownerId === actor.memberId ? [r.deal.id] : [])),
      ),
    ];
    const shownAsNextAction = new Set(
      (await Promise.all(ownDeals.map((id) => firstOpenTask(this.deps.db, id)))).flatMap((t) => (t ? [t.id] : [])),
    );
    const left = rows.filter((r) => !shownAsNextAction.has(r.id));
    return {
      items: left.slice(0, Math.max(limit, 0)).map((r) => this.view(actor, r)),
      total: left.length,
      totalCapped: rows.length === NUDGE_TASK_SCAN,
    };
  }

  /**
   * Loads the task, then (a deal task) holds its deal's row and reads the task again, so that
   * writes to one deal's tasks run one after another; lets `write` change it (true: it did), and
   * recomputes the deal's next action when it did. One transaction.
   */
  private async writeTask(
    actor: Actor,
    ref: string,
    write: (tx: Tx, task: TaskRow) => Promise<boolean>,
  ): Promise<{ row: TaskRow; changed: boolean }> {
    const now = this.deps.clock.now();
    return inTransaction(this.deps.db, async (tx) => {
      let task = await this.loadRow(tx, actor, ref);
      if (task.dealId) {
        await lockDealRow(this.deps.db, tx, task.dealId);
        task = await tx.task.findUniqueOrThrow({ where: { id: task.id }, include: taskViewInclude });
      }
      const changed = await write(tx, task);
      if (changed && task.dealId) await syncDealNextAction(tx, task.dealId, now);
      // Read again either way: a write that lost a race (its guarded UPDATE waited for the
      // winner, then matched nothing) answers with what the winner wrote.
      const row = await tx.task.findUniqueOrThrow({ where: { id: task.id }, include: taskViewInclude });
      return { row, changed };
    });
  }

  private view(actor: Actor, row: TaskRow): TaskView {
    return toTaskView(row, this.deps.clock.now(), actor.timeZone);
  }

  private async loadRow(tx: Tx, actor: Actor, ref: string): Promise<TaskRow> {
    const text = parseInput(taskRefSchema, ref);
    const m = TASK_REF_PATTERN.exec(text);
    const number = m?.[1] ? Number(m[1]) : undefined;
    const where: Prisma.TaskWhereInput =
      number !== undefined ? { workspaceId: actor.workspaceId, number } : { workspaceId: actor.workspaceId, id: text };
    const row = await tx.task.findFirst({ where, include: taskViewInclude });
    if (!row) {
      throw new DomainError(
        DomainErrorCode.NotFound,
        number !== undefined ? `I can’t find ${taskRef(number)}.` : 'I can’t find that task.',
        { field: 'ref' },
      );
    }
    return row;
  }

  private async byKey(actor: Actor, idempotencyKey: string): Promise<TaskView | undefined> {
    const row = await this.deps.db.task.findUnique({
      where: { workspaceId_idempotencyKey: { workspaceId: actor.workspaceId, idempotencyKey } },
      include: taskViewInclude,
    });
    return row ? this.view(actor, row) : undefined;
  }

  /** The member named by `assignee` or `assigneeId`, undefined when neither is given. */
  private async assigneeOf(actor: Actor, data: { assignee?: PersonRef; assigneeId?: string }): Promise<string | undefined> {
    if (data.assigneeId) {
      const m = await this.deps.db.member.findFirst({ where: { id: data.assigneeId, workspaceId: actor.workspaceId }, select: { id: true } });
      if (!m) throw new DomainError(DomainErrorCode.UnknownMember, 'That person is not in this workspace.', { field: 'assignee' });
      return m.id;
    }
    if (data.assignee) return (await this.person(actor, data.assignee)).id;
    return undefined;
  }

  /** A person named in chat, as deal owners are resolved; unknown: a DomainError naming them. */
  private async person(actor: Actor, ref: PersonRef) {
    try {
      return await this.identity.resolvePerson(actor.workspaceId, ref);
    } catch (err) {
      if (isDomainError(err) && err.code === DomainErrorCode.UnknownMember) {
        throw new DomainError(err.code, err.message, { ...err.details, field: 'assignee' });
      }
      throw err;
    }
  }

  private async contactInWorkspace(tx: Tx, actor: Actor, contactId: string): Promise<{ id: string; name: string }> {
    const contact = await tx.contact.findFirst({ where: { id: contactId, workspaceId: actor.workspaceId }, select: { id: true, name: true } });
    if (!contact) throw new DomainError(DomainErrorCode.NotFound, 'I can’t find that contact.', { field: 'contactId' });
    return contact;
  }
}
