import type { Actor, Crm } from '../../src/domain/index.js';

export interface TestWorkspace {
  workspaceId: string;
  alice: Actor;
  bob: Actor;
}

/** A workspace with two members, Alice (Europe/Berlin) and Bob (America/New_York). */
export async function seedWorkspace(crm: Crm, externalId = 'T-ACME', name = 'Acme Sales'): Promise<TestWorkspace> {
  const ws = await crm.identity.ensureWorkspace({ platform: 'slack', externalId, name, defaultCurrency: 'USD' });
  const alice = await crm.identity.ensureMember({
    workspaceId: ws.id,
    externalId: `${externalId}-UALICE`,
    handle: 'alice',
    displayName: 'Alice Adams',
    timezone: 'Europe/Berlin',
  });
  const bob = await crm.identity.ensureMember({
    workspaceId: ws.id,
    externalId: `${externalId}-UBOB`,
    handle: 'bob',
    displayName: 'Bob Brown',
    timezone: 'America/New_York',
  });
  return {
    workspaceId: ws.id,
    alice: await crm.identity.actorFor(alice),
    bob: await crm.identity.actorFor(bob),
  };
}

export const usd = (major: number) => ({ minor: BigInt(Math.round(major * 100)), currency: 'USD' });
