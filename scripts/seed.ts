/** `npm run seed`: adds the console's demo data to DATABASE_URL (again, if you like). */
import { loadEnv } from '../src/config/env.js';
import { openDatabase } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import { seedDemo } from '../src/db/demo-seed.js';
import { ensureConsoleIdentity } from '../src/bot/console/identity.js';
import { createCrm } from '../src/domain/index.js';

const env = loadEnv();
await migrateDatabase(env.DATABASE_URL);
const handle = await openDatabase(env.DATABASE_URL);
try {
  const crm = createCrm(handle.db);
  const you = await ensureConsoleIdentity(crm, env);
  const { deals } = await seedDemo(crm, you);
  console.log(`Seeded ${deals} demo deals for @${you.handle}.`);
} finally {
  await handle.close();
}
