/**
 * Runs once per `npm test`: builds the app (dist/, which the end-to-end tests spawn: built once
 * here, not by each file at the same time), migrates a template SQLite database that every test
 * file copies (migrating is the slow part), or checks the PostgreSQL server named by
 * TEST_DATABASE_URL.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../src/db/migrate.js';
import { testDatabaseProvider } from './helpers/db-config.js';

declare module 'vitest' {
  export interface ProvidedContext {
    sqliteTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  // CRM_TEST_SKIP_BUILD=1: for a quick run of files that do not spawn the built app (dist/), while
  // work elsewhere in the tree does not compile yet. CI and `npm test` always build.
  if (process.env.CRM_TEST_SKIP_BUILD !== '1') {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: path.resolve(import.meta.dirname, '..'), stdio: 'inherit' });
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-test-'));
  const template = path.join(dir, 'template.db');
  await migrateDatabase(`file:${template}`);
  project.provide('sqliteTemplate', template);
  if (testDatabaseProvider() === 'postgresql') {
    console.log('domain tests run on PostgreSQL (TEST_DATABASE_URL), one schema per test file');
  }
  return () => rmSync(dir, { recursive: true, force: true });
}
