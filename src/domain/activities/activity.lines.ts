/**
 * The latest activities of a record (a contact, a company) as ActivityLines: what its card shows.
 *
 * Each source (the record itself, its contacts, its deals) is one query down its own index
 * (`Activity(contactId, occurredAt)`, `(dealId, occurredAt)`, `(companyId, occurredAt)`), each
 * taking only `limit` rows; the newest `limit` of them all are kept. Never a scan of the
 * workspace's activities, however many there are.
 */
import type { Prisma } from '../../generated/sqlite/client.js';
import type { Tx } from '../context.js';
import { dealRef } from '../deals/deal.view.js';
import type { ActivityLine } from '../shared/record.view.js';

/** How many lines a card shows. */
export const RECENT_ACTIVITY_LIMIT = 5;

/**
 * At most this many of a record's deals (or a company's contacts) are looked through for their
 * activities: the most recently linked or updated ones. A company with thousands of contacts
 * still costs a bounded query; the ones left out are the ones least likely to have anything new.
 */
export const RECENT_ACTIVITY_SOURCES_MAX = 200;

export const activityLineInclude = {
  author: { select: { displayName: true } },
  deal: { select: { id: true, number: true, title: true } },
  contact: { select: { id: true, name: true } },
} satisfies Prisma.ActivityInclude;

type ActivityLineRow = Prisma.ActivityGetPayload<{ include: typeof activityLineInclude }>;

export function toActivityLine(a: ActivityLineRow): ActivityLine {
  return {
    id: a.id,
    at: a.occurredAt,
    type: a.type,
    body: a.body,
    actor: a.author?.displayName ?? null,
    deal: a.deal ? { id: a.deal.id, ref: dealRef(a.deal.number), title: a.deal.title } : null,
    contact: a.contact,
    sourceUrl: a.sourceUrl,
  };
}

export interface ActivitySources {
  contactIds?: string[];
  dealIds?: string[];
  companyId?: string;
}

/** The newest `limit` activities on any of these contacts, deals or this company, newest first. */
export async function recentActivityLines(
  db: Tx,
  workspaceId: string,
  sources: ActivitySources,
  limit = RECENT_ACTIVITY_LIMIT,
): Promise<ActivityLine[]> {
  const wheres: Prisma.ActivityWhereInput[] = [];
  const contactIds = sources.contactIds?.slice(0, RECENT_ACTIVITY_SOURCES_MAX) ?? [];
  const dealIds = sources.dealIds?.slice(0, RECENT_ACTIVITY_SOURCES_MAX) ?? [];
  if (contactIds.length === 1) wheres.push({ contactId: contactIds[0] });
  else if (contactIds.length > 1) wheres.push({ contactId: { in: contactIds } });
  if (dealIds.length === 1) wheres.push({ dealId: dealIds[0] });
  else if (dealIds.length > 1) wheres.push({ dealId: { in: dealIds } });
  if (sources.companyId) wheres.push({ companyId: sources.companyId });
  // Not `workspaceId` in the WHERE: with it SQLite's planner, on the bounded statistics the app
  // keeps (PRAGMA optimize, analysis_limit 1000), took Activity(workspaceId, occurredAt) for
  // `dealId IN (…)` and `companyId = ?` and read the workspace's every activity (1.5 s at 300k).
  // The ids are the actor's workspace's own records; the rows are checked against it below.
  const found = await Promise.all(
    wheres.map((where) =>
      db.activity.findMany({
        where,
        orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
        take: limit,
        include: activityLineInclude,
      }),
    ),
  );
  const byId = new Map<string, ActivityLineRow>();
  for (const row of found.flat()) if (row.workspaceId === workspaceId) byId.set(row.id, row);
  return [...byId.values()]
    .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, limit)
    .map(toActivityLine);
}
