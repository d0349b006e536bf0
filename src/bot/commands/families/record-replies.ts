/** Answers shared by the contact and company commands: the duplicate choice, quoting names. */
import { DomainErrorCode, isDomainError } from '../../../domain/index.js';
import type { CommandContext, Reply } from '../reply.js';

/** A name as a command word: in "quotes" when it has spaces. */
export function quoted(name: string): string {
  return /\s/.test(name) ? `"${name.replaceAll('"', '')}"` : name;
}

/**
 * A Duplicate from creating a contact or company, as the choice the person makes: the existing
 * record (its card on "Use existing"), and the command that creates another anyway (null when
 * that cannot be: the same email or domain). Undefined for any other error.
 */
export async function duplicateReply(ctx: CommandContext, err: unknown, createAnyway: string): Promise<Reply | undefined> {
  if (!isDomainError(err) || err.code !== DomainErrorCode.Duplicate) return undefined;
  const details = err.details;
  if (!details.existingId) return undefined;
  const hardDuplicate = details.field === 'email' || details.field === 'domain';
  const anyway = hardDuplicate ? null : createAnyway.replace(/^\/deal/, ctx.prefix ?? '/deal');
  if (details.record === 'company') {
    const company = await ctx.crm.companies.resolve(ctx.actor, details.existingId);
    return { kind: 'duplicate', message: err.message, existing: { record: 'company', company }, createAnyway: anyway };
  }
  const contact = await ctx.crm.contacts.get(ctx.actor, details.existingId);
  return { kind: 'duplicate', message: err.message, existing: { record: 'contact', contact }, createAnyway: anyway };
}
