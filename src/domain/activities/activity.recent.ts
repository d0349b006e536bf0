/**
 * The lines of a card's recent activity, once its newest activity ids are known. The cards find
 * those ids in one statement of their own (the sources' newest rows, each source down its own
 * index, merged and cut in the database); this reads the rows with what a line shows, in one
 * `findMany` (four statements with its includes). It was twelve: a `findMany` per source, each
 * with its includes (bench/README.md, "Contacts, companies and tasks at 100,000 contacts").
 */
import type { Tx } from '../context.js';
import type { ActivityLine } from '../shared/record.view.js';
import { activityLineInclude, toActivityLine } from './activity.lines.js';

/** These activities of the workspace as lines, newest first (then by id, as `recentActivityLines`). */
export async function activityLinesOf(db: Tx, workspaceId: string, ids: string[]): Promise<ActivityLine[]> {
  if (ids.length === 0) return [];
  const rows = await db.activity.findMany({ where: { id: { in: ids }, workspaceId }, include: activityLineInclude });
  return rows
    .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map(toActivityLine);
}
