/**
 * `npm run import` as a person runs it (scripts/import.ts under tsx, DATABASE_URL naming the
 * database), on a pipe: the dry run of every file on standard output; without --yes nothing is
 * written and it says to add --yes; with --yes the files are imported companies first, with plain
 * progress lines on standard error; a refusal is one line and exit code 1.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from '../../../src/db/client.js';
import { createCrm } from '../../../src/domain/index.js';
import { testDatabaseProvider } from '../../helpers/db-config.js';
import { migratedPlace, type Place } from '../../data/helpers.js';
import { FIXTURES } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const provider = testDatabaseProvider();
let place: Place;
let handle: DbHandle;

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: place.url },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end();
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += String(c)));
    child.stderr.on('data', (c) => (err += String(c)));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

const fixture = (name: string) => path.join(FIXTURES, name);
const count = async () => ({
  companies: await handle.db.company.count(),
  contacts: await handle.db.contact.count(),
  deals: await handle.db.deal.count(),
});

beforeAll(async () => {
  place = await migratedPlace(provider);
  handle = await openDatabase(place.url);
  const crm = createCrm(handle.db);
  const ws = await crm.identity.ensureWorkspace({ platform: 'slack', externalId: 'T-CLI', name: 'Import Co', defaultCurrency: 'USD' });
  await crm.identity.ensureMember({ workspaceId: ws.id, externalId: 'U1', handle: 'alice', displayName: 'Alice Adams', email: 'alice@example.com', platformAdmin: true });
  await crm.identity.ensureMember({ workspaceId: ws.id, externalId: 'U2', handle: 'bob', displayName: 'Bob Brown', email: 'bob@example.com' });
}, 60_000);

afterAll(async () => {
  await handle?.close();
  await place?.drop();
});

describe(`npm run import on ${provider}`, { timeout: 120_000 }, () => {
  it('on a pipe without --yes: the dry run, nothing written, and how to import', async () => {
    const r = await run([fixture('hubspot-deals.csv'), fixture('hubspot-companies.csv')]);
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toBe('hubspot-companies.csv (companies, HubSpot export): 7 rows read: 4 to create, 0 to update, 0 to skip (already there), 3 bad.');
    expect(lines).toContain('  line 4: missing name');
    expect(lines).toContain('hubspot-deals.csv (deals, HubSpot export): 9 rows read: 3 to create, 0 to update, 0 to skip (already there), 6 bad.');
    expect(lines).toContain('  line 4: bad amount: ‘12x’ is not an amount');
    expect(lines).toContain(
      '  unknown stage “Demo” on 2 rows (lines 5, 11): stages of Sales are New, Qualified, Proposal, Negotiation, Won, Lost; add --stage "Demo=<stage>" to map it',
    );
    expect(lines.at(-1)).toBe('Nothing was written: add --yes to import 7 records into workspace "Import Co".');
    expect(await count()).toEqual({ companies: 0, contacts: 0, deals: 0 });
  });

  it('with --yes: companies, then contacts, then deals, with plain progress lines', async () => {
    const r = await run([fixture('hubspot-deals.csv'), fixture('hubspot-contacts.csv'), fixture('hubspot-companies.csv'), '--stage', 'Demo=qualified', '--yes']);
    expect(r.code).toBe(0);
    expect(r.err.split('\n').filter(Boolean)).toEqual([
      'hubspot-companies.csv: 7 rows imported (30% of 23)',
      'hubspot-contacts.csv: 7 rows imported (60% of 23)',
      'hubspot-deals.csv: 9 rows imported (100% of 23)',
    ]);
    expect(r.out.trim().split('\n').at(-1)).toBe(
      'Imported into workspace "Import Co": hubspot-companies.csv: 4 created, 0 updated, 0 skipped, 3 bad; hubspot-contacts.csv: 3 created, 0 updated, 0 skipped, 4 bad; hubspot-deals.csv: 5 created, 0 updated, 0 skipped, 4 bad.',
    );
    expect(await count()).toEqual({ companies: 5, contacts: 3, deals: 5 });
    const again = await run([fixture('hubspot-deals.csv'), '--stage', 'Demo=qualified', '--yes']);
    expect(again.out.trim().split('\n').at(-1)).toBe('Nothing to import into workspace "Import Co".');
    expect(await count()).toEqual({ companies: 5, contacts: 3, deals: 5 });
  });

  it('refusals are one line and exit code 1', async () => {
    const preset = await run([fixture('hubspot-deals.csv'), '--preset', 'salesforce']);
    expect(preset.code).toBe(1);
    expect(preset.err).toMatch(/^npm run import: --preset is one of generic, hubspot, pipedrive\.\nUsage: npm run import -- <file\.csv>/);
    const missing = await run(['nope.csv']);
    expect([missing.code, missing.err]).toEqual([1, 'No file nope.csv.\n']);
    const stage = await run([fixture('hubspot-deals.csv'), '--stage', 'Demo']);
    expect(stage.code).toBe(1);
    expect(stage.err.split('\n')[0]).toBe('npm run import: --stage takes "<stage in the file>=<our stage>", e.g. --stage "Demo=qualified" (got "Demo").');
    const who = await run([fixture('hubspot-deals.csv'), '--as', 'carol@example.com']);
    expect([who.code, who.err]).toEqual([1, 'No member of this workspace has the email carol@example.com.\n']);
  });
});
