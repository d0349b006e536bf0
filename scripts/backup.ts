/**
 * `npm run backup -- --out <file> [--workspace <id|name>] [--with-secrets]`: the database named by
 * DATABASE_URL (or one workspace of it) into one gzip'd JSON Lines file (docs/backup.md).
 * Progress on standard error (a bar on a terminal, lines on a pipe); the summary on standard output.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { loadEnv } from '../src/config/env.js';
import { openDatabase } from '../src/db/client.js';
import { backupDatabase } from '../src/data/backup.js';
import { formatBytes, parseCliArgs, plural, runCli, UsageError } from '../src/data/cli.js';
import { streamProgress } from '../src/data/progress.js';

const USAGE = 'npm run backup -- --out <file> [--workspace <id or name>] [--with-secrets]';

await runCli('npm run backup', USAGE, async () => {
  const { values } = parseCliArgs(
    process.argv.slice(2),
    { out: { type: 'string', short: 'o' }, workspace: { type: 'string', short: 'w' }, 'with-secrets': { type: 'boolean' } },
    false,
  );
  if (!values.out) throw new UsageError('--out <file> is missing (where to write the backup, e.g. --out backups/crm.jsonl.gz)');
  const env = loadEnv();
  const out = path.resolve(values.out);
  const handle = await openDatabase(env.DATABASE_URL);
  try {
    const { header, totalRows } = await backupDatabase(handle, out, {
      workspace: values.workspace,
      withSecrets: values['with-secrets'] === true,
      progress: streamProgress(process.stderr, 'backed up'),
    });
    const size = (await stat(out)).size;
    const what =
      header.scope === 'all'
        ? `the whole database (${plural(header.workspaces.length, 'workspace')})`
        : `workspace "${header.workspaces[0]?.name}"`;
    const leftOut = header.leftOut.length ? ` Left out: ${header.leftOut.map((l) => `${l.table} (${l.reason})`).join('; ')}.` : '';
    return `Backed up ${what}: ${plural(totalRows, 'row')} in ${plural(header.tables.length, 'table')}, at migration ${header.migration}, to ${values.out} (${formatBytes(size)}).${leftOut}`;
  } finally {
    await handle.close();
  }
});
