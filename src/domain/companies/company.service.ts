import type { Company } from '../../generated/sqlite/client.js';
import { inTransaction, lockKey, onUniqueViolation, type Actor, type DomainDeps, type Tx } from '../context.js';
import { DomainError, DomainErrorCode } from '../errors.js';
import { cleanLine, likeContains, likeStartsWith, searchKey } from '../shared/text.js';
import { parseInput } from '../shared/validate.js';
import { createCompanySchema, type CreateCompanyInput } from './company.schema.js';

export class CompanyService {
  constructor(private readonly deps: DomainDeps) {}

  /** Creates a company; the same domain twice in one workspace is a duplicate. */
  async create(actor: Actor, input: CreateCompanyInput): Promise<Company> {
    const data = parseInput(createCompanySchema, input);
    return onUniqueViolation(
      () =>
        inTransaction(this.deps.db, async (tx) => {
          if (data.domain) await this.assertNoDomainDuplicate(tx, actor.workspaceId, data.domain);
          return tx.company.create({
            data: { workspaceId: actor.workspaceId, name: data.name, nameKey: searchKey(data.name), domain: data.domain ?? null },
          });
        }),
      // Another company took the domain at the same moment: the same Duplicate, naming it.
      async () => {
        if (data.domain) await this.assertNoDomainDuplicate(this.deps.db, actor.workspaceId, data.domain);
        return undefined;
      },
    );
  }

  /**
   * The company with this name (case-insensitive), created when there is none. Names have no
   * unique key, so two transactions naming the same new company at once take turns (`lockKey`):
   * the second finds the first's company instead of making another.
   */
  async findOrCreateByName(tx: Tx, workspaceId: string, name: string): Promise<Company> {
    const nameKey = searchKey(name);
    await lockKey(this.deps.db, tx, `company-name:${workspaceId}:${nameKey}`);
    const existing = await tx.company.findFirst({ where: { workspaceId, nameKey }, orderBy: { createdAt: 'asc' } });
    return existing ?? tx.company.create({ data: { workspaceId, name: cleanLine(name), nameKey, domain: null } });
  }

  async get(actor: Actor, id: string): Promise<Company> {
    const company = await this.deps.db.company.findFirst({ where: { id, workspaceId: actor.workspaceId } });
    if (!company) throw new DomainError(DomainErrorCode.NotFound, 'I can’t find that company.');
    return company;
  }

  /**
   * Companies whose name starts with or contains the text (literally: `%`, `_` and `\` are
   * characters, not LIKE wildcards, on both databases), names that start with it first.
   */
  async search(actor: Actor, text: string, limit = 10): Promise<Company[]> {
    const key = searchKey(text);
    const workspaceId = actor.workspaceId;
    if (!key) return this.deps.db.company.findMany({ where: { workspaceId }, orderBy: { name: 'asc' }, take: limit });
    const ids = await this.deps.db.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "Company"
      WHERE "workspaceId" = ${workspaceId} AND "nameKey" LIKE ${likeContains(key)} ESCAPE '!'
      ORDER BY CASE WHEN "nameKey" LIKE ${likeStartsWith(key)} ESCAPE '!' THEN 0 ELSE 1 END, "nameKey"
      LIMIT ${limit}`;
    if (ids.length === 0) return [];
    const rows = await this.deps.db.company.findMany({ where: { workspaceId, id: { in: ids.map((r) => r.id) } } });
    return rows
      .sort((a, b) => Number(!a.nameKey.startsWith(key)) - Number(!b.nameKey.startsWith(key)) || a.name.localeCompare(b.name))
      .slice(0, limit);
  }

  private async assertNoDomainDuplicate(tx: Tx, workspaceId: string, domain: string): Promise<void> {
    const dup = await tx.company.findUnique({ where: { workspaceId_domain: { workspaceId, domain } } });
    if (dup) {
      throw new DomainError(DomainErrorCode.Duplicate, `${dup.name} already has the domain ${domain}.`, {
        field: 'domain',
        existingId: dup.id,
      });
    }
  }
}
