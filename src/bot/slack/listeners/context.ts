/** What every Slack listener needs, and the small helpers they share. */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Actor, Crm } from '../../../domain/index.js';
import type { InstallationService } from '../../../domain/identity/installation.service.js';
import { isDomainError } from '../../../domain/errors.js';
import type { Logger } from '../../../log.js';
import { errorReply } from '../../messages.js';
import type { SlackChannels } from '../channels.js';
import type { SlackIdentity } from '../identity.js';
import type { SlackInbox } from '../inbox.js';
import { BLOCKS } from '../ids.js';
import type { HomePublisher } from './events/home.js';

export interface SlackDeps {
  crm: Crm;
  log: Logger;
  identity: SlackIdentity;
  installations?: InstallationService;
  home: HomePublisher;
  /** Whether a channel may get CRM content everyone there can read (Slack Connect). */
  channels: SlackChannels;
  /** Records each acknowledged request and runs its work on a bounded queue (inbox.ts). */
  inbox: SlackInbox;
}

/** A key no other request shares: for requests where the platform gives no redelivery id worth keeping. */
export function uniqueKey(prefix: string, id: string | undefined): string {
  return `${prefix}:${id ?? 'none'}:${Math.random().toString(36).slice(2, 10)}`;
}

/** The parts of any Slack payload that say who is acting, where. */
interface AnyBody {
  team_id?: string;
  team_domain?: string;
  user_id?: string;
  user_name?: string;
  team?: { id?: string; domain?: string } | null;
  user?: { id?: string; username?: string; name?: string; team_id?: string };
  /** A view submission's: the submitter's own team. */
  user_team?: string;
  event?: { user?: string; user_team?: string };
}

export function idsOf(body: unknown, context?: { teamId?: string; userId?: string }) {
  const b = body as AnyBody;
  const teamId = context?.teamId ?? b.team_id ?? b.team?.id ?? b.user?.team_id;
  const userId = b.user_id ?? b.user?.id ?? b.event?.user ?? context?.userId;
  if (!teamId || !userId) throw new Error('a Slack payload without a team or user');
  const userTeamId = b.user?.team_id ?? b.user_team ?? b.event?.user_team;
  return {
    teamId,
    userId,
    ...(userTeamId && { userTeamId }),
    userName: b.user_name ?? b.user?.username ?? b.user?.name,
    teamName: b.team_domain ?? b.team?.domain ?? undefined,
  };
}

/** Options every deal-card reply needs: the reader's clock, and whether the assistant's buttons show. */
export async function replyOptions(deps: SlackDeps, actor: Actor) {
  return {
    now: deps.crm.clock.now(),
    timeZone: actor.timeZone,
    shareable: true,
    assistant: await deps.crm.assistant.isEnabled(actor.workspaceId),
  };
}

export async function actorOf(
  deps: SlackDeps,
  body: unknown,
  client: WebClient,
  context?: { teamId?: string; userId?: string },
): Promise<Actor> {
  return deps.identity.actor(idsOf(body, context), client);
}

/**
 * The acting member from what is already known, with no Web API call (for work before `ack`):
 * undefined when only users.info can say who this is. Throws the refusal for outsiders and guests.
 */
export async function knownActorOf(deps: SlackDeps, body: unknown, context?: { teamId?: string; userId?: string }): Promise<Actor | undefined> {
  return deps.identity.knownActor(idsOf(body, context));
}

/** Maps a domain field name to the modal block that shows its error. */
const FIELD_BLOCKS: Record<string, string> = {
  title: BLOCKS.title,
  amount: BLOCKS.amount,
  'amount.minor': BLOCKS.amount,
  'amount.currency': BLOCKS.amount,
  stage: BLOCKS.stage,
  owner: BLOCKS.owner,
  closeDate: BLOCKS.closeDate,
  companyName: BLOCKS.company,
  companyId: BLOCKS.company,
  nextAction: BLOCKS.nextAction,
  action: BLOCKS.nextAction,
  due: BLOCKS.due,
  body: BLOCKS.body,
  type: BLOCKS.activityType,
  lostReason: BLOCKS.reason,
  deal: BLOCKS.deal,
  ref: BLOCKS.deal,
  contactId: BLOCKS.contact,
  email: BLOCKS.email,
  name: BLOCKS.name,
  phone: BLOCKS.phone,
  domain: BLOCKS.company,
};

/**
 * A domain error as inline modal errors (`response_action: errors`) when it names a field the
 * modal has; undefined otherwise (the caller shows it some other way). `overrides` maps a field
 * to another block for one form (a contact's `title` is its job title, not a deal's title).
 */
export function fieldErrors(err: unknown, blocksInView: string[], overrides: Record<string, string> = {}): Record<string, string> | undefined {
  if (!isDomainError(err)) return undefined;
  const errors: Record<string, string> = {};
  const issues = err.details.issues ?? (err.details.field ? [{ field: err.details.field, message: err.message }] : []);
  for (const issue of issues) {
    const block = overrides[issue.field] ?? FIELD_BLOCKS[issue.field];
    if (block && blocksInView.includes(block) && !errors[block]) {
      errors[block] = err.details.issues ? capitalise(issue.message) : err.message;
    }
  }
  return Object.keys(errors).length ? errors : undefined;
}

export function errorText(err: unknown, log: Logger): string {
  const reply = errorReply(err, log);
  return reply.hint ? `${reply.message}\n${reply.hint}` : reply.message;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `private_metadata` of the CRM's modals: where a submission's answer goes and what it is about. */
export const modalMetaSchema = z
  .object({
    dealId: z.string().max(64).optional(),
    /** The stage a deal is being moved to (the stage gate modal): its id. */
    stageId: z.string().max(64).optional(),
    /** The pipeline the stage editor shows (its id), and its version when the editor opened. */
    pipelineId: z.string().max(64).optional(),
    version: z.string().max(64).optional(),
    /** The contact or company a record form is about (edit, new task, new contact at a company). */
    contactId: z.string().max(64).optional(),
    companyId: z.string().max(64).optional(),
    responseUrl: z.string().url().max(500).optional(),
    channelId: z.string().max(64).optional(),
    messageTs: z.string().max(64).optional(),
    permalink: z.string().url().max(1000).optional(),
    authorId: z.string().max(64).optional(),
    /** The message a deal was created from (kept short: metadata holds 3,000 characters). */
    messageText: z.string().max(1500).optional(),
    /**
     * The modal was opened from a message the bot posted for everyone (a digest, a nudge): answer
     * the person privately and leave that message as it is.
     */
    keepOriginal: z.boolean().optional(),
  })
  .strip();
export type ModalMeta = z.infer<typeof modalMetaSchema>;

export function readMeta(text: string | undefined): ModalMeta {
  if (!text) return {};
  try {
    const parsed = modalMetaSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** Slack keeps at most this many characters of a modal's `private_metadata`. */
export const PRIVATE_METADATA_MAX = 3000;

/**
 * `private_metadata` as JSON, within Slack's 3,000 characters. Only the message text can be long
 * (quotes and backslashes double in JSON): it is shortened, ending in "…", until the whole fits.
 * The note keeps the message's permalink, which leads to the full text.
 */
export function writeMeta(meta: ModalMeta): string {
  let json = JSON.stringify(meta);
  let text = meta.messageText;
  while (json.length > PRIVATE_METADATA_MAX && text) {
    const over = json.length - PRIVATE_METADATA_MAX;
    text = Array.from(text).slice(0, -Math.max(over, 8)).join('');
    json = JSON.stringify({ ...meta, messageText: `${text}…` });
  }
  return json;
}
