/**
 * `--workspace <id|name>` for the data commands: a workspace's id, its name (any case) or its
 * platform id (Slack team id, Teams tenant id). With one workspace in the database none is needed.
 */
import type { Db } from '../db/client.js';
import { DataError } from './errors.js';

export interface WorkspaceRef {
  id: string;
  name: string;
  platform: string;
  externalId: string;
}

const list = (all: WorkspaceRef[]) => all.map((w) => `"${w.name}" (${w.platform}, id ${w.id})`).join(', ');

/** The workspace `wanted` names; throws a DataError naming the workspaces there are. */
export async function findWorkspace(db: Db, wanted: string): Promise<WorkspaceRef> {
  const all = await allWorkspaces(db);
  const key = wanted.trim();
  const byId = all.find((w) => w.id === key);
  if (byId) return byId;
  const lower = key.toLowerCase();
  const matches = all.filter((w) => w.name.toLowerCase() === lower || w.externalId === key);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new DataError(`${matches.length} workspaces are called "${key}": ${list(matches)}; use --workspace <id>.`);
  }
  if (all.length === 0) throw new DataError('The database has no workspace yet.');
  const there = all.length === 1 ? `The only workspace is ${list(all)}` : `The workspaces are ${list(all)}`;
  throw new DataError(`No workspace "${key}". ${there}; use --workspace <id or name>.`);
}

/** The workspace to act on: the one named, else the only one (several: the message lists them). */
export async function chooseWorkspace(db: Db, wanted: string | undefined): Promise<WorkspaceRef> {
  if (wanted !== undefined) return findWorkspace(db, wanted);
  const all = await allWorkspaces(db);
  if (all.length === 1) return all[0]!;
  if (all.length === 0) throw new DataError('The database has no workspace yet: nothing to export.');
  throw new DataError(`The database has ${all.length} workspaces: ${list(all)}. Choose one with --workspace <id or name>.`);
}

function allWorkspaces(db: Db): Promise<WorkspaceRef[]> {
  return db.workspace.findMany({
    select: { id: true, name: true, platform: true, externalId: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}
