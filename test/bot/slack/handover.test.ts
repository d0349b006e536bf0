/**
 * A member leaves Slack (a `user_change` event with `deleted: true`), through signed requests to
 * the real Bolt receiver, Slack's Web API answered by nock: the member is deactivated and every
 * admin gets one DM with what they owned, a people picker and Hand over; a redelivered event sends
 * no second DM; a 429 from chat.postMessage is waited out and the DM still goes once; pressing the
 * button hands everything over and replaces the message, and a second press says it was done.
 */
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HANDOVER_ACTIONS, HANDOVER_BLOCK_PREFIX } from '../../../src/bot/slack/ids.js';
import { blockKitViolations } from '../../../src/bot/slack/blocks/limits.js';
import type { Actor } from '../../../src/domain/index.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { captureResponseUrl, mockSlackBasics, nextId, parseApiBody, startSlack, textOf, type SlackHarness } from '../../helpers/slack.js';
import { usd } from '../../helpers/fixtures.js';

let t: TestDb;
let slack: SlackHarness;

/** What users.info says about the people of this file. */
const PEOPLE: Record<string, Record<string, unknown>> = {
  U0ADA: { name: 'ada', real_name: 'Ada Admin', is_admin: true },
  U0BEA: { name: 'bea', real_name: 'Bea Boss', is_owner: true },
  U0MARIA: { name: 'maria', real_name: 'Maria Garcia' },
  U0SAM: { name: 'sam', real_name: 'Sam Lee' },
  U0LEO: { name: 'leo', real_name: 'Leo Left' },
  U0NED: { name: 'ned', real_name: 'Ned North' },
};
const profile = (id: string) => ({ id, team_id: 'T0ACME', tz: 'UTC', profile: { email: `${String(PEOPLE[id]!.name)}@acme.test` }, ...PEOPLE[id] });

function mockPeople() {
  nock('https://slack.com')
    .persist()
    .post('/api/users.info', (body: unknown) => Boolean(PEOPLE[String(parseApiBody(body).user)]))
    .reply(200, (_uri, body) => ({ ok: true, user: profile(String(parseApiBody(body).user)) }));
}

/** Every chat.postMessage Slack was asked for; `statuses` answers the first ones otherwise (429). */
let posts: Record<string, unknown>[];
function mockPosts(statuses: number[] = []) {
  posts = [];
  nock('https://slack.com')
    .persist()
    .post('/api/chat.postMessage')
    .reply((_uri, body) => {
      posts.push(parseApiBody(body));
      const status = statuses.shift() ?? 200;
      if (status === 429) return [429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' }];
      return [200, { ok: true, channel: `D0${String(parseApiBody(body).channel)}`, ts: `17000000.${posts.length}` }];
    });
}

const member = (externalId: string) => t.handle.db.member.findFirstOrThrow({ where: { externalId } });
const actorOf = async (externalId: string): Promise<Actor> => {
  const m = await member(externalId);
  return { workspaceId: m.workspaceId, memberId: m.id, timeZone: 'UTC' };
};

async function say(text: string, userId: string) {
  const answer = captureResponseUrl();
  await slack.command(text, { userId, userName: String(PEOPLE[userId]!.name) });
  return answer;
}

/** Two open deals, a won one, a contact, a company and an open task for someone. */
async function giveThings(externalId: string, tag: string) {
  const who = await actorOf(externalId);
  await t.crm.deals.create(who, { title: `${tag} renewal`, amount: usd(5000) });
  await t.crm.deals.create(who, { title: `${tag} pilot` });
  const won = (await t.crm.deals.create(who, { title: `${tag} won` })).deal;
  await t.crm.deals.markWon(who, won.ref);
  await t.crm.contacts.create(who, { name: `${tag} Contact`, email: `${tag.toLowerCase()}@client.test` });
  await t.crm.companies.create(who, { name: `${tag} Co`, domain: `${tag.toLowerCase()}.test` });
  await t.crm.tasks.create(who, { title: `Call ${tag}` });
}

/** A `user_change` event body; send it with `post` to redeliver it as Slack retries do. */
function userChange(userId: string, eventId = nextId('Ev')): string {
  return JSON.stringify({
    token: 'legacy',
    team_id: 'T0ACME',
    api_app_id: 'A0CRM',
    event: { type: 'user_change', user: { ...profile(userId), deleted: true }, event_ts: '1' },
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
  });
}
const deliver = (body: string, retry?: number) =>
  slack.post(body, {
    contentType: 'application/json',
    ...(retry !== undefined && { headers: { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' } }),
  });

const settle = () => new Promise((r) => setTimeout(r, 400));

/** Hand over pressed in an admin's DM about `leaverId`, with `picked` in the people picker. */
function pressHandOver(adminId: string, leaverId: string, picked: string | null, responseUrl: string) {
  const blockId = `${HANDOVER_BLOCK_PREFIX}${leaverId}`;
  return slack.interaction({
    type: 'block_actions',
    team: { id: 'T0ACME', domain: 'acme' },
    user: { id: adminId, username: String(PEOPLE[adminId]!.name), team_id: 'T0ACME' },
    api_app_id: 'A0CRM',
    trigger_id: nextId('trig'),
    container: { type: 'message', message_ts: '17000000.1', channel_id: `D0${adminId}`, is_ephemeral: false },
    channel: { id: `D0${adminId}` },
    response_url: responseUrl,
    state: { values: { [blockId]: { [HANDOVER_ACTIONS.pick]: { type: 'users_select', selected_user: picked } } } },
    actions: [{ type: 'button', action_id: HANDOVER_ACTIONS.handOver, block_id: blockId, value: leaverId, action_ts: '1' }],
  });
}

beforeAll(async () => {
  t = await createTestDb();
  slack = await startSlack(t.crm);
  nock.cleanAll();
  mockPeople();
  mockSlackBasics();
  for (const id of ['U0ADA', 'U0BEA', 'U0MARIA', 'U0SAM', 'U0LEO', 'U0NED']) await say('list', id);
  await giveThings('U0MARIA', 'Maria');
  await giveThings('U0LEO', 'Leo');
  await giveThings('U0NED', 'Ned');
});
afterAll(async () => {
  await slack.close();
  await t.cleanup();
});
beforeEach(() => {
  nock.cleanAll();
  mockPeople();
  mockSlackBasics();
});

describe('a member deactivated in Slack', () => {
  it('is marked deactivated, and each admin gets one DM with a people picker and Hand over', async () => {
    mockPosts();
    const maria = await member('U0MARIA');
    expect((await deliver(userChange('U0MARIA'))).status).toBe(200);
    await expect.poll(() => posts.length).toBe(2);
    expect((await member('U0MARIA')).deactivated).not.toBeNull();

    expect(posts.map((p) => p.channel).sort()).toEqual(['U0ADA', 'U0BEA']);
    for (const post of posts) {
      expect(post.text).toBe('Maria Garcia left: 2 open deals, 1 contact, 1 company, 1 open task. Hand them to:');
      const blocks = post.blocks as Record<string, unknown>[];
      expect(blockKitViolations('message', { text: post.text, blocks })).toEqual([]);
      expect(textOf(blocks)).toContain('Maria Garcia left: 2 open deals, 1 contact, 1 company, 1 open task. Hand them to:');
      const picker = blocks.find((b) => b.type === 'actions') as { block_id: string; elements: Record<string, unknown>[] };
      expect(picker.block_id).toBe(`${HANDOVER_BLOCK_PREFIX}${maria.id}`);
      expect(picker.elements).toEqual([
        expect.objectContaining({ type: 'users_select', action_id: HANDOVER_ACTIONS.pick }),
        expect.objectContaining({ type: 'button', action_id: HANDOVER_ACTIONS.handOver, value: maria.id, text: expect.objectContaining({ text: 'Hand over' }) }),
      ]);
    }
    // Maria, deactivated, can't use the CRM any more.
    expect(String((await say('list', 'U0MARIA')).text)).toMatch(/only for the workspace’s active members/);
  });

  it('an event delivered three times (Slack’s retries), and a later event about the same departure, send one DM per admin', async () => {
    mockPosts();
    const body = userChange('U0NED');
    const statuses = await Promise.all([deliver(body), deliver(body, 1), deliver(body, 2)]);
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 200]);
    await expect.poll(() => posts.length).toBe(2);
    await deliver(userChange('U0NED'));
    await deliver(userChange('U0MARIA'));
    await settle();
    expect(posts.map((p) => p.channel).sort()).toEqual(['U0ADA', 'U0BEA']);
    expect(String(posts[0]!.text)).toMatch(/^Ned North left:/);
  });

  it('Hand over hands everything to the picked person and replaces the message; a second press says it was done', async () => {
    mockPosts();
    const maria = await member('U0MARIA');
    const sam = await member('U0SAM');
    const first = captureResponseUrl('/actions/ada-1');
    await pressHandOver('U0ADA', maria.id, 'U0SAM', 'https://hooks.slack.com/actions/ada-1');
    const replaced = await first;
    expect(replaced.replace_original).toBe(true);
    expect(replaced.text).toBe('Handed Maria Garcia’s 2 open deals, 1 contact, 1 company and 1 open task to Sam Lee.');
    expect(textOf(replaced.blocks)).not.toContain('Hand over');

    const ws = maria.workspaceId;
    expect(await t.handle.db.deal.count({ where: { workspaceId: ws, ownerId: sam.id, status: 'open' } })).toBe(2);
    expect(await t.handle.db.deal.count({ where: { workspaceId: ws, ownerId: maria.id, status: 'open' } })).toBe(0);
    expect(await t.handle.db.contact.count({ where: { workspaceId: ws, ownerId: sam.id } })).toBe(1);
    expect(await t.handle.db.company.count({ where: { workspaceId: ws, ownerId: sam.id } })).toBe(1);
    expect(await t.handle.db.task.count({ where: { workspaceId: ws, assigneeId: sam.id, doneAt: null } })).toBe(1);
    const events = await t.handle.db.dealEvent.count({ where: { workspaceId: ws, kind: 'owner' } });
    expect(events).toBe(2);

    // Bea presses Hand over in her own copy: nothing is left, and her message says so.
    const second = captureResponseUrl('/actions/bea-1');
    await pressHandOver('U0BEA', maria.id, 'U0ADA', 'https://hooks.slack.com/actions/bea-1');
    expect((await second).text).toMatch(/^Already done: Maria Garcia has no open deals, contacts, companies or open tasks left/);
    expect(await t.handle.db.dealEvent.count({ where: { workspaceId: ws, kind: 'owner' } })).toBe(events);
    expect(await t.handle.db.deal.count({ where: { workspaceId: ws, ownerId: sam.id, status: 'open' } })).toBe(2);
  });

  it('Hand over with nobody picked asks for a person and keeps the message', async () => {
    const leo = await member('U0LEO');
    const answer = captureResponseUrl('/actions/ada-2');
    await pressHandOver('U0ADA', leo.id, null, 'https://hooks.slack.com/actions/ada-2');
    const msg = await answer;
    expect(msg.replace_original).toBe(false);
    expect(textOf(msg.blocks)).toContain('Pick who gets them first, then press Hand over.');
    expect(await t.handle.db.deal.count({ where: { ownerId: leo.id, status: 'open' } })).toBe(2);
  });

  it('a 429 from chat.postMessage is waited out (Retry-After) and each admin still gets one DM', async () => {
    mockPosts([429]);
    await deliver(userChange('U0LEO'));
    await expect.poll(() => posts.filter((p) => p.channel !== undefined).length, { timeout: 15_000, interval: 200 }).toBe(3);
    await settle();
    expect(posts).toHaveLength(3);
    expect(posts.map((p) => p.channel).sort()).toEqual(['U0ADA', 'U0ADA', 'U0BEA']);
    const leo = await member('U0LEO');
    const rows = await t.handle.db.deliveryLedger.findMany({ where: { kind: 'handover', subject: { startsWith: `${leo.id}:` } } });
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
  }, 30_000);
});
