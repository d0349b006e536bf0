import type { Task } from '../../generated/sqlite/client.js';
import { inTransaction, type Actor, type DomainDeps } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import type { DealService } from '../deals/deal.service.js';
import { fromDateOnly, todayIn } from '../shared/dates.js';
import { parseInput } from '../shared/validate.js';
import { createTaskSchema, type CreateTaskInput } from './task.schema.js';

export class TaskService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly deals: DealService,
  ) {}

  async create(actor: Actor, input: CreateTaskInput): Promise<Task> {
    const data = parseInput(createTaskSchema, input);
    return inTransaction(this.deps.db, async (tx) => {
      const dealId = data.deal ? await this.deals.resolveId(actor, data.deal, tx) : null;
      if (data.assigneeId) {
        const m = await tx.member.findFirst({ where: { id: data.assigneeId, workspaceId: actor.workspaceId } });
        if (!m) throw new DomainError(DomainErrorCode.UnknownMember, 'That person is not in this workspace.', { field: 'assigneeId' });
      }
      return tx.task.create({
        data: {
          workspaceId: actor.workspaceId,
          dealId,
          title: data.title,
          dueAt: data.due ? fromDateOnly(data.due) : null,
          assigneeId: data.assigneeId ?? actor.memberId,
          createdById: actor.memberId,
        },
      });
    });
  }

  async complete(actor: Actor, taskId: string): Promise<Task> {
    return inTransaction(this.deps.db, async (tx) => {
      const task = await tx.task.findFirst({ where: { id: taskId, workspaceId: actor.workspaceId } });
      if (!task) throw new DomainError(DomainErrorCode.NotFound, 'I can’t find that task.');
      if (task.doneAt) return task;
      return tx.task.update({ where: { id: task.id }, data: { doneAt: this.deps.clock.now() } });
    });
  }

  /** The actor's open tasks due today or earlier (in their time zone), oldest first. */
  async dueForMe(actor: Actor): Promise<Task[]> {
    const today = fromDateOnly(todayIn(actor.timeZone, this.deps.clock.now()));
    return this.deps.db.task.findMany({
      where: { workspaceId: actor.workspaceId, assigneeId: actor.memberId, doneAt: null, dueAt: { lte: today } },
      orderBy: { dueAt: 'asc' },
      take: 100,
    });
  }

  async openForMe(actor: Actor): Promise<Task[]> {
    return this.deps.db.task.findMany({
      where: { workspaceId: actor.workspaceId, assigneeId: actor.memberId, doneAt: null },
      orderBy: [{ dueAt: 'asc' }, { createdAt: 'asc' }],
      take: 100,
    });
  }
}
