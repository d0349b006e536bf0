/**
 * Importing Pipedrive's deal export (test/fixtures/import/pipedrive-deals.csv: "Deal - …" columns,
 * 2026-03-14 dates, "1,234.50" values, owners by name, won and lost in Deal - Status): bad rows by
 * line, the good ones written exactly, status won/lost on the won and lost stages.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toDateOnly } from '../../../src/domain/shared/dates.js';
import { fixture, importWorld, type ImportWorld } from './helpers.js';

let w: ImportWorld;
beforeAll(async () => {
  w = await importWorld();
});
afterAll(async () => w?.t.cleanup());

it('names each bad row and its line, and writes exactly the good rows', async () => {
  const input = fixture('pipedrive-deals.csv');
  const plan = await w.crm.imports.plan({ actor: w.alice, fileName: 'pipedrive-deals.csv', input });
  expect(plan).toMatchObject({ kind: 'deal', preset: 'pipedrive', rows: 8, create: 3, update: 0, skip: 0, bad: 5, alsoCreates: { companies: 3 } });
  expect(plan.badRows).toEqual([
    { line: 4, reason: 'bad amount: ‘1.234,50’ is not an amount' },
    { line: 5, reason: 'unknown stage ‘Discovery’ (stages of Sales: New, Qualified, Proposal, Negotiation, Won, Lost)' },
    { line: 6, reason: 'missing name' },
    { line: 7, reason: 'bad close date: ‘03/15/2026’ is not a date such as 2026-03-14' },
    { line: 8, reason: 'duplicate source id ‘401’ (line 2 has the same)' },
  ]);
  expect(plan.warnings).toEqual([{ message: 'unknown contact ‘ana@acme.com’: not linked', rows: 1, lines: [2] }]);

  await w.crm.imports.run({ actor: w.alice, fileName: 'pipedrive-deals.csv', input, confirm: plan });
  const deals = await w.crm.db.deal.findMany({ where: { workspaceId: w.workspaceId }, orderBy: { number: 'asc' }, include: { stage: true, owner: true, company: true } });
  expect(
    deals.map((d) => [d.number, d.title, `${d.amountCents} ${d.currency}`, d.stage.name, d.status, d.owner?.displayName, d.company?.name, d.expectedCloseDate && toDateOnly(d.expectedCloseDate), d.lostReason, d.createdAt.toISOString()]),
  ).toEqual([
    [1, 'Wayne security audit', '123450 EUR', 'Qualified', 'open', 'Alice Adams', 'Wayne Enterprises', '2026-03-14', null, '2026-01-02T08:30:00.000Z'],
    [2, 'Oscorp renewal', '500000 USD', 'Won', 'won', 'Bob Brown', 'Oscorp', '2026-02-20', null, '2026-01-03T09:00:00.000Z'],
    [3, 'Kord Industries deal', '80000 USD', 'Lost', 'lost', 'Alice Adams', 'Kord Industries', '2026-02-01', 'Budget cut', '2026-01-09T00:00:00.000Z'],
  ]);
  const refs = await w.crm.db.externalRef.findMany({ where: { workspaceId: w.workspaceId }, orderBy: { externalId: 'asc' } });
  expect(refs.map((r) => [r.entity, r.source, r.externalId])).toEqual([
    ['deal', 'pipedrive', '401'],
    ['deal', 'pipedrive', '402'],
    ['deal', 'pipedrive', '407'],
  ]);
  const again = await w.crm.imports.plan({ actor: w.alice, fileName: 'pipedrive-deals.csv', input });
  expect([again.create, again.update, again.skip, again.bad]).toEqual([0, 0, 3, 5]);
});

it('organizations and persons: Pipedrive’s own columns, bad rows by line, persons at their organizations', async () => {
  const orgs = await w.crm.imports.plan({ actor: w.alice, fileName: 'pipedrive-organizations.csv', input: fixture('pipedrive-organizations.csv') });
  expect(orgs).toMatchObject({ kind: 'company', preset: 'pipedrive', rows: 5, create: 0, update: 2, skip: 0, bad: 3 });
  expect(orgs.badRows).toEqual([
    { line: 3, reason: 'missing name' },
    { line: 6, reason: 'duplicate source id ‘501’ (line 2 has the same)' },
    { line: 7, reason: 'bad created date: ‘2026-02-30’ is not a real date' },
  ]);
  await w.crm.imports.run({ actor: w.alice, fileName: 'pipedrive-organizations.csv', input: fixture('pipedrive-organizations.csv'), confirm: orgs });
  const companies = await w.crm.db.company.findMany({ where: { workspaceId: w.workspaceId, name: { in: ['Wayne Enterprises', 'Kord Industries'] } }, orderBy: { name: 'asc' } });
  // Both were made by the deals file (by name): the organizations' rows give them their domains.
  expect(companies.map((c) => [c.name, c.domain])).toEqual([
    ['Kord Industries', 'kord.example'],
    ['Wayne Enterprises', 'wayne.example'],
  ]);

  const persons = await w.crm.imports.plan({ actor: w.alice, fileName: 'pipedrive-persons.csv', input: fixture('pipedrive-persons.csv') });
  expect(persons).toMatchObject({ kind: 'contact', preset: 'pipedrive', rows: 5, create: 2, bad: 3 });
  expect(persons.badRows).toEqual([
    { line: 4, reason: 'missing name' },
    { line: 5, reason: 'duplicate source id ‘601’ (line 2 has the same)' },
    { line: 6, reason: 'bad email: ‘lex(at)lexcorp’ is not an email address' },
  ]);
  await w.crm.imports.run({ actor: w.alice, fileName: 'pipedrive-persons.csv', input: fixture('pipedrive-persons.csv'), confirm: persons });
  const contacts = await w.crm.db.contact.findMany({ where: { workspaceId: w.workspaceId }, orderBy: { name: 'asc' }, include: { company: true, owner: true } });
  expect(contacts.map((c) => [c.name, c.email, c.phone, c.company?.name, c.owner?.displayName])).toEqual([
    ['Bruce Wayne', 'bruce@wayne.example', '+1 212 555 0100', 'Wayne Enterprises', 'Bob Brown'],
    ['Ted Kord', 'ted@kord.example', null, 'Kord Industries', 'Alice Adams'],
  ]);
});
