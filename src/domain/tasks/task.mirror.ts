/**
 * A deal's next action IS its first open task: the earliest due, undated ones last, then the
 * lowest number. Deal.nextAction / nextActionDueAt are a mirror of it, kept in the same
 * transaction by every write that changes a deal's open tasks (the task service, and the deal
 * service's setNextAction, create, close and reopen). A closed deal shows none.
 *
 * Lock order, so that concurrent writers never wait on each other in a circle (PostgreSQL): a
 * deal's row (`lockDealRow`) before the workspace's row (`allocateTaskNumber`).
 */
import type { Prisma } from '../../generated/sqlite/client.js';
import { takesRowLocks, type Db, type Tx } from '../context.js';

/** How "the first open task" is ordered, everywhere. */
export const FIRST_OPEN_TASK_ORDER: Prisma.TaskOrderByWithRelationInput[] = [
  { dueAt: { sort: 'asc', nulls: 'last' } },
  { number: 'asc' },
];

/** The next task number of the workspace (T-<n>); holds the workspace's row until the transaction ends. */
export async function allocateTaskNumber(tx: Tx, workspaceId: string): Promise<number> {
  const ws = await tx.workspace.update({
    where: { id: workspaceId },
    data: { nextTaskNumber: { increment: 1 } },
    select: { nextTaskNumber: true },
  });
  return ws.nextTaskNumber - 1;
}

/**
 * PostgreSQL: waits for and holds the deal's row until the transaction ends, so that writes to one
 * deal's tasks run one after another and each recomputes the mirror from what the one before left
 * (the deal service takes the same lock for its own writes). SQLite: writers already run one at a time.
 */
export async function lockDealRow(db: Db, tx: Tx, dealId: string): Promise<void> {
  if (!takesRowLocks(db)) return;
  await tx.$queryRaw`SELECT "id" FROM "Deal" WHERE "id" = ${dealId} FOR NO KEY UPDATE`;
}

/** The deal's first open task, or null. */
export function firstOpenTask(tx: Tx, dealId: string) {
  return tx.task.findFirst({
    where: { dealId, doneAt: null },
    orderBy: FIRST_OPEN_TASK_ORDER,
    select: { id: true, number: true, title: true, dueAt: true, assigneeId: true },
  });
}

/** What the mirror should say for a deal: its first open task while it is open, else nothing. */
export async function mirrorOf(tx: Tx, deal: { id: string; status: string }): Promise<{ nextAction: string | null; nextActionDueAt: Date | null }> {
  const first = deal.status === 'open' ? await firstOpenTask(tx, deal.id) : null;
  return { nextAction: first?.title ?? null, nextActionDueAt: first?.dueAt ?? null };
}

/** Sets the deal's mirror from its open tasks; true when it changed. */
export async function syncDealNextAction(tx: Tx, dealId: string, now: Date): Promise<boolean> {
  const deal = await tx.deal.findUniqueOrThrow({
    where: { id: dealId },
    select: { id: true, status: true, nextAction: true, nextActionDueAt: true },
  });
  const mirror = await mirrorOf(tx, deal);
  if (mirror.nextAction === deal.nextAction && sameInstant(mirror.nextActionDueAt, deal.nextActionDueAt)) return false;
  await tx.deal.update({ where: { id: dealId }, data: { ...mirror, updatedAt: now } });
  return true;
}

export function sameInstant(a: Date | null, b: Date | null): boolean {
  return a === null || b === null ? a === b : a.getTime() === b.getTime();
}
