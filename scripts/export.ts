/**
 * `npm run export -- --out <dir> [--workspace <id|name>]`: one workspace's deals, companies,
 * contacts and activities as deals.csv, companies.csv, contacts.csv and activities.csv in <dir>
 * (docs/backup.md, "CSV export"). With one workspace in the database, --workspace is not needed.
 */
import path from 'node:path';
import { loadEnv } from '../src/config/env.js';
import { openDatabase } from '../src/db/client.js';
import { parseCliArgs, plural, runCli, UsageError } from '../src/data/cli.js';
import { EXPORT_FILES, exportWorkspace } from '../src/data/export.js';
import { streamProgress } from '../src/data/progress.js';
import { chooseWorkspace } from '../src/data/workspace.js';

const USAGE = 'npm run export -- --out <folder> [--workspace <id or name>]';

await runCli('npm run export', USAGE, async () => {
  const { values } = parseCliArgs(process.argv.slice(2), { out: { type: 'string', short: 'o' }, workspace: { type: 'string', short: 'w' } }, false);
  if (!values.out) throw new UsageError('--out <folder> is missing (where to write deals.csv, companies.csv, contacts.csv and activities.csv, e.g. --out export/)');
  const env = loadEnv();
  const handle = await openDatabase(env.DATABASE_URL);
  try {
    const workspace = await chooseWorkspace(handle.db, values.workspace);
    const { rows } = await exportWorkspace(handle.db, workspace, path.resolve(values.out), { progress: streamProgress(process.stderr, 'exported') });
    const files = EXPORT_FILES.map((f) => `${f} (${plural(rows[f], 'row')})`).join(', ');
    return `Exported workspace "${workspace.name}" to ${values.out}: ${files}.`;
  } finally {
    await handle.close();
  }
});
