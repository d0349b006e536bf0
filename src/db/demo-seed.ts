/**
 * Demo data for the console: a few companies, their contacts (each on one or two deals), deals in
 * several stages, some stale, one without a next action, and tasks: each open deal's next action
 * is a task (one overdue, one due today), one more on a deal for a colleague, and one on a contact.
 * Written through the domain services (the same writes a person makes), with clocks set in the
 * past where a deal needs history.
 *
 * Idempotent: what is already there (a company by its domain, a contact by its email, a deal by
 * its title, a member by its console id, the contact's task by its key) is kept as it is and not
 * added again, so `CRM_DEMO_DATA=always` and `npm run seed` work on a database that already has
 * the demo data.
 */
import type { Member } from '../generated/sqlite/client.js';
import { createCrm, DomainError, DomainErrorCode, type Crm } from '../domain/index.js';
import { FixedClock } from '../domain/ports.js';
import { addDays, DAY_MS, todayIn } from '../domain/shared/dates.js';

export interface DemoResult {
  /** Demo deals added by this run. */
  deals: number;
  /** Demo deals that were already there (left as they are). */
  existing: number;
}

/** The demo's deals, by title: what tells whether one is already there. */
export const DEMO_DEAL_TITLES = [
  'Acme platform renewal',
  'Globex analytics pilot',
  'Initech seat expansion',
  'Umbrella Health onboarding',
  'Stark Logistics fleet tracking',
  'Acme support add-on',
  'Globex EU rollout',
] as const;
type DemoDealTitle = (typeof DEMO_DEAL_TITLES)[number];

/** What a run did, in words (no final full stop), for the start-up output and `npm run seed`. */
export function describeDemoResult(r: DemoResult): string {
  if (r.deals === 0) return `Demo data is already there (${r.existing} demo deals): nothing added`;
  const kept = r.existing > 0 ? ` (${r.existing} already there, kept as they are)` : '';
  return `Added demo data: ${r.deals} deals across the pipeline${kept}`;
}

/** The value a Duplicate refusal names as already there, when it names one. */
function existingId(err: unknown): string | undefined {
  if (!(err instanceof DomainError) || err.code !== DomainErrorCode.Duplicate) return undefined;
  return err.details.existingId;
}

export async function seedDemo(crm: Crm, you: Member): Promise<DemoResult> {
  const now = crm.clock.now();
  const today = todayIn(you.timezone, now);
  const at = (daysAgo: number) => createCrm(crm.db, new FixedClock(new Date(now.getTime() - daysAgo * DAY_MS)));
  const member = async (handle: string, displayName: string) =>
    (await crm.identity.findMember(you.workspaceId, `console:${handle}`)) ??
    crm.identity.ensureMember({
      workspaceId: you.workspaceId,
      externalId: `console:${handle}`,
      handle,
      displayName,
      timezone: you.timezone,
    });
  const maria = await member('maria', 'Maria Garcia');
  const sam = await member('sam', 'Sam Okafor');
  const actor = (m: Member) => ({ workspaceId: m.workspaceId, memberId: m.id, timeZone: m.timezone });
  const [me, mg, so] = [actor(you), actor(maria), actor(sam)];

  for (const [name, domain] of [
    ['Acme Corp', 'acme.com'],
    ['Globex', 'globex.com'],
    ['Initech', 'initech.com'],
    ['Umbrella Health', 'umbrella-health.com'],
    ['Stark Logistics', 'starklogistics.com'],
  ] as const) {
    await crm.companies.create(me, { name, domain }).catch((err: unknown) => {
      if (!existingId(err)) throw err;
    });
  }
  const contact = async (who: typeof me, input: Parameters<Crm['contacts']['create']>[1]) => {
    try {
      return { id: (await crm.contacts.create(who, input)).contact.id };
    } catch (err) {
      const id = existingId(err);
      if (!id) throw err;
      return { id };
    }
  };
  const ana = await contact(me, { name: 'Ana Lima', email: 'ana@acme.com', title: 'Head of Operations' });
  const hank = await contact(mg, { name: 'Hank Scorpio', email: 'hank@globex.com', title: 'CEO' });
  const bill = await contact(so, { name: 'Bill Lumbergh', email: 'bill@initech.com', title: 'VP Finance' });
  const alice = await contact(mg, { name: 'Alice Chen', email: 'alice@umbrella-health.com', title: 'CTO' });
  // A task on a contact rather than a deal (its key makes asking again add nothing).
  await crm.tasks.create(mg, {
    title: 'Send Hank the analytics case study',
    contactId: hank.id,
    due: addDays(today, 1),
    idempotencyKey: 'demo:task:hank-case-study',
  });

  const usd = (major: number) => ({ minor: BigInt(major) * 100n, currency: 'USD' });
  let existing = 0;
  const deal = async (
    daysAgo: number,
    who: typeof me,
    input: Parameters<Crm['deals']['create']>[1] & { title: DemoDealTitle },
    then?: (c: Crm, ref: string) => Promise<unknown>,
  ) => {
    const found = await crm.deals.find(me, input.title);
    if (found.items.some((d) => d.title === input.title)) {
      existing += 1;
      return undefined;
    }
    const c = at(daysAgo);
    const { deal } = await c.deals.create(who, input);
    if (then) await then(c, deal.ref);
    return deal.ref;
  };

  const refs = [
    await deal(40, me, { title: 'Acme platform renewal', amount: usd(48_000), stage: 'negotiation', companyName: 'Acme Corp', contactIds: [ana.id], closeDate: addDays(today, 10) }, async (c, ref) => {
      await c.activities.log(me, { deal: ref, type: 'meeting', body: 'Kick-off with Ana: wants SSO and a 3-year term.', source: 'console' });
      await crm.activities.log(me, { deal: ref, type: 'call', body: 'Ana confirmed budget; legal review next week.', source: 'console' });
      await crm.deals.setNextAction(me, ref, { action: 'Send redlined contract', due: addDays(today, 2) });
    }),
    await deal(25, mg, { title: 'Globex analytics pilot', amount: usd(18_500), stage: 'proposal', companyName: 'Globex', contactIds: [hank.id], closeDate: addDays(today, 21) }, async (c, ref) => {
      await c.activities.log(mg, { deal: ref, type: 'email', body: 'Sent the pilot proposal to Hank.', source: 'console' });
      await c.deals.setNextAction(mg, ref, { action: 'Follow up on proposal', due: addDays(today, -3) });
    }),
    await deal(30, so, { title: 'Initech seat expansion', amount: usd(9_900), stage: 'qualified', companyName: 'Initech', contactIds: [bill.id] }, async (_c, ref) => {
      // A task for a colleague: Maria prices the seats for Sam's deal.
      await crm.tasks.create(so, { title: 'Price 50 more seats for Bill', deal: ref, assigneeId: maria.id, due: addDays(today, 4) });
    }),
    await deal(3, me, { title: 'Umbrella Health onboarding', amount: usd(125_000), stage: 'new', companyName: 'Umbrella Health', contactIds: [alice.id], closeDate: addDays(today, 45) }, async (_c, ref) => {
      await crm.deals.setNextAction(me, ref, { action: 'Discovery call with Alice', due: today });
    }),
    await deal(60, mg, { title: 'Stark Logistics fleet tracking', amount: usd(64_000), stage: 'proposal', companyName: 'Stark Logistics' }, async (c, ref) => {
      await c.deals.setNextAction(mg, ref, { action: 'Price review with their CFO', due: addDays(today, 7) });
    }),
    await deal(50, so, { title: 'Acme support add-on', amount: usd(6_000), stage: 'negotiation', companyName: 'Acme Corp', contactIds: [ana.id] }, async (_c, ref) => {
      await at(8).deals.markWon(so, ref);
    }),
    await deal(45, mg, { title: 'Globex EU rollout', amount: { minor: 30_000_00n, currency: 'EUR' }, stage: 'qualified', companyName: 'Globex' }, async (_c, ref) => {
      await at(12).deals.markLost(mg, ref, 'Chose an in-house build');
    }),
  ];
  return { deals: refs.filter((r) => r !== undefined).length, existing };
}
