/** Every Slack listener, registered on one app: one folder per listener kind. */
import type { App } from '@slack/bolt';
import type { Crm } from '../../../domain/index.js';
import type { InstallationService } from '../../../domain/identity/installation.service.js';
import type { Logger } from '../../../log.js';
import { SlackChannels } from '../channels.js';
import type { SlackIdentity } from '../identity.js';
import type { SlackInbox } from '../inbox.js';
import { ChatImports } from '../../chat-import.js';
import { registerDealButtons } from './actions/deal-buttons.js';
import { registerDigestButtons } from './actions/digest-buttons.js';
import { registerHandoverButtons } from './actions/handover-buttons.js';
import { registerImportButtons } from './actions/import-buttons.js';
import { registerPipelineButtons } from './actions/pipeline-buttons.js';
import { registerRecordButtons } from './actions/record-buttons.js';
import { registerDealCommand } from './commands/deal.command.js';
import type { SlackDeps } from './context.js';
import { HomePublisher } from './events/home.js';
import { registerEvents } from './events/index.js';
import { registerImportMessages } from './events/import.js';
import { registerOptions } from './options/index.js';
import { registerShortcuts } from './shortcuts/index.js';
import { registerViews } from './views/index.js';

export function registerListeners(
  app: App,
  base: { crm: Crm; log: Logger; identity: SlackIdentity; installations?: InstallationService; inbox: SlackInbox },
): SlackDeps {
  const deps: SlackDeps = { ...base, home: new HomePublisher(base.crm, base.log), channels: new SlackChannels(base.crm, base.log) };
  registerDealCommand(app, deps);
  registerDealButtons(app, deps);
  registerDigestButtons(app, deps);
  registerRecordButtons(app, deps);
  registerHandoverButtons(app, deps);
  registerPipelineButtons(app, deps);
  registerViews(app, deps);
  registerShortcuts(app, deps);
  registerOptions(app, deps);
  registerEvents(app, deps);
  // A CSV sent in a DM: its dry run, then Import / Cancel (chat-import.ts).
  const imports = new ChatImports(base.crm, base.log, '/deal');
  registerImportMessages(app, deps, imports);
  registerImportButtons(app, deps, imports);
  return deps;
}
