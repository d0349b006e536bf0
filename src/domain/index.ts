/** The domain layer, assembled: what every surface and job talks to. */
import type { Db } from '../db/client.js';
import { systemClock, type Clock, type Notifier } from './ports.js';
import { ActivityService } from './activities/activity.service.js';
import { CompanyService } from './companies/company.service.js';
import { ContactService } from './contacts/contact.service.js';
import { DealService } from './deals/deal.service.js';
import { FieldService } from './fields/field.service.js';
import { IdentityService } from './identity/identity.service.js';
import { PipelineService } from './pipeline/pipeline.service.js';
import { ReportService } from './reports/report.service.js';
import { TaskService } from './tasks/task.service.js';
import { InstallationService } from './identity/installation.service.js';
import type { SecretBox } from './shared/secret-box.js';
import { AssistantService } from './assistant/assistant.service.js';
import type { AssistantPort } from './assistant/assistant.port.js';
import { DigestService } from './digests/digest.service.js';
import { NudgeService } from './digests/nudge.service.js';
import { DeliveryLedgerStore } from './digests/ledger.js';
import { DeliveryRunner, type DeliveryRunnerOptions } from './digests/delivery.runner.js';
import { TeamsConversationService } from './identity/teams-conversation.service.js';
import { InboxService } from './inbox/inbox.service.js';
import { HandoverService } from './identity/handover.service.js';
import { HandoverOffers } from './identity/handover.offers.js';
import { ImportService } from './import/import.service.js';
import { ExportService } from './exports/export.service.js';
import type { SqlConnector } from './import/import.sql.js';

export interface Crm {
  db: Db;
  clock: Clock;
  identity: IdentityService;
  pipelines: PipelineService;
  companies: CompanyService;
  contacts: ContactService;
  deals: DealService;
  /** Custom fields on deals, contacts and companies: definitions (admins), values, card lines, list filters. */
  fields: FieldService;
  activities: ActivityService;
  tasks: TaskService;
  reports: ReportService;
  /** Follow-up drafts and activity summaries (offline templates when no model is configured). */
  assistant: AssistantService;
  /** Present when an encryption key is configured (needed to store platform tokens). */
  installations?: InstallationService;
  /** Channel digests: subscriptions, settings, building one. */
  digests: DigestService;
  /** Morning DM nudges: per-person settings, building one. */
  nudges: NudgeService;
  /** The run ledger that makes each digest and nudge post once. */
  deliveryLedger: DeliveryLedgerStore;
  /** Where the Teams bot can post proactively (stored conversation references). */
  teamsConversations: TeamsConversationService;
  /** Deliveries already taken in (retried platform events are handled once). */
  inbox: InboxService;
  /** Handing a member's open deals, contacts, companies and open tasks to another (admins). */
  handover: HandoverService;
  /** The admins' one message each about a member who left. */
  handoverOffers: HandoverOffers;
  /** CSV import (admins): a dry run (`plan`) and the import (`run`), docs/import.md. */
  imports: ImportService;
  /** CSV export from chat (admins and members, never guests): docs/backup.md, "Export from chat". */
  exports: ExportService;
}

export interface CrmOptions {
  /** Seals stored platform tokens; without it installations cannot be stored. */
  secretBox?: SecretBox;
  /** A language model for drafts and summaries (src/llm); without it they are made offline. */
  assistant?: AssistantPort;
  /** How long a digest or nudge claim is held before another run may take it over (ms). */
  deliveryLeaseMs?: number;
  /** Where list and queue counts stop (COUNT_CAP, 1,000, unless set; tests set it low). */
  countCap?: number;
  /** The import's transaction through the database driver (src/data/import-connection.ts); Prisma's when absent. */
  importConnector?: SqlConnector;
}

export function createCrm(db: Db, clock: Clock = systemClock, options: CrmOptions = {}): Crm {
  const deps = { db, clock, countCap: options.countCap };
  const identity = new IdentityService(deps);
  const pipelines = new PipelineService(deps);
  const companies = new CompanyService(deps);
  const contacts = new ContactService(deps, companies);
  const deals = new DealService(deps, pipelines, identity, companies);
  const fields = new FieldService(deps, contacts, companies);
  deals.useFieldWriter(fields);
  const definitions = (workspaceId: string, entity: 'deal' | 'contact' | 'company') => fields.definitions(workspaceId, entity);
  contacts.useFieldDefinitions(definitions);
  companies.useFieldDefinitions(definitions);
  const activities = new ActivityService(deps, deals);
  const tasks = new TaskService(deps, deals, identity);
  const reports = new ReportService(deps, pipelines, deals);
  const installations = options.secretBox ? new InstallationService(deps, options.secretBox) : undefined;
  const assistant = new AssistantService(deps, deals, activities, identity, options.assistant);
  const teamsConversations = new TeamsConversationService(deps);
  const deliveryLedger = new DeliveryLedgerStore(db, { leaseMs: options.deliveryLeaseMs ?? DEFAULT_LEASE_MS });
  const digests = new DigestService(deps, reports, deliveryLedger);
  const nudges = new NudgeService(deps, reports, tasks);
  const handover = new HandoverService(deps, identity);
  return {
    db,
    clock,
    identity,
    pipelines,
    companies,
    contacts,
    deals,
    fields,
    activities,
    tasks,
    reports,
    assistant,
    installations,
    teamsConversations,
    digests,
    nudges,
    deliveryLedger,
    inbox: new InboxService(deps),
    handover,
    handoverOffers: new HandoverOffers(deps, handover, deliveryLedger),
    imports: new ImportService(deps, pipelines, options.importConnector),
    exports: new ExportService(deps),
  };
}

const DEFAULT_LEASE_MS = 5 * 60_000;

/**
 * The runner the scheduled jobs call (digests, nudges), delivering through `notifier`. A claim
 * older than the ledger's lease (`CrmOptions.deliveryLeaseMs`) is taken over.
 */
export function createDeliveryRunner(crm: Crm, notifier: Notifier, options: DeliveryRunnerOptions): DeliveryRunner {
  return new DeliveryRunner(crm, crm.digests, crm.nudges, crm.deliveryLedger, notifier, options);
}

export type { Actor } from './context.js';
export { DomainError, DomainErrorCode, isDomainError } from './errors.js';
export {
  DeliveryError,
  FixedClock,
  isDeliveryError,
  systemClock,
  type Clock,
  type Destination,
  type Notification,
  type Notifier,
  type SentMessage,
} from './ports.js';
export type { DeliveryRunner, DeliveryRunnerOptions, RunReport } from './digests/delivery.runner.js';
