/**
 * `npm run restore -- <file>`: a backup (npm run backup) into the EMPTY database named by
 * DATABASE_URL (a new SQLite file by default, or PostgreSQL), which it migrates first
 * (docs/backup.md). A database with any row is refused and left as it was.
 */
import path from 'node:path';
import { loadEnv } from '../src/config/env.js';
import { parseDatabaseUrl, redactUrl } from '../src/db/provider.js';
import { parseCliArgs, plural, runCli, UsageError } from '../src/data/cli.js';
import { streamProgress } from '../src/data/progress.js';
import { restoreDatabase } from '../src/data/restore.js';

const USAGE = 'npm run restore -- <backup file>   (into the empty database DATABASE_URL names)';

await runCli('npm run restore', USAGE, async () => {
  const { positionals } = parseCliArgs(process.argv.slice(2), {}, true);
  if (positionals.length === 0) throw new UsageError('the backup file is missing');
  if (positionals.length > 1) throw new UsageError(`one backup file at a time, not ${positionals.length}`);
  const file = path.resolve(positionals[0]!);
  const env = loadEnv();
  const target = parseDatabaseUrl(env.DATABASE_URL);
  const { header, totalRows, upgradedWith } = await restoreDatabase(target, file, { progress: streamProgress(process.stderr, 'restored') });
  const relative = target.provider === 'sqlite' ? path.relative(process.cwd(), target.sqlitePath) : '';
  const where = target.provider === 'sqlite' ? (relative && !relative.startsWith('..') ? relative : target.sqlitePath) : redactUrl(env.DATABASE_URL);
  const what = header.scope === 'all' ? plural(header.workspaces.length, 'workspace') : `workspace "${header.workspaces[0]?.name}"`;
  const upgraded = upgradedWith.length ? ` Then applied ${plural(upgradedWith.length, 'newer migration')} (${upgradedWith.join(', ')}).` : '';
  const leftOut = header.leftOut.length ? ` Not in the backup: ${header.leftOut.map((l) => `${l.table} (${l.reason})`).join('; ')}.` : '';
  return `Restored ${what} from ${positionals[0]} (made ${header.createdAt} on ${header.source.provider}): ${plural(totalRows, 'row')} in ${plural(header.tables.length, 'table')} into ${where}.${upgraded}${leftOut}`;
});
