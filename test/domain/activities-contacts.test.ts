import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainErrorCode } from '../../src/domain/index.js';
import { createTestDb, TEST_NOW, type TestDb } from '../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
});
afterAll(async () => t.cleanup());

describe('activities', () => {
  it('logs a call on a deal, keeps the permalink and moves the deal’s last activity', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Call me' });
    t.clock.advance(3 * 24 * 3600 * 1000);
    const { activity, created } = await t.crm.activities.log(w.alice, {
      deal: deal.ref,
      type: 'call',
      body: 'Talked budget with Ana',
      source: 'slack',
      sourceUrl: 'https://acme.slack.com/archives/C1/p1700000000000100',
    });
    expect(created).toBe(true);
    expect(activity.sourceUrl).toBe('https://acme.slack.com/archives/C1/p1700000000000100');
    const detail = await t.crm.deals.get(w.alice, deal.ref);
    expect(detail.lastActivityAt.toISOString()).toBe(t.clock.now().toISOString());
    expect(detail.timeline[0]).toMatchObject({ kind: 'activity', type: 'call', body: 'Talked budget with Ana', actor: 'Alice Adams' });
  });

  it('never logs a retried delivery twice, even when the retries race', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Retried' });
    const input = { deal: deal.ref, type: 'note' as const, body: 'Once only', idempotencyKey: 'slack:msg:C1:1700000000.000200' };
    const results = await Promise.all([1, 2, 3].map(() => t.crm.activities.log(w.alice, input)));
    expect(new Set(results.map((r) => r.activity.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await t.crm.activities.list(w.alice, { deal: deal.ref })).toHaveLength(1);
  });

  it('does not make a deal look fresher when an older activity is logged', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Back-dated' });
    const before = (await t.crm.deals.get(w.alice, deal.ref)).lastActivityAt;
    await t.crm.activities.log(w.alice, { deal: deal.ref, type: 'meeting', body: 'Old meeting', occurredAt: TEST_NOW });
    expect((await t.crm.deals.get(w.alice, deal.ref)).lastActivityAt).toEqual(before);
  });

  it('asks for a deal or contact, a known type and some text', async () => {
    await expect(t.crm.activities.log(w.alice, { type: 'call', body: 'x' })).rejects.toMatchObject({
      code: DomainErrorCode.InvalidInput,
      message: expect.stringContaining('pick a deal or a contact'),
    });
    await expect(t.crm.activities.log(w.alice, { deal: 'D-1', type: 'fax' as never, body: 'x' })).rejects.toMatchObject({
      message: expect.stringContaining('call, email, meeting or note'),
    });
    await expect(t.crm.activities.log(w.alice, { deal: 'D-1', type: 'call', body: ' ' })).rejects.toMatchObject({
      message: expect.stringContaining('say what happened'),
    });
  });
});

describe('contacts and companies', () => {
  it('refuses a second contact with the same email, in any case, naming the first', async () => {
    const first = await t.crm.contacts.create(w.alice, { name: 'Ana Lima', email: 'ana@globex.com' });
    await expect(t.crm.contacts.create(w.bob, { name: 'Ana L.', email: 'ANA@Globex.com' })).rejects.toMatchObject({
      code: DomainErrorCode.Duplicate,
      details: { existingId: first.id, field: 'email' },
      message: 'Ana Lima already has the email ana@globex.com.',
    });
  });

  it('refuses a second company with the same domain however it is written', async () => {
    const acme = await t.crm.companies.create(w.alice, { name: 'Acme', domain: 'acme.com' });
    await expect(t.crm.companies.create(w.alice, { name: 'ACME Inc', domain: 'https://www.ACME.com/about' })).rejects.toMatchObject({
      code: DomainErrorCode.Duplicate,
      details: { existingId: acme.id },
    });
    await expect(t.crm.companies.create(w.alice, { name: 'Bad', domain: 'not a domain' })).rejects.toMatchObject({
      code: DomainErrorCode.InvalidInput,
    });
  });

  it('links a new contact to the company with their email’s domain', async () => {
    const initech = await t.crm.companies.create(w.alice, { name: 'Initech', domain: 'initech.com' });
    const peter = await t.crm.contacts.create(w.alice, { name: 'Peter Gibbons', email: 'peter@initech.com', title: 'Engineer' });
    expect(peter.company).toEqual({ id: initech.id, name: 'Initech' });
    expect((await t.crm.contacts.search(w.alice, 'gibb')).map((c) => c.id)).toEqual([peter.id]);
  });

  it('shows a deal’s contacts and logs activities on a contact', async () => {
    const c = await t.crm.contacts.create(w.alice, { name: 'Milton W', email: 'milton@initech.com' });
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Stapler deal', contactIds: [c.id] });
    expect((await t.crm.deals.get(w.alice, deal.ref)).contacts).toEqual([{ id: c.id, name: 'Milton W', email: 'milton@initech.com' }]);
    await t.crm.activities.log(w.alice, { contactId: c.id, type: 'email', body: 'Sent the stapler brochure' });
    expect((await t.crm.activities.list(w.alice, { contactId: c.id })).map((a) => a.body)).toEqual(['Sent the stapler brochure']);
  });
});

describe('tasks', () => {
  it('creates, lists as due in the assignee’s calendar, and completes', async () => {
    const { deal } = await t.crm.deals.create(w.alice, { title: 'Tasked' });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(t.clock.now());
    const { task } = await t.crm.tasks.create(w.alice, { title: 'Send deck', due: today, deal: deal.ref });
    await t.crm.tasks.create(w.alice, { title: 'Later', due: '2099-01-01' });
    expect((await t.crm.tasks.dueForMe(w.alice)).map((x) => x.title)).toEqual(['Send deck']);
    await t.crm.tasks.complete(w.alice, task.ref);
    expect(await t.crm.tasks.dueForMe(w.alice)).toHaveLength(0);
    await expect(t.crm.tasks.complete(w.bob, 'nope')).rejects.toMatchObject({ code: DomainErrorCode.NotFound });
  });
});
