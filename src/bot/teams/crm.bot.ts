/**
 * The Teams bot. It only dispatches: each kind of activity goes to its handler (handlers/), after
 * resolving who is acting. Everything a person can get wrong is answered by the handlers; anything
 * else becomes a short apology here, in the form the activity needs (a card, an invoke answer).
 */
import {
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type FileConsentCardResponse,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  type SearchInvokeResponse,
  type SearchInvokeValue,
  type TaskModuleRequest,
  type TaskModuleResponse,
  type TurnContext,
} from 'botbuilder';
import type { Actor } from '../../domain/index.js';
import { attachment } from './cards/parts.js';
import { errorCard, plainCard, type TeamsMessage } from './cards/reply.js';
import type { DialogInfo } from './cards/forms.js';
import { ForeignTenantError, type ActorOptions } from './identity.js';
import { COMMANDS, CONTENT_TYPES, DATASETS } from './ids.js';
import { runCardAction } from './handlers/card-actions.js';
import { asActivity, failureMessage, STALE_BUTTON, type TeamsDeps } from './handlers/context.js';
import { fetchDialog, logMessageFetch, searchDeals, searchRecords, submitDialog, type DialogOutcome } from './handlers/dialogs.js';
import { onInstalled, onUninstalled } from './handlers/install.js';
import { onMembersRemoved } from './handlers/handover.js';
import { searchContacts } from './handlers/record-dialogs.js';
import { rememberConversation } from './conversation.js';
import { onMessage } from './handlers/message.js';
import { onExportAccepted, onExportDeclined } from './handlers/export.js';

const NOT_SERVED = 'This CRM is not set up for your organisation.';
const UNKNOWN_COMMAND = 'That command is not known to this version of the app.';
const DONE = 'Done.';
const DONE_TITLE = 'Log to CRM';

export class CrmBot extends TeamsActivityHandler {
  constructor(private readonly deps: TeamsDeps) {
    super();
    this.onMessage(async (context, next) => {
      await this.as(context, (actor) => onMessage(deps, context, actor), (msg) => context.sendActivity(asActivity(msg)).then(() => undefined));
      await next();
    });
    this.onInstallationUpdateAdd(async (context, next) => {
      // Whoever installs the app administers the CRM's workspace settings (`deal settings`).
      await this.as(context, (actor) => onInstalled(deps, context, actor), async () => undefined, { installer: true });
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await this.as(context, (actor) => onUninstalled(deps, context, actor), async () => undefined);
      await next();
    });
    // Added to a team or group chat (Teams also sends installationUpdate, which says hello).
    this.onMembersAdded(async (context, next) => {
      const me = context.activity.recipient?.id;
      if (context.activity.membersAdded?.some((m) => m.id === me)) {
        await this.as(context, (actor) => rememberConversation(deps.crm, deps.log, context.activity, actor), async () => undefined);
      }
      await next();
    });
    // Someone removed from a team the bot is in has left: the admins are offered a hand-over.
    this.onMembersRemoved(async (context, next) => {
      await this.as(context, (actor) => onMembersRemoved(deps, context, actor), async () => undefined);
      await next();
    });
  }

  /** Card buttons (`Action.Execute`): the answer is the card to show in place, or a line of text. */
  protected override async onAdaptiveCardInvoke(context: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const data = { ...(value.action?.data as Record<string, unknown> | undefined), verb: value.action?.verb };
    return this.as(
      context,
      async (actor) => {
        const result = await runCardAction(this.deps, context, actor, data);
        return result.kind === 'replace'
          ? { statusCode: 200, type: CONTENT_TYPES.adaptiveCard, value: result.card as unknown as Record<string, unknown> }
          : { statusCode: 200, type: CONTENT_TYPES.message, value: result.text as unknown as Record<string, unknown> };
      },
      async (msg) => ({ statusCode: 200, type: CONTENT_TYPES.message, value: msg.summary as unknown as Record<string, unknown> }),
    );
  }

  /** A dialog opened from a card (`task/fetch`). */
  protected override async handleTeamsTaskModuleFetch(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    return this.as(
      context,
      async (actor) => {
        const dialog = await fetchDialog(this.deps, actor, request.data);
        return dialog ? continueWith(dialog) : say(STALE_BUTTON);
      },
      async (msg) => say(msg.summary),
    );
  }

  protected override async handleTeamsTaskModuleSubmit(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    return this.as(context, async (actor) => outcome(await submitDialog(this.deps, context, actor, request.data)), async (msg) => say(msg.summary));
  }

  /**
   * "Log to CRM" on a message: the dialog, prefilled. Message extensions answer with one of the
   * documented shapes (another dialog, a card result, or nothing): here always a dialog, either the
   * form or a small card saying what happened.
   */
  protected override async handleTeamsMessagingExtensionFetchTask(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    return this.as(
      context,
      async (actor) => {
        if (action.commandId !== COMMANDS.logToCrm) return noticeDialog(errorCard(UNKNOWN_COMMAND));
        return continueWith(await logMessageFetch(this.deps, context, actor, action.messagePayload));
      },
      async (msg) => noticeDialog(msg),
    );
  }

  /** The Log to CRM dialog submitted: the form again with what was wrong, or a card saying what was logged. */
  protected override async handleTeamsMessagingExtensionSubmitAction(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    return this.as(
      context,
      async (actor) => {
        const result = await submitDialog(this.deps, context, actor, action.data);
        if (result.kind === 'again') return continueWith(result.dialog);
        return noticeDialog(plainCard(result.message ?? DONE, DONE_TITLE));
      },
      async (msg) => noticeDialog(msg),
    );
  }

  /** More deals (or deals and contacts) for a dialog's picker, or contacts for the deal card's Contacts, as the person types. */
  protected override async onSearchInvoke(context: TurnContext, value: SearchInvokeValue): Promise<SearchInvokeResponse> {
    const answer = (results: { title: string; value: string }[]): SearchInvokeResponse => ({
      statusCode: 200,
      type: 'application/vnd.microsoft.search.searchResponse',
      value: { results },
    });
    return this.as(
      context,
      async (actor) => {
        if (value.dataset === DATASETS.deals) return answer(await searchDeals(this.deps, actor, value.queryText ?? ''));
        if (value.dataset === DATASETS.contacts) return answer(await searchContacts(this.deps, actor, value.queryText ?? ''));
        if (value.dataset === DATASETS.records) return answer(await searchRecords(this.deps, actor, value.queryText ?? ''));
        return answer([]);
      },
      async () => answer([]),
    );
  }

  /**
   * A file consent card (`deal export`) accepted: answered at once, the file uploaded and shown in
   * the background (handlers/export.ts).
   */
  protected override async handleTeamsFileConsentAccept(context: TurnContext, response: FileConsentCardResponse): Promise<void> {
    await this.as(context, (actor) => onExportAccepted(this.deps, context, actor, response), (msg) => context.sendActivity(asActivity(msg)).then(() => undefined));
  }

  /** A file consent card declined: the person is told the file was not sent. */
  protected override async handleTeamsFileConsentDecline(context: TurnContext, response: FileConsentCardResponse): Promise<void> {
    await this.as(context, () => onExportDeclined(context, response), (msg) => context.sendActivity(asActivity(msg)).then(() => undefined));
  }

  /**
   * Resolves the actor and runs the handler. A tenant this bot does not serve, a person refused
   * (a guest, another organisation's: DomainError NotAMember, in errorReply's words), or a failure
   * a handler did not answer, becomes `fail` with the words to show (a bug logged in full).
   */
  private async as<T>(
    context: TurnContext,
    run: (actor: Actor) => Promise<T>,
    fail: (msg: ReturnType<typeof failureMessage>) => Promise<T>,
    opts: ActorOptions = {},
  ): Promise<T> {
    try {
      const actor = await this.deps.identity.actor(context, opts);
      return await run(actor);
    } catch (err) {
      return fail(err instanceof ForeignTenantError ? errorCard(NOT_SERVED) : failureMessage(err, this.deps.log));
    }
  }
}

function continueWith(dialog: DialogInfo): TaskModuleResponse & MessagingExtensionActionResponse {
  return { task: { type: 'continue', value: { title: dialog.title, width: dialog.width ?? 'medium', card: attachment(dialog.card) } } };
}

/** A message extension's answer that is not a form: a small dialog with a card (a documented response). */
function noticeDialog(msg: TeamsMessage): MessagingExtensionActionResponse {
  return { task: { type: 'continue', value: { title: DONE_TITLE, width: 'small', card: attachment(msg.card) } } };
}

function say(message: string): TaskModuleResponse & MessagingExtensionActionResponse {
  return { task: { type: 'message', value: message } };
}

/** A submitted dialog's answer: the form again, a line in the dialog, or (nothing to say) closed. */
function outcome(result: DialogOutcome): TaskModuleResponse & MessagingExtensionActionResponse {
  if (result.kind === 'again') return continueWith(result.dialog);
  return result.message ? say(result.message) : ({} as TaskModuleResponse);
}
