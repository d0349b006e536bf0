/**
 * What a command answers (a view model each surface renders its own way) and what it runs with.
 * Kept apart from the grammar and the executors so that renderers depend on this file only.
 */
import type { Crm } from '../../domain/index.js';
import type { Actor } from '../../domain/context.js';
import type { DealDetailView, DealListView, DealView } from '../../domain/deals/deal.view.js';
import type { DealQueueView, PipelineSummaryView } from '../../domain/reports/report.view.js';
import type { DraftView, SummaryView } from '../../domain/assistant/assistant.view.js';
import type { DigestSettingsView, DigestView, NudgeSettingsView } from '../../domain/digests/digest.view.js';
import type { ContactCardView, ContactListView, ContactSummaryView } from '../../domain/contacts/contact.view.js';
import type { CompanyCardView, CompanyListView, CompanySummaryView } from '../../domain/companies/company.view.js';
import type { TaskListView, TaskView } from '../../domain/tasks/task.view.js';
import type { PipelineView } from '../../domain/pipeline/pipeline.view.js';
import type { Logger } from '../../log.js';
import type { ErrorReply } from '../messages.js';
import type { ExportPort } from './export-port.js';

export type Surface = 'slack' | 'teams' | 'console';

export type Reply =
  | { kind: 'help'; text: string }
  | { kind: 'deal'; headline?: string; deal: DealView | DealDetailView; hint?: string }
  | { kind: 'list'; list: DealListView; hint?: string }
  | {
      kind: 'report';
      summary: PipelineSummaryView;
      stale: DealQueueView & { days: number };
      due: DealQueueView;
      noNextAction: DealQueueView;
    }
  /**
   * A follow-up email draft: show it only to the person who asked (`draft.visibility`), with its
   * label, the copyable text and `draft.buttons` (Log as email activity, Regenerate).
   */
  | { kind: 'draft'; draft: DraftView; hint?: string }
  /** A summary, also private, with `summary.buttons` (Set as next action, Regenerate). */
  | { kind: 'summary'; summary: SummaryView; hint?: string }
  /** `/deal digest`: this conversation's digest settings and the workspace's, after any change. */
  | { kind: 'digest'; settings: DigestSettingsView; headline?: string; hint?: string }
  /** `/deal digest preview`: the digest as it would be posted now, shown only to the person who asked. */
  | { kind: 'digest_preview'; digest: DigestView }
  /** `/deal nudges`: the person's morning nudge settings, after any change. */
  | { kind: 'nudges'; settings: NudgeSettingsView; headline?: string }
  /** `/deal contact <name or email>` and what changes a contact: the contact card. */
  | { kind: 'contact'; headline?: string; contact: ContactCardView; hint?: string }
  /** `/deal contacts [mine|<company>]`, or a search matching several. */
  | { kind: 'contacts'; list: ContactListView; hint?: string }
  /** `/deal company <name or domain>` and what changes a company: the company card. */
  | { kind: 'company'; headline?: string; company: CompanyCardView; hint?: string }
  /** `/deal companies`, or a search matching several. */
  | { kind: 'companies'; list: CompanyListView; hint?: string }
  /** `/deal task …`, `/deal done T-3`, Snooze: the one task, after the change. */
  | { kind: 'task'; headline?: string; task: TaskView; hint?: string }
  /** `/deal tasks [mine|overdue|@person|D-42]`. */
  | { kind: 'tasks'; list: TaskListView; headline?: string; hint?: string }
  /** `/deal pipelines`, `/deal pipeline …`, `/deal stage add …`: whole pipelines, stage by stage, after any change. */
  | { kind: 'pipeline'; pipelines: PipelineView[]; headline?: string; hint?: string }
  /**
   * A new contact or company looks like one that exists (same email or domain; same name at the
   * same company): nothing was created. The person chooses: use the existing record (its card), or
   * create anyway (`createAnyway` is the command line that does, for a button or to copy).
   */
  | {
      kind: 'duplicate';
      message: string;
      existing: { record: 'contact'; contact: ContactSummaryView } | { record: 'company'; company: CompanySummaryView };
      createAnyway: string | null;
    }
  | ErrorReply;

export interface CommandContext {
  crm: Crm;
  actor: Actor;
  surface: Surface;
  log: Logger;
  /**
   * The platform's id for this delivery (a Slack trigger or event id, a Teams activity id):
   * a retried delivery with the same id creates nothing new.
   */
  deliveryId?: string;
  /** `/deal` in Slack and the console, `deal` in Teams. */
  prefix?: string;
  /**
   * The conversation the command was typed in (a Slack channel id, a Teams conversation id):
   * where `/deal digest here` subscribes. Absent in the console.
   */
  channelId?: string;
  /**
   * Checks that `channelId` may receive CRM content everyone there can read (a digest): throws a
   * DomainError (SharedChannel) when the channel is shared with another organisation and the
   * workspace has not allowed it. Absent: no check (the console).
   */
  channelGuard?: () => Promise<void>;
  /**
   * How this surface sends `/deal export`'s files to the person (export-port.ts). Absent: the
   * console writes them to a folder; any other surface says it cannot.
   */
  exports?: ExportPort;
}

