/**
 * THE command table: every `/deal` command, in the order help lists them. The entry parser
 * (parse.ts), the executor (execute.ts), help and the README test all read it. A new command is a
 * module under `families/` and one line here.
 */
import type { CommandSpec } from './command.js';
import { draftCommand, summaryCommand } from './families/assistant.js';
import { companiesCommand, companyCommand } from './families/companies.js';
import { contactCommand, contactsCommand } from './families/contacts.js';
import { linkCommand, mergeCommand } from './families/deal-contacts.js';
import { newDeal } from './families/deal-new.js';
import { assignDeal, listDeals, logActivity, markLost, markWon, moveStage, setNext, showDeal } from './families/deals.js';
import { digestCommand, nudgesCommand } from './families/digest.js';
import { exportCommand } from './families/export.js';
import { fieldCommand, fieldsCommand, setCommand } from './families/fields.js';
import { handoverCommand } from './families/handover.js';
import { helpCommand } from './families/help.js';
import { importCommand } from './families/import.js';
import { reportCommand } from './families/report.js';
import { adminsCommand, roleCommand } from './families/roles.js';
import { pipelineCommand, pipelinesCommand, stageAdminCommand } from './families/pipelines.js';
import { settingsCommand } from './families/settings.js';
import { doneCommand, snoozeCommand, taskCommand, tasksCommand } from './families/tasks.js';

export const COMMAND_TABLE = [
  newDeal,
  listDeals,
  showDeal,
  moveStage,
  markWon,
  markLost,
  setNext,
  logActivity,
  assignDeal,
  setCommand,
  reportCommand,
  contactCommand,
  contactsCommand,
  companyCommand,
  companiesCommand,
  linkCommand,
  mergeCommand,
  taskCommand,
  tasksCommand,
  doneCommand,
  snoozeCommand,
  draftCommand,
  summaryCommand,
  digestCommand,
  nudgesCommand,
  settingsCommand,
  adminsCommand,
  roleCommand,
  handoverCommand,
  pipelinesCommand,
  pipelineCommand,
  stageAdminCommand,
  fieldCommand,
  fieldsCommand,
  exportCommand,
  importCommand,
  helpCommand,
] as const;

type IntentOf<S> = S extends CommandSpec<infer I> ? I : never;

/** What a person asked for: the intent of one of the commands in the table. */
export type Intent = IntentOf<(typeof COMMAND_TABLE)[number]>;
export type IntentKind = Intent['kind'];

/** The table, as plain specs (for code that reads every command alike). */
export const COMMANDS_BY_KIND: ReadonlyMap<string, CommandSpec> = new Map(
  (COMMAND_TABLE as readonly unknown[] as readonly CommandSpec[]).map((c) => [c.kind, c]),
);

/** Every word that starts a command (aliases included) and its command. */
export const COMMAND_WORDS: ReadonlyMap<string, CommandSpec> = new Map(
  [...COMMANDS_BY_KIND.values()].flatMap((c) => c.words.map((w) => [w, c] as const)),
);

/** The usage line of each command, as shown in errors, help and the README. */
export const USAGE = Object.fromEntries([...COMMANDS_BY_KIND.values()].map((c) => [c.kind, c.usage])) as Record<IntentKind, string>;
