/**
 * Demo data for the console: a few companies, contacts and deals in several stages, some stale,
 * some overdue, one without a next action. Written through the domain services (the same writes
 * a person makes), with clocks set in the past where a deal needs history.
 */
import type { Member } from '../generated/sqlite/client.js';
import { createCrm, type Crm } from '../domain/index.js';
import { FixedClock } from '../domain/ports.js';
import { addDays, DAY_MS, todayIn } from '../domain/shared/dates.js';

export interface DemoResult {
  deals: number;
}

export async function seedDemo(crm: Crm, you: Member): Promise<DemoResult> {
  const now = crm.clock.now();
  const today = todayIn(you.timezone, now);
  const at = (daysAgo: number) => createCrm(crm.db, new FixedClock(new Date(now.getTime() - daysAgo * DAY_MS)));
  const member = (handle: string, displayName: string) =>
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
    await crm.companies.create(me, { name, domain });
  }
  const ana = await crm.contacts.create(me, { name: 'Ana Lima', email: 'ana@acme.com', title: 'Head of Operations' });
  const hank = await crm.contacts.create(mg, { name: 'Hank Scorpio', email: 'hank@globex.com', title: 'CEO' });
  const bill = await crm.contacts.create(so, { name: 'Bill Lumbergh', email: 'bill@initech.com', title: 'VP Finance' });
  await crm.contacts.create(mg, { name: 'Alice Chen', email: 'alice@umbrella-health.com', title: 'CTO' });

  const usd = (major: number) => ({ minor: BigInt(major) * 100n, currency: 'USD' });
  const deal = async (
    daysAgo: number,
    who: typeof me,
    input: Parameters<Crm['deals']['create']>[1],
    then?: (c: Crm, ref: string) => Promise<unknown>,
  ) => {
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
    await deal(30, so, { title: 'Initech seat expansion', amount: usd(9_900), stage: 'qualified', companyName: 'Initech', contactIds: [bill.id] }),
    await deal(3, me, { title: 'Umbrella Health onboarding', amount: usd(125_000), stage: 'new', companyName: 'Umbrella Health', closeDate: addDays(today, 45) }, async (_c, ref) => {
      await crm.deals.setNextAction(me, ref, { action: 'Discovery call with Alice', due: today });
    }),
    await deal(60, mg, { title: 'Stark Logistics fleet tracking', amount: usd(64_000), stage: 'proposal', companyName: 'Stark Logistics' }, async (c, ref) => {
      await c.deals.setNextAction(mg, ref, { action: 'Price review with their CFO', due: addDays(today, 7) });
    }),
    await deal(50, so, { title: 'Acme support add-on', amount: usd(6_000), stage: 'negotiation', companyName: 'Acme Corp' }, async (_c, ref) => {
      await at(8).deals.markWon(so, ref);
    }),
    await deal(45, mg, { title: 'Globex EU rollout', amount: { minor: 30_000_00n, currency: 'EUR' }, stage: 'qualified', companyName: 'Globex' }, async (_c, ref) => {
      await at(12).deals.markLost(mg, ref, 'Chose an in-house build');
    }),
  ];
  return { deals: refs.length };
}
