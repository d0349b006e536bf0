/**
 * Chat platform installations (today: Slack OAuth installs), stored sealed: the tokens inside
 * are encrypted at rest and only the lookup key is in the clear. Platform-neutral: the Slack
 * surface adapts this to Bolt's InstallationStore.
 */
import type { DomainDeps } from '../context.js';
import type { SecretBox } from '../shared/secret-box.js';

export interface InstallationRecord {
  installKey: string;
  teamId?: string | null;
  enterpriseId?: string | null;
  botUserId?: string | null;
  /** The platform's installation object as JSON: sealed before it is written. */
  json: string;
}

export class InstallationService {
  constructor(
    private readonly deps: DomainDeps,
    private readonly box: SecretBox,
  ) {}

  async save(record: InstallationRecord): Promise<void> {
    const data = {
      teamId: record.teamId ?? null,
      enterpriseId: record.enterpriseId ?? null,
      botUserId: record.botUserId ?? null,
      sealed: this.box.seal(record.json, record.installKey),
    };
    await this.deps.db.slackInstallation.upsert({
      where: { installKey: record.installKey },
      create: { installKey: record.installKey, ...data },
      update: data,
    });
  }

  /** The installation's JSON, or undefined when there is none. */
  async find(installKey: string): Promise<string | undefined> {
    const row = await this.deps.db.slackInstallation.findUnique({ where: { installKey } });
    return row ? this.box.open(row.sealed, row.installKey) : undefined;
  }

  /** Forgets an installation (uninstalled, or its tokens revoked). The CRM data stays. */
  async remove(installKey: string): Promise<boolean> {
    const { count } = await this.deps.db.slackInstallation.deleteMany({ where: { installKey } });
    return count > 0;
  }
}
