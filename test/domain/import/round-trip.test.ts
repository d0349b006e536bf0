/**
 * Move out, move in: a workspace with every kind of record (test/data/helpers.ts seedEveryKind:
 * the demo's deals in every state, a second pipeline, custom fields of every type, values at the
 * edges) is exported (src/data/export.ts) and the four files are imported with no preset into an
 * empty workspace that has the same pipelines, fields and people: the same companies, contacts,
 * deals (amounts, stages, dates, owners, companies, contacts on them, next actions, custom field
 * values) and activities. On SQLite, and on PostgreSQL with TEST_DATABASE_URL.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from '../../../src/db/client.js';
import { driverConnector } from '../../../src/data/import-connection.js';
import { exportWorkspace } from '../../../src/data/export.js';
import { createCrm, type Actor, type Crm } from '../../../src/domain/index.js';
import { FixedClock } from '../../../src/domain/ports.js';
import { toDateOnly } from '../../../src/domain/shared/dates.js';
import { cleanBody, cleanLine } from '../../../src/domain/shared/text.js';
import { TEST_NOW } from '../../helpers/db.js';
import { testDatabaseProvider } from '../../helpers/db-config.js';
import { migratedPlace, seedEveryKind, type Place } from '../../data/helpers.js';

const provider = testDatabaseProvider();
const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-import-rt-'));
let place: Place;
let handle: DbHandle;
let crm: Crm;
let sourceId: string;
let targetId: string;
let admin: Actor;

/** A workspace's records as a person reads them (no ids, no numbers of rows): the oracle. */
async function snapshot(workspaceId: string) {
  const db = handle.db;
  const person = (m: { email: string | null; displayName: string } | null) => (m ? (m.email ?? m.displayName) : null);
  const defs = await db.fieldDefinition.findMany({ where: { workspaceId } });
  const fieldName = new Map(defs.map((d) => [d.id, d.name]));
  const fields = (values: { fieldId: string; text: string | null; number: number | null; cents: bigint | null; currency: string | null; date: Date | null; member: { email: string | null } | null }[]) =>
    Object.fromEntries(
      values.map((v) => [
        fieldName.get(v.fieldId),
        v.text ?? v.number ?? (v.cents !== null ? `${v.cents} ${v.currency}` : null) ?? (v.date ? toDateOnly(v.date) : null) ?? v.member?.email ?? null,
      ]),
    );
  const fv = { include: { member: { select: { email: true } } } } as const;
  const companies = await db.company.findMany({ where: { workspaceId }, include: { owner: true, fieldValues: fv }, orderBy: [{ nameKey: 'asc' }, { domain: 'asc' }] });
  const contacts = await db.contact.findMany({ where: { workspaceId }, include: { owner: true, company: true, fieldValues: fv }, orderBy: [{ nameKey: 'asc' }, { email: 'asc' }] });
  const deals = await db.deal.findMany({
    where: { workspaceId },
    include: { owner: true, company: true, pipeline: true, stage: true, contacts: { include: { contact: true } }, fieldValues: fv },
    orderBy: { number: 'asc' },
  });
  const activities = await db.activity.findMany({ where: { workspaceId }, include: { deal: true, contact: true, company: true, author: true }, orderBy: [{ occurredAt: 'asc' }, { body: 'asc' }] });
  return {
    companies: companies.map((c) => ({ name: c.name, domain: c.domain, owner: person(c.owner), created: c.createdAt.toISOString(), fields: fields(c.fieldValues) })),
    contacts: contacts.map((c) => ({
      name: c.name,
      email: c.email,
      phone: c.phone,
      title: c.title,
      company: c.company?.name ?? null,
      owner: person(c.owner),
      created: c.createdAt.toISOString(),
      fields: fields(c.fieldValues),
    })),
    deals: deals.map((d) => ({
      number: d.number,
      title: cleanLine(d.title),
      pipeline: d.pipeline.name,
      stage: d.stage.name,
      status: d.status,
      amount: d.amountCents === null ? null : `${d.amountCents} ${d.currency}`,
      owner: person(d.owner),
      company: d.company?.name ?? null,
      contacts: d.contacts.map((c) => c.contact.email ?? c.contact.name).sort(),
      close: d.expectedCloseDate ? toDateOnly(d.expectedCloseDate) : null,
      next: d.nextAction,
      due: d.nextActionDueAt ? toDateOnly(d.nextActionDueAt) : null,
      lostReason: d.lostReason,
      created: d.createdAt.toISOString(),
      closed: d.closedAt?.toISOString() ?? null,
      archived: d.archivedAt?.toISOString() ?? null,
      fields: fields(d.fieldValues),
    })),
    activities: activities.map((a) => ({
      at: a.occurredAt.toISOString(),
      type: a.type,
      body: cleanBody(a.body),
      deal: a.deal ? cleanLine(a.deal.title) : null,
      contact: a.contact?.email ?? a.contact?.name ?? null,
      company: a.company?.name ?? null,
      author: person(a.author),
      source: a.source,
      sourceUrl: a.sourceUrl,
    })),
  };
}

beforeAll(async () => {
  place = await migratedPlace(provider);
  handle = await openDatabase(place.url);
  const seeded = await seedEveryKind(handle.db);
  sourceId = seeded.consoleWorkspaceId;
  crm = createCrm(handle.db, new FixedClock(TEST_NOW), { importConnector: driverConnector(handle.target) });
  await exportWorkspace(handle.db, { id: sourceId, name: 'Local console', platform: 'console', externalId: 'local' }, dir);

  // The empty workspace moved into: the same people (matched by email, or by name where they have none), pipelines and fields.
  const db = handle.db;
  const target = await crm.identity.ensureWorkspace({ platform: 'slack', externalId: 'T-MOVED', name: 'Moved in', timezone: 'Europe/Berlin' });
  targetId = target.id;
  const people = await db.member.findMany({ where: { workspaceId: sourceId }, orderBy: { createdAt: 'asc' } });
  for (const [i, m] of people.entries()) {
    const made = await crm.identity.ensureMember({
      workspaceId: targetId,
      externalId: `moved:${m.handle}`,
      handle: m.handle,
      displayName: m.displayName,
      ...(m.email && { email: m.email }),
      platformAdmin: i === 0,
    });
    if (i === 0) admin = await crm.identity.actorFor(made);
  }
  for (const p of await db.pipeline.findMany({ where: { workspaceId: sourceId, isDefault: false }, include: { stages: true } })) {
    const copy = await db.pipeline.create({ data: { workspaceId: targetId, key: p.key, name: p.name, position: p.position } });
    for (const s of p.stages) {
      await db.stage.create({ data: { workspaceId: targetId, pipelineId: copy.id, key: s.key, name: s.name, position: s.position, probability: s.probability, kind: s.kind, requiredFields: s.requiredFields } });
    }
  }
  for (const f of await db.fieldDefinition.findMany({ where: { workspaceId: sourceId } })) {
    await db.fieldDefinition.create({ data: { workspaceId: targetId, entity: f.entity, key: f.key, name: f.name, type: f.type, choices: f.choices, position: f.position } });
  }
}, 120_000);

afterAll(async () => {
  await handle?.close();
  await place?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe(`export, then import into an empty workspace, on ${provider}`, { timeout: 120_000 }, () => {
  it('reads every exported file back with no preset: the same records, amounts, dates, custom field values and contacts on deals', async () => {
    const reports: Record<string, unknown> = {};
    for (const file of ['companies.csv', 'contacts.csv', 'deals.csv', 'activities.csv']) {
      const input = readFileSync(path.join(dir, file));
      const plan = await crm.imports.plan({ actor: admin, fileName: file, input });
      expect(plan.preset).toBe('generic');
      expect(plan.badRows).toEqual([]);
      expect(plan.columns.ignored).toEqual([]);
      const done = await crm.imports.run({ actor: admin, fileName: file, input, confirm: plan });
      reports[file] = [done.kind, done.rows, done.create, done.bad];
    }
    expect(reports).toEqual({
      'companies.csv': ['company', expect.any(Number), expect.any(Number), 0],
      'contacts.csv': ['contact', expect.any(Number), expect.any(Number), 0],
      'deals.csv': ['deal', expect.any(Number), expect.any(Number), 0],
      'activities.csv': ['activity', expect.any(Number), expect.any(Number), 0],
    });
    const before = await snapshot(sourceId);
    const after = await snapshot(targetId);
    expect(after.companies).toEqual(before.companies);
    expect(after.contacts).toEqual(before.contacts);
    expect(after.deals).toEqual(before.deals);
    expect(after.activities).toEqual(before.activities);
    expect(before.deals.length).toBeGreaterThan(5);
    expect(before.deals.some((d) => Object.keys(d.fields).length >= 5)).toBe(true);
    expect(before.deals.some((d) => d.contacts.length > 0 && d.next !== null && d.amount !== null)).toBe(true);
    expect(before.activities.length).toBeGreaterThan(2);
    expect(before.contacts.some((c) => Object.keys(c.fields).length > 0)).toBe(true);
    expect(before.companies.some((c) => Object.keys(c.fields).length > 0)).toBe(true);
  });

  it('importing the export again creates nothing', async () => {
    for (const file of ['companies.csv', 'contacts.csv', 'deals.csv', 'activities.csv']) {
      const again = await crm.imports.plan({ actor: admin, fileName: file, input: readFileSync(path.join(dir, file)) });
      expect([file, again.create, again.update, again.bad]).toEqual([file, 0, 0, 0]);
    }
  });
});
