/**
 * Bench data for contacts, companies and their cards (bench/records.ts): one workspace with
 * 20,000 companies, 100,000 contacts, 100,000 deals, their contact links (DealContact), 200,000
 * activities and 20,000 tasks, plus a small second workspace with the same kinds of rows (so every
 * query is really scoped). Deterministic (a seeded PRNG), bulk-inserted in transactions on the raw
 * driver (bench/seed.ts's `openRaw`), in the column formats the domain writes: the workspaces,
 * members and one reference row of each table go through the domain first, and the bulk rows are
 * checked against them.
 *
 * Sizes are skewed the way real books are: most companies have a handful of contacts and deals,
 * a few have thousands (a Zipf-like share), and a few "hub" contacts (a partner, a reseller) sit
 * on hundreds of deals. The bench reads those as the worst cases.
 */
import { existsSync, rmSync } from 'node:fs';
import type Database from 'better-sqlite3';
import pg from 'pg';
import { openDatabase } from '../src/db/client.js';
import { migrateDatabase } from '../src/db/migrate.js';
import type { DatabaseTarget } from '../src/db/provider.js';
import { createCrm, FixedClock, type Actor } from '../src/domain/index.js';
import { DAY_MS, fromDateOnly, toDateOnly } from '../src/domain/shared/dates.js';
import { searchKey } from '../src/domain/shared/text.js';
import { HIT_WORDS, NOW, openRaw, type Raw } from './seed.js';

export const RECORDS_WS = 'T-RECORDS';
export const RECORDS_SMALL_WS = 'T-RECORDS-SMALL';
const MEMBERS = 50;
const SMALL_MEMBERS = 5;
const BATCH = 10_000;

export interface RecordSizes {
  companies: number;
  contacts: number;
  deals: number;
  activities: number;
  tasks: number;
}

/** The small workspace: a fiftieth of the main one. */
const smallSizes = (s: RecordSizes): RecordSizes => ({
  companies: Math.max(20, Math.round(s.companies / 50)),
  contacts: Math.max(50, Math.round(s.contacts / 50)),
  deals: Math.max(50, Math.round(s.deals / 50)),
  activities: Math.max(100, Math.round(s.activities / 50)),
  tasks: Math.max(20, Math.round(s.tasks / 50)),
});

/** How many "hub" contacts (on hundreds of deals each) the main workspace has, and their share of deals and activities. */
export const HUB_CONTACTS = 10;
const HUB_DEAL_SHARE = 0.03;
const HUB_ACTIVITY_SHARE = 0.05;
/** The share of contacts and deals placed by a Zipf law over companies (the rest: uniformly). */
const ZIPF_SHARE = 0.25;

// ---------------------------------------------------------------------------------------------
// Vocabulary

export const FIRST_NAMES = `Aaron Abigail Adam Adrian Aisha Alan Albert Alejandro Alexander Alice Amanda Amelia Ana Andrea Andrew
Angela Anna Anthony Arjun Barbara Beatriz Benjamin Bernard Brian Camila Carlos Carmen Caroline Catherine Charles
Chen Chloe Christine Claire Daniel David Deborah Diana Diego Dmitri Elena Elif Elizabeth Emily Emma Eric Fatima
Felix Fernando Fiona Francesca Gabriel George Grace Hannah Hassan Helen Henry Hiroshi Ines Isabel Ivan Jack James
Jane Javier Jennifer Jessica John Jonas Jorge Joseph Julia Karen Kenji Laura Leila Liam Linda Lucas Lucia Maria
Mark Martin Mateo Maya Mei Michael Miguel Mohammed Nadia Natalia Nathan Nina Noah Olga Oliver Olivia Omar Pablo
Patricia Paul Pedro Peter Priya Rachel Rafael Rahul Raj Rebecca Richard Robert Rosa Ryan Samuel Sara Sebastian
Sofia Sophie Stefan Stephen Susan Thomas Tomas Valentina Victor Wei William Yara Yuki Zoe`.split(/\s+/);

export const LAST_NAMES = `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez
Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis
Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera
Campbell Mitchell Carter Roberts Muller Schmidt Schneider Fischer Weber Meyer Wagner Becker Dubois Moreau Laurent
Rossi Russo Ferrari Esposito Kowalski Nowak Jensen Hansen Silva Santos Oliveira Tanaka Suzuki Kim Park Chen Wang
Singh Patel Kumar Ivanov Petrov Yilmaz`.split(/\s+/);

/** Syllables of made-up surnames: three of them, 20 × 20 × 10 = 4,000 surnames rarely shared. */
const SYL1 = 'Ka Lo Mi Ren Dor Vel San Tis Bra Quo Fen Gal Hor Jun Kel Mar Nol Pes Rud Tav'.split(' ');
const SYL2 = 'ber vin tal mor des kan lis por gur hel zan vok rim tes dal nuk fir bas lom jet'.split(' ');
const SYL3 = 'son ski ez ard ini ova ley ton man berg'.split(' ');

const CO_HEAD = 'Nor Vel Tran Quan Zen Omni Pro Syn Astra Merid Kor Lum Bri Cal Dex Fal Gra Hel Ith Jas Kyr Lor Mon Nex Orb'.split(' ');
const CO_TAIL = 'tek via ify lex nova core wise gen dyne sys bit hub works line path soft ware tron cast link'.split(' ');
const CO_KIND = `Labs Systems Group Holdings Industries Partners Logistics Health Foods Bank Capital Energy Media Retail Motors
Pharma Robotics Analytics Networks Software Solutions Consulting Ventures Airlines Insurance Realty Telecom Textiles
Shipping Mining Foundry Studios Brewing Apparel Biotech Chemicals Dynamics Electric Farms Games Hotels Instruments
Jewelers Kitchens Lighting Machines Nutrition Optics Plastics Security`.split(/\s+/);

const TITLES = ['CEO', 'CFO', 'CTO', 'VP Sales', 'Head of Procurement', 'IT Director', 'Operations Manager', 'Buyer', 'Engineer', 'Office Manager', ''];
const DEAL_KINDS = ['renewal', 'expansion', 'pilot', 'upgrade', 'license', 'onboarding', 'migration', 'support plan', 'rollout', 'integration'];
const ACTIVITY_TYPES = ['call', 'email', 'meeting', 'note'];
const ACTIVITY_BODIES = ['Talked through pricing', 'Sent the deck', 'Demo went well', 'Waiting on procurement', 'Champion out this week', 'Asked for references', 'Intro call', 'Sent the contract draft'];
const TASK_TITLES = ['Send proposal', 'Follow-up call', 'Book demo', 'Send contract', 'Check in', 'Security review', 'Pricing call', 'Intro to legal', 'Send references', 'Renewal reminder'];
const STAGE_MIX: [key: string, share: number][] = [
  ['new', 0.25], ['qualified', 0.2], ['proposal', 0.15], ['negotiation', 0.1], ['won', 0.15], ['lost', 0.15],
];

// ---------------------------------------------------------------------------------------------
// Generation helpers

type Value = string | number | bigint | null | Date;
type Col = readonly [name: string, pgType: 'text' | 'int' | 'bigint' | 'timestamp' | 'bool'];

/** mulberry32: small, fast, deterministic. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] as T };
}
type Rand = ReturnType<typeof prng>;

/** cuid-shaped ids (25 characters, a time-ordered prefix like Prisma's cuid()). */
function idMaker(rand: Rand, tag: number) {
  let counter = 0;
  const base = NOW.getTime() - 400 * DAY_MS;
  return () => {
    const c = counter++;
    const rnd = Array.from({ length: 11 }, () => rand.int(36).toString(36)).join('');
    return `c${(base + Math.floor(c / 50)).toString(36).padStart(8, '0')}${(c % 1_679_616).toString(36).padStart(4, '0')}${tag.toString(36)}${rnd}`;
  };
}

/** Draws an index 0..n-1 with P(i) ∝ 1/(i+1) (Zipf, s = 1). */
function zipf(n: number) {
  const cum = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) cum[i] = sum += 1 / (i + 1);
  return (rand: Rand) => {
    const x = rand.next() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
const dateOnly = (t: number) => fromDateOnly(toDateOnly(new Date(t)));

const COMPANY_COLS: Col[] = [
  ['id', 'text'], ['workspaceId', 'text'], ['name', 'text'], ['nameKey', 'text'], ['domain', 'text'], ['ownerId', 'text'],
  ['createdAt', 'timestamp'], ['updatedAt', 'timestamp'],
];
const CONTACT_COLS: Col[] = [
  ['id', 'text'], ['workspaceId', 'text'], ['companyId', 'text'], ['ownerId', 'text'], ['name', 'text'], ['nameKey', 'text'],
  ['email', 'text'], ['phone', 'text'], ['title', 'text'], ['createdAt', 'timestamp'], ['updatedAt', 'timestamp'],
];
const DEAL_COLS: Col[] = [
  ['id', 'text'], ['workspaceId', 'text'], ['number', 'int'], ['title', 'text'], ['searchText', 'text'],
  ['amountCents', 'bigint'], ['currency', 'text'], ['pipelineId', 'text'], ['stageId', 'text'], ['status', 'text'],
  ['ownerId', 'text'], ['companyId', 'text'], ['expectedCloseDate', 'timestamp'], ['nextAction', 'text'],
  ['nextActionDueAt', 'timestamp'], ['lastActivityAt', 'timestamp'], ['stageChangedAt', 'timestamp'],
  ['closedAt', 'timestamp'], ['salesCycleDays', 'int'], ['archivedAt', 'timestamp'], ['archived', 'bool'],
  ['createdById', 'text'], ['createdAt', 'timestamp'], ['updatedAt', 'timestamp'],
];
const DEAL_CONTACT_COLS: Col[] = [['dealId', 'text'], ['contactId', 'text'], ['createdAt', 'timestamp']];
const ACTIVITY_COLS: Col[] = [
  ['id', 'text'], ['workspaceId', 'text'], ['dealId', 'text'], ['contactId', 'text'], ['companyId', 'text'], ['authorId', 'text'],
  ['type', 'text'], ['body', 'text'], ['occurredAt', 'timestamp'], ['source', 'text'], ['createdAt', 'timestamp'],
];
const TASK_COLS: Col[] = [
  ['id', 'text'], ['workspaceId', 'text'], ['number', 'int'], ['dealId', 'text'], ['contactId', 'text'], ['title', 'text'],
  ['dueAt', 'timestamp'], ['assigneeId', 'text'], ['createdById', 'text'], ['doneAt', 'timestamp'],
  ['createdAt', 'timestamp'], ['updatedAt', 'timestamp'],
];

async function insertAll(raw: Raw, table: string, cols: Col[], rows: Value[][], log: (l: string) => void, t0: number) {
  for (let i = 0; i < rows.length; i += BATCH) await raw.insert(table, cols, rows.slice(i, i + BATCH));
  log(`  ${table}: ${rows.length.toLocaleString('en-US')} rows (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

// ---------------------------------------------------------------------------------------------
// Workspaces

export interface RecordsWorkspace {
  workspaceId: string;
  actors: Actor[];
}

interface Numbers {
  nextDeal: number;
  nextTask: number;
}

async function workspaces(target: DatabaseTarget, createReference: boolean) {
  const handle = await openDatabase(target);
  try {
    const crm = createCrm(handle.db, new FixedClock(NOW));
    const make = async (externalId: string, name: string, members: number): Promise<RecordsWorkspace> => {
      const ws = await crm.identity.ensureWorkspace({ platform: 'slack', externalId, name, defaultCurrency: 'USD', timezone: 'UTC' });
      const actors: Actor[] = [];
      for (let i = 1; i <= members; i++) {
        const m = await crm.identity.ensureMember({
          workspaceId: ws.id,
          externalId: `${externalId}-U${String(i).padStart(3, '0')}`,
          handle: `rep${i}`,
          displayName: `Rep ${i}`,
          timezone: 'UTC',
        });
        actors.push(await crm.identity.actorFor(m));
      }
      return { workspaceId: ws.id, actors };
    };
    const main = await make(RECORDS_WS, 'Records Bench', MEMBERS);
    const small = await make(RECORDS_SMALL_WS, 'Records Bench Small', SMALL_MEMBERS);
    let reference: Reference | undefined;
    if (createReference) {
      // One row of each kind through the domain: what the bulk rows must look like.
      const a = main.actors[0]!;
      const { company } = await crm.companies.create(a, { name: 'Reference Works', domain: 'reference-works.example' });
      const { contact } = await crm.contacts.create(a, { name: 'Reference Person', email: 'person@reference-works.example', companyId: company.id });
      const { deal } = await crm.deals.create(a, {
        title: 'Reference renewal',
        amount: { minor: 1_250_000n, currency: 'USD' },
        companyId: company.id,
        contactIds: [contact.id],
      });
      const { task } = await crm.tasks.create(a, { title: 'Send the quote', due: toDateOnly(new Date(NOW.getTime() + 3 * DAY_MS)), deal: deal.id, contactId: contact.id });
      const { activity } = await crm.activities.log(a, { deal: deal.id, contactId: contact.id, type: 'call', body: 'Reference call', occurredAt: NOW });
      reference = { companyId: company.id, contactId: contact.id, dealId: deal.id, taskId: task.id, activityId: activity.id };
    }
    const numbers = async (ws: RecordsWorkspace): Promise<Numbers> => {
      const w = await handle.db.workspace.findUniqueOrThrow({ where: { id: ws.workspaceId } });
      return { nextDeal: w.nextDealNumber, nextTask: w.nextTaskNumber };
    };
    return { main, small, reference, numbers: { main: await numbers(main), small: await numbers(small) } };
  } finally {
    await handle.close();
  }
}

interface Reference {
  companyId: string;
  contactId: string;
  dealId: string;
  taskId: string;
  activityId: string;
}

/** SQLite: every date column the domain wrote must read back in the form the bulk rows are bound in. */
async function checkRepresentation(raw: Raw, ref: Reference): Promise<void> {
  if (raw.provider !== 'sqlite') return; // PostgreSQL's column types fix the representation
  const checks: [table: string, id: string, cols: string[]][] = [
    ['Company', ref.companyId, ['createdAt', 'updatedAt']],
    ['Contact', ref.contactId, ['createdAt', 'updatedAt']],
    ['Deal', ref.dealId, ['createdAt', 'updatedAt', 'lastActivityAt', 'stageChangedAt']],
    ['Task', ref.taskId, ['dueAt', 'createdAt', 'updatedAt']],
    ['Activity', ref.activityId, ['occurredAt', 'createdAt']],
  ];
  for (const [table, id, cols] of checks) {
    const [row] = await raw.all<Record<string, unknown>>(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${table}" WHERE "id" = ?`, [id]);
    for (const c of cols) {
      const v = row?.[c];
      if (typeof v !== 'string' || raw.date(new Date(v)) !== v) {
        throw new Error(`SQLite representation of ${table}.${c} differs from the bulk rows': ${JSON.stringify(v)}`);
      }
    }
  }
  const [link] = await raw.all<{ createdAt: unknown }>('SELECT "createdAt" FROM "DealContact" WHERE "dealId" = ?', [ref.dealId]);
  if (typeof link?.createdAt !== 'string' || raw.date(new Date(link.createdAt)) !== link.createdAt) {
    throw new Error(`SQLite representation of DealContact.createdAt differs: ${JSON.stringify(link?.createdAt)}`);
  }
  const [deal] = await raw.all<{ t: string }>('SELECT typeof("amountCents") AS t FROM "Deal" WHERE "id" = ?', [ref.dealId]);
  if (deal?.t !== 'integer') throw new Error(`Deal.amountCents is stored as ${deal?.t}`);
}

// ---------------------------------------------------------------------------------------------
// One workspace's rows

interface Generated {
  companies: Value[][];
  contacts: Value[][];
  deals: Value[][];
  links: Value[][];
  activities: Value[][];
  tasks: Value[][];
}

function generate(rand: Rand, newId: () => string, ws: RecordsWorkspace, sizes: RecordSizes, numbers: Numbers, isMain: boolean,
  stages: { id: string; key: string; kind: string; pipelineId: string }[]): Generated {
  const wsId = ws.workspaceId;
  const members = ws.actors.map((a) => a.memberId);
  const start = NOW.getTime() - 400 * DAY_MS;

  // Companies: unique names from a mixed radix over heads, tails and kinds; two in three have a domain.
  const companies: { id: string; name: string; domain: string | null; contacts: number[] }[] = [];
  const companyRows: Value[][] = [];
  const names = new Set<string>();
  for (let j = 0; j < sizes.companies; j++) {
    const h = j % CO_HEAD.length;
    const t = Math.floor(j / CO_HEAD.length) % CO_TAIL.length;
    const k = Math.floor(j / (CO_HEAD.length * CO_TAIL.length)) % CO_KIND.length;
    const round = Math.floor(j / (CO_HEAD.length * CO_TAIL.length * CO_KIND.length));
    const name = `${CO_HEAD[h]}${CO_TAIL[t]} ${CO_KIND[k]}${round ? ` ${round + 1}` : ''}`;
    if (names.has(name)) throw new Error(`company name ${name} twice`);
    names.add(name);
    const domain = j % 3 === 2 ? null : `${searchKey(name).replace(/ /g, '-')}.example`;
    const id = newId();
    const at = new Date(start + Math.floor((j / sizes.companies) * 300 * DAY_MS));
    companies.push({ id, name, domain, contacts: [] });
    companyRows.push([id, wsId, name, searchKey(name), domain, rand.next() < 0.7 ? rand.pick(members) : null, at, at]);
  }
  // Which company is big: a shuffled rank, so the biggest are spread through the alphabet.
  const rankToCompany = Array.from({ length: companies.length }, (_, i) => i);
  for (let i = rankToCompany.length - 1; i > 0; i--) {
    const j = rand.int(i + 1);
    [rankToCompany[i], rankToCompany[j]] = [rankToCompany[j]!, rankToCompany[i]!];
  }
  const zipfCompany = zipf(companies.length);
  const drawCompany = () => (rand.next() < ZIPF_SHARE ? rankToCompany[zipfCompany(rand)]! : rand.int(companies.length));

  // Contacts: 90 % at a company (skewed), emails unique, half with a common surname.
  const contacts: { id: string; name: string; company: number | null; createdAt: number }[] = [];
  const contactRows: Value[][] = [];
  const emails = new Set<string>();
  for (let i = 0; i < sizes.contacts; i++) {
    const first = rand.pick(FIRST_NAMES);
    const last = rand.next() < 0.5 ? rand.pick(LAST_NAMES) : `${rand.pick(SYL1)}${rand.pick(SYL2)}${rand.pick(SYL3)}`;
    const name = `${first} ${last}`;
    const company = rand.next() < 0.9 ? drawCompany() : null;
    const domain = company !== null ? companies[company]!.domain : null;
    let email: string | null = null;
    if (rand.next() < 0.92) {
      const local = `${first}.${last}`.toLowerCase();
      const host = domain ?? rand.pick(['mail.example', 'inbox.example', 'post.example']);
      email = `${local}@${host}`;
      for (let n = 2; emails.has(email); n++) email = `${local}${n}@${host}`;
      emails.add(email);
    }
    const id = newId();
    const createdAt = start + Math.floor(rand.next() * 390 * DAY_MS);
    const updatedAt = new Date(createdAt + Math.floor(rand.next() * (NOW.getTime() - createdAt)));
    if (company !== null) companies[company]!.contacts.push(i);
    contacts.push({ id, name, company, createdAt });
    contactRows.push([
      id, wsId, company !== null ? companies[company]!.id : null, rand.next() < 0.95 ? rand.pick(members) : null, name, searchKey(name),
      email, rand.next() < 0.6 ? `+1 555 ${String(rand.int(10_000_000)).padStart(7, '0')}` : null, rand.pick(TITLES) || null,
      new Date(createdAt), updatedAt,
    ]);
  }
  const hubs = isMain ? Array.from({ length: Math.min(HUB_CONTACTS, contacts.length) }, () => rand.int(contacts.length)) : [];

  // Deals: 85 % at a company (the same skew), the stage mix of bench/seed.ts.
  interface DealSeed {
    id: string;
    number: number;
    owner: string;
    open: boolean;
    createdAt: number;
    lastActivityAt: number;
    contacts: number[];
    row: Value[];
  }
  const deals: DealSeed[] = [];
  const links: Value[][] = [];
  for (let n = 0; n < sizes.deals; n++) {
    let r = rand.next();
    const key = STAGE_MIX.find(([, share]) => (r -= share) < 0)?.[0] ?? 'new';
    const stage = stages.find((s) => s.key === key)!;
    const owner = rand.pick(members);
    const companyIndex = rand.next() < 0.85 ? drawCompany() : null;
    const company = companyIndex !== null ? companies[companyIndex]! : null;
    const title = `${cap(rand.pick(HIT_WORDS))} ${rand.pick(DEAL_KINDS)}${rand.next() < 0.6 ? ` ${10 * (1 + rand.int(50))} seats` : ''}`;
    const amount = rand.next() < 0.85 ? BigInt((1_000 + rand.int(200_000)) * 100) : null;
    const currency = amount !== null && rand.next() < 0.05 ? 'EUR' : 'USD';
    const createdAt = start + Math.floor(rand.next() * 380 * DAY_MS);
    const stageChangedAt = createdAt + Math.floor(rand.next() * (NOW.getTime() - createdAt) * 0.5);
    const closed = stage.kind !== 'open';
    const archivedAt = rand.next() < 0.03 ? new Date(createdAt + Math.floor(rand.next() * (NOW.getTime() - createdAt))) : null;
    const id = newId();
    const deal: DealSeed = {
      id, number: numbers.nextDeal + n, owner, open: !closed && !archivedAt, createdAt, lastActivityAt: createdAt, contacts: [],
      row: [
        id, wsId, numbers.nextDeal + n, title, searchKey(title, company?.name), amount, currency, stage.pipelineId, stage.id, stage.kind,
        owner, company?.id ?? null, rand.next() < 0.5 ? dateOnly(NOW.getTime() + (-30 + rand.int(120)) * DAY_MS) : null,
        null, null, null /* lastActivityAt, set below */, new Date(stageChangedAt),
        closed ? new Date(stageChangedAt) : null, closed ? Math.round((stageChangedAt - createdAt) / DAY_MS) : null,
        archivedAt, archivedAt ? 1 : 0, owner, new Date(createdAt), null /* updatedAt, set below */,
      ],
    };
    // Contacts on it: 70 % have one to three, from its company when it has any; a few carry a hub.
    const linked = new Set<number>();
    if (rand.next() < 0.7) {
      const pool = company?.contacts.length ? company.contacts : null;
      const want = 1 + rand.int(3);
      for (let k = 0; k < want; k++) linked.add(pool ? pool[rand.int(pool.length)]! : rand.int(contacts.length));
    }
    if (hubs.length && rand.next() < HUB_DEAL_SHARE) linked.add(rand.pick(hubs));
    for (const c of linked) {
      deal.contacts.push(c);
      links.push([id, contacts[c]!.id, new Date(createdAt + rand.int(DAY_MS))]);
    }
    deals.push(deal);
  }

  // Activities: two in three on a deal (half of those also on one of its contacts), the rest on a
  // contact alone (hubs get their share), and a few merges recorded on companies.
  const activities: Value[][] = [];
  for (let n = 0; n < sizes.activities; n++) {
    const r = rand.next();
    const type = rand.pick(ACTIVITY_TYPES);
    const body = rand.pick(ACTIVITY_BODIES);
    const author = rand.pick(members);
    if (r < 0.65) {
      const d = deals[rand.int(deals.length)]!;
      const at = d.createdAt + Math.floor(rand.next() * (NOW.getTime() - d.createdAt));
      d.lastActivityAt = Math.max(d.lastActivityAt, at);
      const contact = d.contacts.length && rand.next() < 0.5 ? contacts[rand.pick(d.contacts)]!.id : null;
      activities.push([newId(), wsId, d.id, contact, null, d.owner, type, body, new Date(at), 'slack', new Date(at)]);
    } else if (r < 0.9975) {
      const c = contacts[hubs.length && rand.next() < HUB_ACTIVITY_SHARE ? rand.pick(hubs) : rand.int(contacts.length)]!;
      const at = c.createdAt + Math.floor(rand.next() * (NOW.getTime() - c.createdAt));
      activities.push([newId(), wsId, null, c.id, null, author, type, body, new Date(at), 'console', new Date(at)]);
    } else {
      const co = companies[drawCompany()]!;
      const at = start + Math.floor(rand.next() * 399 * DAY_MS);
      activities.push([newId(), wsId, null, null, co.id, author, 'merged', `Merged ${co.name} (old) into this company: 1 contact, 0 deals, 0 activities moved.`,
        new Date(at), 'api', new Date(at)]);
    }
  }

  // Tasks: on deals (most), on contacts, or both; a third done; due within a month either way, some undated.
  const tasks: { dealIndex: number | null; title: string; due: Date | null; done: boolean; number: number }[] = [];
  const taskRows: Value[][] = [];
  for (let n = 0; n < sizes.tasks; n++) {
    const r = rand.next();
    const dealIndex = r < 0.7 ? rand.int(deals.length) : null;
    const deal = dealIndex !== null ? deals[dealIndex]! : null;
    let contact: number | null = null;
    if (deal && deal.contacts.length && rand.next() < 0.3) contact = rand.pick(deal.contacts);
    else if (!deal) contact = hubs.length && rand.next() < 0.02 ? rand.pick(hubs) : rand.int(contacts.length);
    const done = rand.next() < 0.35 || (deal !== null && !deal.open && rand.next() < 0.8);
    const due = rand.next() < 0.85 ? dateOnly(NOW.getTime() + (-30 + rand.int(61)) * DAY_MS) : null;
    const createdAt = new Date(NOW.getTime() - rand.int(60 * DAY_MS));
    const doneAt = done ? new Date(createdAt.getTime() + rand.int(Math.max(1, NOW.getTime() - createdAt.getTime()))) : null;
    const title = rand.pick(TASK_TITLES);
    const number = numbers.nextTask + n;
    tasks.push({ dealIndex, title, due, done, number });
    taskRows.push([
      newId(), wsId, number, deal?.id ?? null, contact !== null ? contacts[contact]!.id : null, title, due,
      deal?.owner ?? rand.pick(members), rand.pick(members), doneAt, createdAt, doneAt ?? createdAt,
    ]);
  }
  // The next-action mirror: an open deal's first open task (earliest due, undated last, lowest number).
  const first = new Map<number, (typeof tasks)[number]>();
  for (const t of tasks) {
    if (t.done || t.dealIndex === null || !deals[t.dealIndex]!.open) continue;
    const cur = first.get(t.dealIndex);
    const key = (x: typeof t) => [x.due ? x.due.getTime() : Infinity, x.number] as const;
    if (!cur || key(t)[0] < key(cur)[0] || (key(t)[0] === key(cur)[0] && key(t)[1] < key(cur)[1])) first.set(t.dealIndex, t);
  }
  for (const [i, t] of first) {
    deals[i]!.row[13] = t.title;
    deals[i]!.row[14] = t.due;
  }
  for (const d of deals) {
    d.row[15] = new Date(d.lastActivityAt);
    d.row[23] = new Date(Math.min(NOW.getTime(), Math.max(d.lastActivityAt, d.createdAt) + rand.int(DAY_MS)));
  }
  return { companies: companyRows, contacts: contactRows, deals: deals.map((d) => d.row), links, activities, tasks: taskRows };
}

// ---------------------------------------------------------------------------------------------

export interface SeedRecordsOptions {
  target: DatabaseTarget;
  sizes: RecordSizes;
  reuse: boolean;
  log: (line: string) => void;
}

/**
 * Planner statistics. SQLite: the ones the app keeps (src/db/client.ts: PRAGMA optimize with
 * analysis_limit 1000), not a full ANALYZE: the plans measured are the plans a grown database gets.
 */
async function statistics(raw: Raw, log: (line: string) => void): Promise<void> {
  if (raw.provider === 'sqlite') {
    log('  ANALYZE (analysis_limit 1000, as the app) …');
    await raw.all('PRAGMA analysis_limit = 1000');
    await raw.all('ANALYZE');
    await raw.all('PRAGMA wal_checkpoint(TRUNCATE)');
  } else {
    log('  VACUUM (ANALYZE) …');
    await raw.all('VACUUM (ANALYZE)');
  }
}

/** Seeds (or, with `reuse`, finds) the two workspaces; returns the main one's actors. */
export async function seedRecords(opts: SeedRecordsOptions): Promise<{ main: RecordsWorkspace; seeded: boolean; seconds: number }> {
  const { target, sizes, log } = opts;
  const t0 = performance.now();
  if (opts.reuse && (await hasData(opts))) {
    const { applied } = await migrateDatabase(target);
    log(`  --reuse: ${target.provider} already holds the records bench data`);
    if (applied.length > 0) {
      // A migration since the seed (a new index): its statistics as a fresh seed would have them.
      log(`  migrated ${applied.join(', ')}; statistics again …`);
      const raw = openRaw(target);
      try {
        await statistics(raw, log);
      } finally {
        await raw.close();
      }
    }
    const { main } = await workspaces(target, false);
    return { main, seeded: false, seconds: 0 };
  }
  await reset(target);
  await migrateDatabase(target);
  const { main, small, reference, numbers } = await workspaces(target, true);
  const raw = openRaw(target);
  if (raw.provider === 'sqlite') {
    const db = (raw as Raw & { db: Database.Database }).db;
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
  }
  try {
    await checkRepresentation(raw, reference!);
    const rand = prng(20261124);
    for (const [ws, s, n, isMain, tag] of [
      [main, sizes, numbers.main, true, 1],
      [small, smallSizes(sizes), numbers.small, false, 2],
    ] as const) {
      const stages = await raw.all<{ id: string; key: string; kind: string; pipelineId: string }>(
        'SELECT "id", "key", "kind", "pipelineId" FROM "Stage" WHERE "workspaceId" = ?', [ws.workspaceId]);
      const g = generate(rand, idMaker(rand, tag), ws, s, n, isMain, stages);
      log(`  ${isMain ? 'main' : 'small'} workspace generated (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
      await insertAll(raw, 'Company', COMPANY_COLS, g.companies, log, t0);
      await insertAll(raw, 'Contact', CONTACT_COLS, g.contacts, log, t0);
      await insertAll(raw, 'Deal', DEAL_COLS, g.deals, log, t0);
      await insertAll(raw, 'DealContact', DEAL_CONTACT_COLS, g.links, log, t0);
      await insertAll(raw, 'Activity', ACTIVITY_COLS, g.activities, log, t0);
      await insertAll(raw, 'Task', TASK_COLS, g.tasks, log, t0);
      await raw.all('UPDATE "Workspace" SET "nextDealNumber" = ?, "nextTaskNumber" = ? WHERE "id" = ?',
        [n.nextDeal + s.deals, n.nextTask + s.tasks, ws.workspaceId]);
    }
    await statistics(raw, log);
  } finally {
    await raw.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  log(`  seeded ${target.provider} in ${seconds.toFixed(1)} s`);
  return { main, seeded: true, seconds };
}

async function hasData(opts: SeedRecordsOptions): Promise<boolean> {
  const { target, sizes } = opts;
  if (target.provider === 'sqlite' && !existsSync(target.sqlitePath)) return false;
  const raw = openRaw(target);
  try {
    const small = smallSizes(sizes);
    const [row] = await raw.all<Record<string, number | string>>(
      `SELECT (SELECT COUNT(*) FROM "Company") AS companies, (SELECT COUNT(*) FROM "Contact") AS contacts,
              (SELECT COUNT(*) FROM "Deal") AS deals, (SELECT COUNT(*) FROM "Activity") AS activities, (SELECT COUNT(*) FROM "Task") AS tasks`);
    // + 1 of each: the reference rows the domain wrote.
    return (['companies', 'contacts', 'deals', 'activities', 'tasks'] as const).every((k) => Number(row?.[k]) === sizes[k] + small[k] + 1);
  } catch {
    return false;
  } finally {
    await raw.close();
  }
}

async function reset(target: DatabaseTarget): Promise<void> {
  if (target.provider === 'sqlite') {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(target.sqlitePath + suffix, { force: true });
    return;
  }
  const url = new URL(target.url);
  url.searchParams.delete('options');
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${target.schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
