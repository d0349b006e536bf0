/**
 * Bolt's InstallationStore over the domain's sealed installations: OAuth installs of the app in
 * many workspaces, tokens encrypted at rest with CRM_ENCRYPTION_KEY.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import type { InstallationService } from '../../domain/identity/installation.service.js';

export function installKeyOf(q: { isEnterpriseInstall?: boolean; enterpriseId?: string; teamId?: string }): string {
  if (q.isEnterpriseInstall && q.enterpriseId) return `E:${q.enterpriseId}`;
  if (q.teamId) return `T:${q.teamId}`;
  throw new Error('an installation needs a team or an enterprise id');
}

/** `onStored` runs after an installation is saved (the installer becomes an admin: installer.ts). */
export function createInstallationStore(installations: InstallationService, onStored?: (installation: Installation) => Promise<void>): InstallationStore {
  return {
    async storeInstallation(installation: Installation) {
      const isEnterpriseInstall = Boolean(installation.isEnterpriseInstall);
      await installations.save({
        installKey: installKeyOf({
          isEnterpriseInstall,
          enterpriseId: installation.enterprise?.id,
          teamId: installation.team?.id,
        }),
        teamId: installation.team?.id ?? null,
        enterpriseId: installation.enterprise?.id ?? null,
        botUserId: installation.bot?.userId ?? null,
        json: JSON.stringify(installation),
      });
      await onStored?.(installation);
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const json = await installations.find(installKeyOf(query));
      if (!json) throw new Error(`no installation for ${query.teamId ?? query.enterpriseId}`);
      return JSON.parse(json) as Installation;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await installations.remove(installKeyOf(query));
    },
  };
}
