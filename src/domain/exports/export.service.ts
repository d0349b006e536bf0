/**
 * Export from chat (`/deal export [deals|contacts|companies|activities|all]`): who may take the
 * workspace's records out, and the CSV files themselves, written by the same code as `npm run
 * export` (src/data/export.ts) into a folder the surface gives (a temporary one for Slack and
 * Teams, which then send the files to the person; the console's `export/`).
 *
 * Who: admins and members. Not read-only members: the files hold every deal, contact, company
 * and activity of the workspace, which is more than reading them one card at a time, and can be
 * handed on outside the CRM. Never a guest account (whatever their role), nor a deactivated one.
 * The rule is checked here, on every export, from the stored member (docs/roles.md).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { EXPORT_FILES, exportWorkspace, type ExportFile } from '../../data/export.js';
import type { Actor, DomainDeps } from '../context.js';
import { DomainError, DomainErrorCode, RefusalReason } from '../errors.js';
import { adminsOf, roleOf, whoToAsk } from '../shared/roles.js';

/** What `/deal export` takes: one kind of record, or all four. */
export const EXPORT_KINDS = ['deals', 'contacts', 'companies', 'activities'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export type ExportWhat = ExportKind | 'all';

/** The file each kind is written to (the names `npm run export` writes and the importer reads). */
export const EXPORT_FILE_OF: Readonly<Record<ExportKind, ExportFile>> = {
  deals: 'deals.csv',
  contacts: 'contacts.csv',
  companies: 'companies.csv',
  activities: 'activities.csv',
};

/** The files an export of `what` writes, in the order `npm run export` writes them. */
export function exportFiles(what: ExportWhat): ExportFile[] {
  return what === 'all' ? [...EXPORT_FILES] : [EXPORT_FILE_OF[what]];
}

/** One file written: where, how many records (rows after the header) and how many bytes. */
export interface ExportedFile {
  name: ExportFile;
  path: string;
  rows: number;
  bytes: number;
}

export interface ExportResult {
  /** The workspace's name (a file's description says whose records these are). */
  workspace: string;
  dir: string;
  files: ExportedFile[];
  /** When the records were read. */
  at: Date;
}

export class ExportService {
  constructor(private readonly deps: DomainDeps) {}

  /**
   * Refuses anyone who may not export (read-only, a guest account, deactivated, not a member),
   * naming the admins to ask. Surfaces call it before saying "Preparing your export…".
   */
  async check(actor: Actor): Promise<void> {
    const { db } = this.deps;
    const me = await db.member.findFirst({ where: { id: actor.memberId, workspaceId: actor.workspaceId }, select: { role: true, access: true, deactivated: true } });
    if (!me || me.deactivated) {
      throw new DomainError(DomainErrorCode.NotAMember, 'I don’t know you in this workspace, so I can’t export its records for you.', { reason: RefusalReason.Outsider });
    }
    const admins = (await adminsOf(db, actor.workspaceId)).map((a) => a.displayName);
    const ask = admins.length > 0 ? ` Ask an admin (${whoToAsk(admins)}) if you need the files.` : '';
    if (me.access === 'guest') {
      throw new DomainError(DomainErrorCode.NotAMember, `Guest accounts can’t export the CRM’s records: the files hold every deal, contact and company of the workspace.${ask}`, {
        choices: admins,
      });
    }
    if (roleOf(me.role) === 'read_only') {
      throw new DomainError(
        DomainErrorCode.ReadOnly,
        `You have read-only access to this CRM, and exporting takes every record out of it: admins and members can export.${ask}`,
        { choices: admins },
      );
    }
  }

  /**
   * Writes the export of `what` into `dir` (created if need be), after `check`: deals.csv,
   * contacts.csv, companies.csv and activities.csv as `npm run export` writes them (docs/backup.md).
   */
  async toFolder(actor: Actor, what: ExportWhat, dir: string): Promise<ExportResult> {
    await this.check(actor);
    const ws = await this.deps.db.workspace.findUniqueOrThrow({ where: { id: actor.workspaceId }, select: { id: true, name: true, platform: true, externalId: true } });
    const at = this.deps.clock.now();
    const names = exportFiles(what);
    const summary = await exportWorkspace(this.deps.db, ws, dir, { files: names });
    const files: ExportedFile[] = [];
    for (const name of names) {
      const file = path.join(summary.dir, name);
      files.push({ name, path: file, rows: summary.rows[name], bytes: (await stat(file)).size });
    }
    return { workspace: ws.name, dir: summary.dir, files, at };
  }
}
