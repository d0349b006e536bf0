/**
 * A second writer process for the SQLite concurrency test: like a job worker beside the bot, it
 * opens its own connection to the same file and writes deals, stage moves and activities.
 * Usage: tsx concurrent-writer.ts <databaseUrl> <workspaceId> <memberId> <label> <count>
 */
import { openDatabase } from '../../src/db/client.js';
import { createCrm } from '../../src/domain/index.js';

const [url, workspaceId, memberId, label, count] = process.argv.slice(2);
const handle = await openDatabase(url!);
const crm = createCrm(handle.db);
const actor = { workspaceId: workspaceId!, memberId: memberId!, timeZone: 'UTC' };
let failures = 0;
for (let i = 0; i < Number(count); i++) {
  try {
    const { deal } = await crm.deals.create(actor, { title: `${label} ${i}` });
    await crm.deals.moveStage(actor, deal.ref, 'qualified');
    await crm.activities.log(actor, { deal: deal.ref, type: 'note', body: `${label} note ${i}` });
  } catch (err) {
    failures += 1;
    console.error(String(err));
  }
}
await handle.close();
console.log(JSON.stringify({ failures }));
