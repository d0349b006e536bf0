/**
 * The workspace switch for drafts and summaries (docs/assistant.md, "Turning it off"):
 *
 *   npx tsx scripts/assistant.ts                     list workspaces and whether the helper is on
 *   npx tsx scripts/assistant.ts off slack:T0123ABC  turn it off for one workspace
 *   npx tsx scripts/assistant.ts on console:local    turn it back on
 *
 * A workspace is named `<platform>:<external id>` (as listed). Uses DATABASE_URL.
 */
import { loadEnv } from '../src/config/env.js';
import { openDatabase } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { createCrm } from '../src/domain/index.js';

const [command = 'list', target] = process.argv.slice(2);
if (!['list', 'on', 'off'].includes(command) || (command !== 'list' && !target)) {
  console.error('Usage: npx tsx scripts/assistant.ts [list | on <platform:externalId> | off <platform:externalId>]');
  process.exit(2);
}

const env = loadEnv();
await migrateDatabase(env.DATABASE_URL);
const handle = await openDatabase(env.DATABASE_URL);
try {
  const crm = createCrm(handle.db);
  const workspaces = await handle.db.workspace.findMany({ orderBy: [{ platform: 'asc' }, { name: 'asc' }] });
  if (command === 'list') {
    if (workspaces.length === 0) console.log('No workspaces yet.');
    for (const ws of workspaces) {
      console.log(`${`${ws.platform}:${ws.externalId}`.padEnd(32)} ${ws.name.padEnd(30)} ${ws.assistantEnabled ? 'on' : 'off'}`);
    }
  } else {
    const ws = workspaces.find((w) => `${w.platform}:${w.externalId}` === target);
    if (!ws) {
      console.error(`No workspace ${target}. Run without arguments to list them.`);
      process.exitCode = 1;
    } else {
      await crm.assistant.setEnabled(ws.id, command === 'on');
      console.log(`Drafts and summaries are now ${command} in ${ws.name} (${target}).`);
    }
  }
} finally {
  await handle.close();
}
