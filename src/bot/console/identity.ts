import os from 'node:os';
import type { Env } from '../../config/env.js';
import type { Crm } from '../../domain/index.js';
import type { Member } from '../../generated/sqlite/client.js';

/** The console's workspace ("local") and the person at the keyboard. */
export async function ensureConsoleIdentity(crm: Crm, env: Env): Promise<Member> {
  const ws = await crm.identity.ensureWorkspace({
    platform: 'console',
    externalId: 'local',
    name: 'Local console',
    defaultCurrency: env.CRM_CURRENCY,
    timezone: env.CRM_TIMEZONE,
  });
  const handle = (env.CRM_CONSOLE_USER ?? safeUsername()).toLowerCase();
  return crm.identity.ensureMember({
    workspaceId: ws.id,
    externalId: `console:${handle}`,
    handle,
    displayName: handle === 'you' ? 'You' : handle.charAt(0).toUpperCase() + handle.slice(1),
    timezone: env.CRM_TIMEZONE,
  });
}

function safeUsername(): string {
  try {
    const name = os.userInfo().username.toLowerCase().replace(/[^a-z0-9._-]/g, '');
    return name && name !== 'root' ? name : 'you';
  } catch {
    return 'you';
  }
}
