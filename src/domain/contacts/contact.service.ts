import type { Contact } from '../../generated/sqlite/client.js';
import { inTransaction, onUniqueViolation, type Actor, type DomainDeps, type Tx } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import type { CompanyService } from '../companies/company.service.js';
import { normaliseDomain } from '../companies/company.schema.js';
import { likeContains, searchKey } from '../shared/text.js';
import { parseInput } from '../shared/validate.js';
import { createContactSchema, type CreateContactInput } from './contact.schema.js';

export interface ContactView {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  company: { id: string; name: string } | null;
}

export class ContactService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly companies: CompanyService,
  ) {}

  /**
   * Creates a contact. The same email twice in a workspace is a duplicate (the error names the
   * existing contact). With no company given, a company with the email's domain is linked.
   */
  async create(actor: Actor, input: CreateContactInput): Promise<ContactView> {
    const data = parseInput(createContactSchema, input);
    const contact = await onUniqueViolation(
      () =>
        inTransaction(this.deps.db, async (tx) => {
          if (data.email) await this.assertNoEmailDuplicate(tx, actor.workspaceId, data.email);
          const companyId = await this.companyFor(tx, actor, data);
          return tx.contact.create({
            data: {
              workspaceId: actor.workspaceId,
              name: data.name,
              nameKey: searchKey(data.name),
              email: data.email ?? null,
              phone: data.phone ?? null,
              title: data.title || null,
              companyId,
              ownerId: data.ownerId ?? actor.memberId,
            },
            include: { company: { select: { id: true, name: true } } },
          });
        }),
      // Another contact took the email at the same moment: the same Duplicate, naming it.
      async () => {
        if (data.email) await this.assertNoEmailDuplicate(this.deps.db, actor.workspaceId, data.email);
        return undefined;
      },
    );
    return toContactView(contact);
  }

  /** Contacts whose name or email contains the text (literally: `%`, `_` and `\` are characters, not LIKE wildcards). */
  async search(actor: Actor, text: string, limit = 10): Promise<ContactView[]> {
    const key = searchKey(text);
    const workspaceId = actor.workspaceId;
    let ids: string[] | undefined;
    if (key) {
      const pattern = likeContains(key);
      const found = await this.deps.db.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "Contact"
        WHERE "workspaceId" = ${workspaceId} AND ("nameKey" LIKE ${pattern} ESCAPE '!' OR "email" LIKE ${pattern} ESCAPE '!')
        ORDER BY "name" LIMIT ${limit}`;
      if (found.length === 0) return [];
      ids = found.map((r) => r.id);
    }
    const rows = await this.deps.db.contact.findMany({
      where: { workspaceId, ...(ids && { id: { in: ids } }) },
      include: { company: { select: { id: true, name: true } } },
      orderBy: { name: 'asc' },
      take: limit,
    });
    return rows.map(toContactView);
  }

  async get(actor: Actor, id: string): Promise<ContactView> {
    const row = await this.deps.db.contact.findFirst({
      where: { id, workspaceId: actor.workspaceId },
      include: { company: { select: { id: true, name: true } } },
    });
    if (!row) throw new DomainError(DomainErrorCode.NotFound, 'I can’t find that contact.');
    return toContactView(row);
  }

  private async companyFor(tx: Tx, actor: Actor, data: { companyId?: string; companyName?: string; email?: string }) {
    if (data.companyId) {
      const c = await tx.company.findFirst({ where: { id: data.companyId, workspaceId: actor.workspaceId } });
      if (!c) throw new DomainError(DomainErrorCode.NotFound, 'I can’t find that company.', { field: 'companyId' });
      return c.id;
    }
    if (data.companyName) return (await this.companies.findOrCreateByName(tx, actor.workspaceId, data.companyName)).id;
    const domain = data.email ? normaliseDomain(data.email.split('@')[1] ?? '') : undefined;
    if (!domain) return null;
    const byDomain = await tx.company.findUnique({ where: { workspaceId_domain: { workspaceId: actor.workspaceId, domain } } });
    return byDomain?.id ?? null;
  }

  private async assertNoEmailDuplicate(tx: Tx, workspaceId: string, email: string): Promise<void> {
    const dup = await tx.contact.findUnique({ where: { workspaceId_email: { workspaceId, email } } });
    if (dup) {
      throw new DomainError(DomainErrorCode.Duplicate, `${dup.name} already has the email ${email}.`, {
        field: 'email',
        existingId: dup.id,
      });
    }
  }
}

function toContactView(c: Contact & { company: { id: string; name: string } | null }): ContactView {
  return { id: c.id, name: c.name, email: c.email, phone: c.phone, title: c.title, company: c.company };
}
