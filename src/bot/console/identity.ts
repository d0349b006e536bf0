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
  const you = await consoleMember(crm, { workspaceId: ws.id, timezone: env.CRM_TIMEZONE }, handle);
  if (you.timezone === env.CRM_TIMEZONE) return you;
  // CRM_TIMEZONE is the console user's zone: a changed setting moves them; their name stays.
  return crm.identity.ensureMember({
    workspaceId: ws.id,
    externalId: you.externalId,
    handle: you.handle,
    displayName: you.displayName,
    timezone: env.CRM_TIMEZONE,
  });
}

/** The console id of the person with this handle. */
export const consoleExternalId = (handle: string) => `console:${handle}`;

/**
 * The console member with this handle: as they are when they already exist (their name is
 * theirs: `/as @maria` does not turn "Maria Garcia" into "Maria"), or new, named after the handle.
 */
export async function consoleMember(
  crm: Crm,
  where: { workspaceId: string; timezone: string },
  handle: string,
): Promise<Member> {
  const externalId = consoleExternalId(handle);
  const existing = await crm.identity.findMember(where.workspaceId, externalId);
  if (existing) return existing;
  return crm.identity.ensureMember({
    workspaceId: where.workspaceId,
    externalId,
    handle,
    displayName: handle === 'you' ? 'You' : handle.charAt(0).toUpperCase() + handle.slice(1),
    timezone: where.timezone,
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
