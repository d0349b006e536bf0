import { parseDatabaseUrl, type Provider } from '../../src/db/provider.js';

/** The database the domain suite runs on: PostgreSQL when TEST_DATABASE_URL says so, else SQLite. */
export function testDatabaseProvider(): Provider {
  const url = process.env.TEST_DATABASE_URL;
  return url ? parseDatabaseUrl(url).provider : 'sqlite';
}
