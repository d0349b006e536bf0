/**
 * `/deal admins` and `/deal role @person admin|member|read-only`: who administers the workspace's
 * CRM, and changing someone's role (admins only; the domain enforces it, see
 * src/domain/shared/roles.ts). Plain-text answers (`help` replies), so every surface shows them as is.
 */
import type { Role } from '../../../domain/shared/roles.js';
import { defineCommand } from '../command.js';
import type { PersonRef } from '../intent.js';
import { looksLikeMention, parseMention } from '../mentions.js';
import type { Reply } from '../reply.js';
import { fail, ok, type ParseOutcome, type ParseState } from '../grammar/state.js';
import { clip } from '../grammar/tokens.js';
import { didYouMean } from '../grammar/words.js';

export interface AdminsIntent {
  kind: 'admins';
}

export interface RoleIntent {
  kind: 'role';
  person: PersonRef;
  role: Role;
}

const USAGES = {
  admins: '/deal admins',
  role: '/deal role @person admin|member|read-only',
} as const;

/** The words of each role as people type them (`read-only`, `readonly`, `read only`, …). */
const ROLE_INPUT: Readonly<Record<string, Role>> = {
  admin: 'admin',
  admins: 'admin',
  administrator: 'admin',
  member: 'member',
  'read-only': 'read_only',
  readonly: 'read_only',
  read_only: 'read_only',
  'read only': 'read_only',
};
const ROLE_CHOICES = ['admin', 'member', 'read-only'];

/** Words that may stand between the person and the role: `/deal role @maria to admin`, `as admin`. */
const FILLER = new Set(['to', 'as', 'is']);

/** What each role may do, as the answers say it (the subject comes before). */
const CAN: Readonly<Record<Role, string>> = {
  admin: 'can change anything, including workspace settings, the digest’s stale period and threshold, and people’s roles',
  member: 'can read and change deals, contacts, companies, activities, tasks and digests; workspace settings and roles are for admins',
  read_only: 'can read everything but change nothing (their own morning nudges excepted)',
};

const A_ROLE: Readonly<Record<Role, string>> = { admin: 'an admin', member: 'a member', read_only: 'read-only' };

function parseAdmins(state: ParseState): ParseOutcome<AdminsIntent> {
  const rest = state.tokens.slice(1);
  if (rest.length === 0) return ok({ kind: 'admins' });
  // `/deal admin @maria`: most likely meant as making Maria an admin.
  if (rest.some((t) => !t.quoted && looksLikeMention(t.text))) {
    return fail('To make someone an admin, use `/deal role`, e.g. `/deal role @maria admin`.', USAGES.role);
  }
  return fail('`/deal admins` takes no other words: it lists the workspace’s admins and your own role.', USAGES.admins);
}

function parseRole(state: ParseState): ParseOutcome<RoleIntent> {
  const rest = state.tokens.slice(1);
  const mentions = rest.filter((t) => !t.quoted && looksLikeMention(t.text));
  if (mentions.length === 0) {
    return fail('Whose role? Mention one person and the role, e.g. `/deal role @maria read-only`. `/deal admins` lists the admins and your own role.', USAGES.role);
  }
  if (mentions.length > 1) return fail('Change one person’s role at a time, e.g. `/deal role @maria member`.', USAGES.role);
  const mention = mentions[0]!;
  const person = parseMention(mention.text);
  if (!person) {
    return fail(`"${clip(mention.text, 40)}" isn't a person I can read: mention them, e.g. \`/deal role @maria member\`.`, USAGES.role);
  }
  const roleWords = rest
    .filter((t) => t !== mention)
    .map((t) => t.text.toLowerCase())
    .filter((w, i) => !(i === 0 && FILLER.has(w)));
  const who = person.handle ? `@${person.handle}` : 'they';
  if (roleWords.length === 0) {
    return fail(`Which role should ${who} have? Say \`admin\`, \`member\` or \`read-only\`, e.g. \`/deal role @maria member\`.`, USAGES.role);
  }
  const typed = roleWords.join(' ');
  const role = ROLE_INPUT[typed];
  if (!role) {
    return fail(`"${clip(typed, 30)}" isn't a role;${didYouMean(typed, ROLE_CHOICES)} say \`admin\`, \`member\` or \`read-only\`.`, USAGES.role);
  }
  return ok({ kind: 'role', person, role });
}

export const adminsCommand = defineCommand<AdminsIntent>({
  kind: 'admins',
  words: ['admins', 'admin', 'roles'],
  group: 'Digests and settings',
  usage: USAGES.admins,
  summary: 'Who the workspace’s admins are, and your own role (admin, member or read-only).',
  example: '/deal admins',
  details: [
    'Admins can change anything, including workspace settings, the digest’s stale period and threshold, and roles. Members read and change deals, contacts, companies, activities, tasks and digests. Read-only people read everything and change nothing (their own morning nudges excepted).',
    'Slack workspace admins and owners, and whoever installs the app in Teams, are admins; so is the first person to use the CRM in a workspace that has none. Anyone else starts as a member.',
  ],
  parse: parseAdmins,
  fits: (state) => (state.tokens.length === 1 ? 1 : 0),
  async run(ctx, _intent, prefix): Promise<Reply> {
    const { admins, you } = await ctx.crm.identity.roles(ctx.actor);
    const names = admins.map((a) => `${a.displayName} (@${a.handle})`);
    const text = [
      admins.length === 0
        ? 'This workspace has no active admin just now.'
        : `Admin${admins.length === 1 ? '' : 's'} (${admins.length}): ${names.join(', ')}.`,
      `You are ${A_ROLE[you.role]}: you ${CAN[you.role].replace('their own', 'your own')}.`,
      you.role === 'admin'
        ? `Change someone’s role with \`${prefix} role @person admin|member|read-only\`.`
        : 'To change something that needs an admin, ask one of them.',
    ].join('\n');
    return { kind: 'help', text };
  },
});

export const roleCommand = defineCommand<RoleIntent>({
  kind: 'role',
  words: ['role'],
  group: 'Digests and settings',
  usage: USAGES.role,
  summary: 'Make someone an admin, a member or read-only (admins only). A workspace always keeps at least one admin.',
  example: '/deal role @maria read-only',
  details: [
    '`read-only` may also be written `readonly` or `read only`.',
    'The person must have used the CRM once. The workspace’s last admin stays an admin: make someone else an admin first.',
  ],
  parse: parseRole,
  fits: (state) => (state.tokens.slice(1).some((t) => !t.quoted && parseMention(t.text) !== undefined) ? 2 : 0),
  async run(ctx, intent, prefix): Promise<Reply> {
    const change = await ctx.crm.identity.setRole(ctx.actor, intent.person, { role: intent.role });
    const name = change.self ? 'You' : `${change.person.displayName} (@${change.person.handle})`;
    const verb = change.self ? 'are' : 'is';
    const can = change.self ? CAN[change.role].replace('their own', 'your own') : CAN[change.role];
    const text = change.changed
      ? [`${name} ${verb} now ${A_ROLE[change.role]} (was ${A_ROLE[change.before]}): ${change.self ? 'you' : 'they'} ${can}.`]
      : [`${name} ${verb} already ${A_ROLE[change.role]}: nothing changed.`];
    text.push(`\`${prefix} admins\` lists the workspace’s admins.`);
    return { kind: 'help', text: text.join('\n') };
  },
});
