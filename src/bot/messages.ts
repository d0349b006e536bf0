/**
 * The one place that turns errors into the words a person sees. Every surface calls
 * `errorReply`; only the command prefix differs (`/deal` in Slack and the console, `deal` in Teams).
 */
import { isUniqueViolation, RACE_LOST_MESSAGE } from '../domain/context.js';
import { isDomainError, DomainErrorCode, type DomainError, type GateItemDetail } from '../domain/errors.js';
import type { Logger } from '../log.js';

export interface ErrorReply {
  kind: 'error';
  message: string;
  /** The nearest correct usage, or what to try next. */
  hint?: string;
  /** Valid values for the field at fault (stages, scopes). */
  choices?: string[];
  /** The form field at fault, for surfaces that show errors inline (Slack modals). */
  field?: string;
  /** A stage gate refused a move: the deal, the stage and what it lacks (a surface may ask for it in a form). */
  gate?: { deal: string; stage: { id: string; name: string }; missing: GateItemDetail[] };
}

/** What to type to move a deal into a gated stage with what it lacks: `/deal stage D-42 Proposal with amount <amount>, …`. */
function gateHint(details: DomainError['details'], prefix: string): string {
  const missing = details.missing ?? [];
  if (!details.deal) return 'Create it in an earlier stage, then move it there with what it needs.';
  const example: Record<string, string> = { money: '<amount>', date: '<date>', contact: '<contact name>', company: '<company>', person: '@person', number: '<number>', text: '<text>' };
  const items = missing.map((m) => `${m.key.replace(/^field:/, '')} ${m.input === 'choice' && m.choices?.length ? m.choices.join('|') : (example[m.input] ?? '<value>')}`);
  return `Give ${missing.length === 1 ? 'it' : 'them'} with the move: \`${prefix} stage ${details.deal} ${details.stage?.name ?? '<stage>'} with ${items.join(', ')}\``;
}

export function errorReply(err: unknown, log: Logger, prefix = '/deal'): ErrorReply {
  if (isDomainError(err)) {
    const base = { kind: 'error' as const, message: err.message, field: err.details.field };
    switch (err.code) {
      case DomainErrorCode.UnknownStage:
        return { ...base, hint: `Stages: ${err.details.choices?.join(', ')}`, choices: err.details.choices };
      case DomainErrorCode.UnknownPipeline:
        return { ...base, hint: `\`${prefix} pipelines\` lists the pipelines and their stages.`, choices: err.details.choices };
      case DomainErrorCode.StageGate:
        return {
          ...base,
          hint: gateHint(err.details, prefix),
          ...(err.details.deal && err.details.stage && { gate: { deal: err.details.deal, stage: err.details.stage, missing: err.details.missing ?? [] } }),
        };
      case DomainErrorCode.NotFound:
        return err.details.field === 'ref'
          ? { ...base, hint: `Find a deal's reference with \`${prefix} <words from its title>\`.` }
          : base;
      case DomainErrorCode.LostReasonRequired:
        // The deal being changed, never a fixed example that may be another deal.
        return {
          ...base,
          hint: err.details.existingRef
            ? `\`${prefix} lost ${err.details.existingRef} <reason>\`, e.g. \`${prefix} lost ${err.details.existingRef} went with a competitor\``
            : `\`${prefix} lost <ref> <reason>\``,
        };
      case DomainErrorCode.UnknownMember:
        return err.details.field === 'owner'
          ? { ...base, hint: 'Mention someone who has used the CRM, or leave the owner out to own it yourself.' }
          : { ...base, hint: 'Mention someone who has used the CRM.' };
      case DomainErrorCode.Conflict:
        // A stage with deals being removed: the command that says where they go.
        return err.details.field === 'moveTo' && err.details.stage && err.details.choices?.[0]
          ? { ...base, hint: `e.g. \`${prefix} stage remove ${err.details.stage.name} move deals to ${err.details.choices[0]}\``, choices: err.details.choices }
          : base;
      case DomainErrorCode.UnknownField:
        return { ...base, hint: `\`${prefix} fields\` lists the custom fields and their keys.`, choices: err.details.choices };
      case DomainErrorCode.Duplicate:
      case DomainErrorCode.InvalidInput:
      case DomainErrorCode.DealClosed:
        return base;
      case DomainErrorCode.NotAMember:
        return err.details.reason === 'guest'
          ? { ...base, hint: `A workspace admin can let guests in with \`${prefix} settings guests on\`.` }
          : base;
      // Both messages name the admins to ask; the hint says where to find them again.
      case DomainErrorCode.AdminOnly:
      case DomainErrorCode.ReadOnly:
        return { ...base, hint: `\`${prefix} admins\` lists the workspace’s admins and your own role.` };
      case DomainErrorCode.SharedChannel:
        return { ...base, hint: `A workspace admin can allow it with \`${prefix} settings shared-channels on\`.` };
      case DomainErrorCode.AssistantDisabled:
        return { ...base, hint: 'A workspace admin can turn them back on: see docs/assistant.md, "Turning it off".' };
    }
  }
  // A unique key another request took at the same moment, where no service said it in words:
  // the write was rolled back, and trying again reads what the other request saved.
  if (isUniqueViolation(err)) {
    log.warn({ err }, 'command lost a race on a unique key');
    return { kind: 'error', message: RACE_LOST_MESSAGE };
  }
  // Not the person's fault: log everything, tell them little.
  log.error({ err }, 'command failed');
  return {
    kind: 'error',
    message: 'Sorry, something went wrong on my side and nothing was changed. Please try again in a moment.',
  };
}
