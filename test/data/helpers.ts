/**
 * For the backup, restore and export tests: databases of either kind (a migrated source, an
 * empty target), a workspace with every kind of record, and every table's rows as Prisma reads
 * them (the oracle the round trips are compared with: independent of src/data's own reading).
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { openDatabase, type Db, type DbHandle } from '../../src/db/client.js';
import { seedDemo } from '../../src/db/demo-seed.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import type { Provider } from '../../src/db/provider.js';
import { createCrm, type Crm } from '../../src/domain/index.js';
import { FixedClock } from '../../src/domain/ports.js';
import { SecretBox } from '../../src/domain/shared/secret-box.js';
import { fromDateOnly } from '../../src/domain/shared/dates.js';
import { TEST_NOW } from '../helpers/db.js';

export const PG_URL = process.env.TEST_DATABASE_URL?.startsWith('postgres') ? process.env.TEST_DATABASE_URL : undefined;

export interface Place {
  url: string;
  provider: Provider;
  drop(): Promise<void>;
}

async function pgAdmin(sql: string): Promise<void> {
  const { default: pg } = await import('pg');
  const base = new URL(PG_URL!);
  base.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: base.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new, empty, unmigrated database: a SQLite path (no file yet) or a PostgreSQL schema of its own. */
export async function emptyPlace(provider: Provider): Promise<Place> {
  if (provider === 'postgresql') {
    const schema = `crm_data_${process.pid}_${randomBytes(4).toString('hex')}`;
    await pgAdmin(`CREATE SCHEMA "${schema}"`);
    const u = new URL(PG_URL!);
    u.searchParams.set('schema', schema);
    return { url: u.toString(), provider, drop: () => pgAdmin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`) };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-data-'));
  return { url: `file:${path.join(dir, 'crm.db')}`, provider, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A migrated database (SQLite: a copy of the suite's migrated template). */
export async function migratedPlace(provider: Provider): Promise<Place> {
  const place = await emptyPlace(provider);
  if (provider === 'sqlite') copyFileSync(inject('sqliteTemplate'), place.url.slice('file:'.length));
  else await migrateDatabase(place.url);
  return place;
}

export const ENCRYPTION_KEY = Buffer.alloc(32, 7);

export interface Seeded {
  consoleWorkspaceId: string;
  slackWorkspaceId: string;
}

/**
 * Two workspaces. The console one has every kind of record: the demo's deals in several stages
 * (won, lost, open), contacts, companies, activities, tasks, timeline events; changed settings;
 * a second pipeline with its stages; custom fields of every type with values on deals, contacts
 * and companies; digest subscriptions and deliveries, Teams conversations, the assistant's cache.
 * The Slack one has its members, a deal, its installation (sealed). And rows of no workspace
 * (inbox items). Values at the edges: a BigInt past 2^53, a fraction, text with quotes, newlines,
 * commas and emoji, dates with milliseconds, nulls.
 */
export async function seedEveryKind(db: Db, now: Date = TEST_NOW): Promise<Seeded> {
  const crm: Crm = createCrm(db, new FixedClock(now), { secretBox: new SecretBox(ENCRYPTION_KEY) });
  const ws = await crm.identity.ensureWorkspace({ platform: 'console', externalId: 'local', name: 'Local console', timezone: 'Europe/Berlin' });
  const you = await crm.identity.ensureMember({
    workspaceId: ws.id,
    externalId: 'console:you',
    handle: 'you',
    displayName: 'You Self',
    email: 'you@example.com',
    timezone: 'Europe/Berlin',
  });
  await seedDemo(crm, you);
  const me = await crm.identity.actorFor(you);
  await crm.identity.changeSettings(me, { allowGuests: true, decimalMark: 'comma' });
  await db.workspace.update({ where: { id: ws.id }, data: { staleAmountThresholdCents: 9_007_199_254_740_993n } });
  const maria = (await db.member.findFirstOrThrow({ where: { workspaceId: ws.id, handle: 'maria' } })).id;
  await db.member.update({ where: { id: maria }, data: { email: 'maria@example.com', nudgeMinute: 555, profileCheckedAt: new Date('2026-11-20T08:15:30.123Z') } });

  // A second pipeline with its own stages, and a deal in it.
  const renewals = await db.pipeline.create({ data: { workspaceId: ws.id, key: 'renewals', name: 'Renewals', position: 1 } });
  const stages = [];
  for (const [i, [key, name, kind, p]] of ([
    ['due', 'Due', 'open', 50],
    ['renewed', 'Renewed', 'won', 100],
    ['churned', 'Churned', 'lost', 0],
  ] as const).entries()) {
    stages.push(
      await db.stage.create({
        data: { workspaceId: ws.id, pipelineId: renewals.id, key, name, kind, position: i, probability: p, requiredFields: i === 1 ? '["amount","field:source"]' : '[]' },
      }),
    );
  }
  const acme = await db.company.findFirstOrThrow({ where: { workspaceId: ws.id, domain: 'acme.com' } });
  const counter = await db.workspace.update({ where: { id: ws.id }, data: { nextDealNumber: { increment: 1 } } });
  const renewal = await db.deal.create({
    data: {
      workspaceId: ws.id,
      number: counter.nextDealNumber - 1,
      title: 'Acme "renewal", 2027 — ünïcode ✓\nsecond line',
      searchText: 'acme renewal',
      amountCents: 9_007_199_254_740_993n,
      currency: 'EUR',
      pipelineId: renewals.id,
      stageId: stages[0]!.id,
      status: 'open',
      ownerId: maria,
      companyId: acme.id,
      expectedCloseDate: fromDateOnly('2027-01-31'),
      lastActivityAt: new Date('2026-11-23T23:59:59.999Z'),
      stageChangedAt: new Date('2026-11-01T00:00:00.001Z'),
      createdAt: new Date('2026-10-31T23:30:00.000Z'),
    },
  });

  // Custom fields of every type, with values on deals, contacts and companies.
  const field = (entity: string, key: string, name: string, type: string, position: number, choices = '[]') =>
    db.fieldDefinition.create({ data: { workspaceId: ws.id, entity, key, name, type, position, choices } });
  const source = await field('deal', 'source', 'Source', 'choice', 0, '["Inbound","Outbound","Partner"]');
  const probability = await field('deal', 'score', 'Score', 'number', 1);
  const budget = await field('deal', 'budget', 'Budget', 'money', 2);
  const kickoff = await field('deal', 'kickoff', 'Kick-off', 'date', 3);
  const champion = await field('deal', 'champion', 'Champion', 'person', 4);
  const linkedin = await field('contact', 'linkedin', 'LinkedIn', 'text', 0);
  const tier = await field('company', 'tier', 'Tier', 'choice', 0, '["Gold","Silver"]');
  const dealIds = (await db.deal.findMany({ where: { workspaceId: ws.id }, orderBy: { number: 'asc' }, select: { id: true } })).map((d) => d.id);
  const value = (data: Record<string, unknown>) => db.fieldValue.create({ data: { workspaceId: ws.id, ...data } as never });
  await value({ fieldId: source.id, dealId: dealIds[0], text: 'Partner', textKey: 'partner' });
  await value({ fieldId: source.id, dealId: renewal.id, text: 'Inbound', textKey: 'inbound' });
  await value({ fieldId: probability.id, dealId: dealIds[0], number: 0.1 + 0.2 });
  await value({ fieldId: budget.id, dealId: dealIds[0], cents: 123_456_789_012_345_678n, currency: 'JPY' });
  await value({ fieldId: kickoff.id, dealId: dealIds[0], date: fromDateOnly('2026-12-31') });
  await value({ fieldId: champion.id, dealId: dealIds[0], memberId: maria });
  const ana = await db.contact.findFirstOrThrow({ where: { workspaceId: ws.id, email: 'ana@acme.com' } });
  await value({ fieldId: linkedin.id, contactId: ana.id, text: 'https://linkedin.example/in/ana, "AL"', textKey: 'https://linkedin.example/in/ana, "al"' });
  await value({ fieldId: tier.id, companyId: acme.id, text: 'Gold', textKey: 'gold' });
  // Where an imported record came from.
  await db.externalRef.create({ data: { workspaceId: ws.id, entity: 'deal', source: 'hubspot', externalId: '9876543210', recordId: dealIds[0]! } });

  // Delivery and platform records.
  await db.digestSubscription.create({ data: { workspaceId: ws.id, platform: 'teams', conversationId: '19:abc@thread.tacv2', minuteOfDay: 510, days: 'daily', timezone: 'Europe/Berlin', createdById: you.id } });
  await db.deliveryLedger.create({
    data: { workspaceId: ws.id, kind: 'nudge', subject: you.id, localDate: '2026-11-24', status: 'sent', claimToken: 'tok-1', claimedAt: new Date('2026-11-24T08:00:00.250Z'), periodStart: null, messageId: '1700000000.000100' },
  });
  await db.teamsConversation.create({
    data: { workspaceId: ws.id, conversationId: 'a:1personal', kind: 'personal', memberId: you.id, reference: JSON.stringify({ serviceUrl: 'https://smba.example/emea/', conversation: { id: 'a:1personal' } }) },
  });
  await db.assistantCache.create({ data: { workspaceId: ws.id, key: `summary:deal:${dealIds[0]}:x`, kind: 'summary', value: '{"text":"Ana wants SSO.\\nBudget ok."}' } });

  // A Slack workspace with its own members, a deal, and its (sealed) installation.
  const slack = await crm.identity.ensureWorkspace({ platform: 'slack', externalId: 'T0SLACK', name: 'Acme Sales', defaultCurrency: 'USD' });
  const ann = await crm.identity.ensureMember({ workspaceId: slack.id, externalId: 'U0ANN', handle: 'ann', displayName: 'Ann Admin', email: 'ann@acme.test', platformAdmin: true });
  const annActor = await crm.identity.actorFor(ann);
  await crm.deals.create(annActor, { title: 'Slack-side deal', amount: { minor: 250_000n, currency: 'USD' }, companyName: 'Wayne Enterprises' });
  await crm.installations!.save({ installKey: 'T:T0SLACK', teamId: 'T0SLACK', botUserId: 'UBOT', json: '{"bot":{"token":"xoxb-secret"}}' });

  // Rows of no workspace.
  await db.inboxItem.create({ data: { key: 'slack:event:Ev001', kind: 'event', status: 'done', doneAt: new Date('2026-11-24T09:59:59.999Z') } });
  await db.inboxItem.create({ data: { key: 'slack:command:c1', kind: 'command', status: 'pending', payload: '{"text":"list"}', attempts: 2 } });

  return { consoleWorkspaceId: ws.id, slackWorkspaceId: slack.id };
}

/** Every model's rows as the generated client reads them, in a stable order. */
export async function dumpAll(db: Db): Promise<Record<string, unknown[]>> {
  const models = Object.keys((db as unknown as { _runtimeDataModel: { models: Record<string, unknown> } })._runtimeDataModel.models);
  const out: Record<string, unknown[]> = {};
  for (const model of models) {
    const delegate = (db as unknown as Record<string, { findMany(): Promise<Record<string, unknown>[]> }>)[model[0]!.toLowerCase() + model.slice(1)]!;
    const rows = await delegate.findMany();
    const key = (r: unknown) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    out[model] = rows.map((r) => [key(r), r] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, r]) => r);
  }
  return out;
}

export async function withHandle<T>(url: string, fn: (h: DbHandle) => Promise<T>): Promise<T> {
  const handle = await openDatabase(url);
  try {
    return await fn(handle);
  } finally {
    await handle.close();
  }
}
