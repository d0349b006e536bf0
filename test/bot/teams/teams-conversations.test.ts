/** The domain service behind stored Teams conversation references (no Bot Framework involved). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDomainError } from '../../../src/domain/index.js';
import { createTestDb, type TestDb } from '../../helpers/db.js';
import { seedWorkspace, type TestWorkspace } from '../../helpers/fixtures.js';

let t: TestDb;
let w: TestWorkspace;

beforeAll(async () => {
  t = await createTestDb();
  w = await seedWorkspace(t.crm);
});
afterAll(async () => {
  await t.cleanup();
});

const ref = (serviceUrl: string) => JSON.stringify({ serviceUrl, conversation: { id: 'a:1' }, channelId: 'msteams' });

describe('TeamsConversationService', () => {
  it('stores a reference once and rewrites it only when it changed', async () => {
    const svc = t.crm.teamsConversations;
    const first = await svc.remember({ workspaceId: w.workspaceId, conversationId: 'a:1', kind: 'personal', memberId: w.alice.memberId, reference: ref('https://smba/emea/') });
    const same = await svc.remember({ workspaceId: w.workspaceId, conversationId: 'a:1', kind: 'personal', memberId: w.alice.memberId, reference: ref('https://smba/emea/') });
    expect(first.changed).toBe(true);
    expect(same).toMatchObject({ changed: false, conversation: { id: first.conversation.id } });
    const moved = await svc.remember({ workspaceId: w.workspaceId, conversationId: 'a:1', kind: 'personal', reference: ref('https://smba/amer/') });
    expect(moved.changed).toBe(true);
    // The member stays tied to the chat when a later delivery does not name them.
    expect(moved.conversation).toMatchObject({ memberId: w.alice.memberId, reference: ref('https://smba/amer/') });
    expect(await svc.findPersonal(w.workspaceId, w.alice.memberId)).toMatchObject({ conversationId: 'a:1' });
    expect(await t.handle.db.teamsConversation.count()).toBe(1);
  });

  it('lists by kind and forgets within the workspace only', async () => {
    const svc = t.crm.teamsConversations;
    await svc.remember({ workspaceId: w.workspaceId, conversationId: '19:c@thread.tacv2', kind: 'channel', reference: ref('https://smba/emea/') });
    const other = await seedWorkspace(t.crm, 'T-OTHER', 'Other');
    await svc.remember({ workspaceId: other.workspaceId, conversationId: '19:c@thread.tacv2', kind: 'channel', reference: ref('https://smba/emea/') });
    expect((await svc.list(w.workspaceId, 'channel')).map((c) => c.conversationId)).toEqual(['19:c@thread.tacv2']);
    expect(await svc.forget(w.workspaceId, '19:c@thread.tacv2')).toBe(true);
    expect(await svc.find(w.workspaceId, '19:c@thread.tacv2')).toBeNull();
    expect(await svc.find(other.workspaceId, '19:c@thread.tacv2')).not.toBeNull();
  });

  it('refuses a reference that is not JSON, as a domain error', async () => {
    const err = await t.crm.teamsConversations
      .remember({ workspaceId: w.workspaceId, conversationId: 'a:2', kind: 'personal', reference: 'not json' })
      .catch((e: unknown) => e);
    expect(isDomainError(err)).toBe(true);
  });
});
