/**
 * Column presets of the CSV importer: one table of what each known export calls its columns, per
 * kind of record, and how it writes dates and money (docs/import.md, "Presets").
 *
 * - `generic`: the headers our own export writes (src/data/export.ts, EXPORT_COLUMNS), so an export
 *   is read back with no preset, plus the common words a hand-made sheet uses ("Name", "Email",
 *   "Company", "Deal", "Value"…).
 * - `hubspot`: HubSpot's CRM exports ("Record ID", "Deal Name", "Deal Stage", "Deal owner",
 *   "Associated Company"…). Older exports name the id "Deal ID" / "Contact ID" / "Company ID".
 * - `pipedrive`: Pipedrive's exports, every column prefixed by its record ("Deal - Title",
 *   "Person - Email", "Organization - Name"…).
 *
 * A header is matched case-insensitively with its spaces squeezed. A header that no preset column
 * takes may still be a custom field's name (import.plan.ts). Adding a preset is one entry here.
 */
import { searchKey } from '../shared/text.js';

export const IMPORT_KINDS = ['company', 'contact', 'deal', 'activity'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** The order several files are imported in: what a later kind points at exists by then. */
export const KIND_ORDER: Readonly<Record<ImportKind, number>> = { company: 0, contact: 1, deal: 2, activity: 3 };

/** Kinds in words, for reports: "deals", "companies". */
export const KIND_PLURAL: Readonly<Record<ImportKind, string>> = { company: 'companies', contact: 'contacts', deal: 'deals', activity: 'activities' };

/** What ExternalRef.source records for each preset. */
export const PRESET_NAMES = ['generic', 'hubspot', 'pipedrive'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
export type ImportSource = 'csv' | 'hubspot' | 'pipedrive';

/** The canonical fields of each kind of record, as the importer reads them. */
export const KIND_FIELDS = {
  company: ['sourceId', 'name', 'domain', 'owner', 'ownerEmail', 'created'],
  contact: ['sourceId', 'name', 'firstName', 'lastName', 'email', 'phone', 'title', 'company', 'companyDomain', 'companySourceId', 'owner', 'ownerEmail', 'created'],
  deal: [
    'sourceId',
    'number',
    'title',
    'pipeline',
    'stage',
    'status',
    'amount',
    'currency',
    'owner',
    'ownerEmail',
    'company',
    'companyDomain',
    'companySourceId',
    'contacts',
    'closeDate',
    'nextAction',
    'nextActionDue',
    'lostReason',
    'created',
    'closed',
    'archived',
  ],
  activity: ['sourceId', 'date', 'type', 'body', 'dealNumber', 'dealTitle', 'dealSourceId', 'contact', 'contactEmail', 'company', 'author', 'authorEmail', 'source', 'sourceUrl'],
} as const satisfies Record<ImportKind, readonly string[]>;

export type FieldOf<K extends ImportKind> = (typeof KIND_FIELDS)[K][number];
export type AnyField = FieldOf<ImportKind>;

/** How a preset writes calendar dates and instants. Every format is read strictly, in UTC. */
export type DateFormat =
  /** 2026-03-14 */
  | 'iso-date'
  /** 2026-03-14 10:22 or 2026-03-14 10:22:33 (no zone: read as UTC) */
  | 'iso-local'
  /** 2026-03-14T10:22:33.000Z, 2026-03-14T10:22:33+01:00 */
  | 'iso-instant';

export interface MoneyFormat {
  /** The decimal mark: "1234.50". */
  decimal: '.' | ',';
  /** Marks allowed between groups of thousands: "1,234.50". */
  group: readonly string[];
}

export interface Preset {
  name: PresetName;
  /** ExternalRef.source of the records it imports. */
  source: ImportSource;
  /** How people name it in messages. */
  label: string;
  dates: readonly DateFormat[];
  money: MoneyFormat;
  /** Per kind: field → the headers that give it (first found wins). */
  columns: { readonly [K in ImportKind]: Partial<Record<FieldOf<K>, readonly string[]>> };
  /** Stage names that mean won or lost whatever the pipeline calls its own (HubSpot's "Closed Won"). */
  closedStages: Readonly<Record<string, 'won' | 'lost'>>;
}

const ALL_DATES: readonly DateFormat[] = ['iso-date', 'iso-local', 'iso-instant'];
const POINT: MoneyFormat = { decimal: '.', group: [',', ' ', '\u00a0', "'"] };

/** Our export's own words for won and lost (deals.csv's Status), and the usual English ones. */
const CLOSED_WORDS: Readonly<Record<string, 'won' | 'lost'>> = { 'closed won': 'won', 'closed lost': 'lost' };

/** The registry: every preset, one entry each. */
export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  generic: {
    name: 'generic',
    source: 'csv',
    label: 'CSV (our export, or any sheet with these headers)',
    dates: ALL_DATES,
    money: POINT,
    closedStages: CLOSED_WORDS,
    columns: {
      company: {
        sourceId: ['ID', 'External ID', 'Company ID'],
        name: ['Name', 'Company', 'Company name', 'Organization', 'Organisation', 'Account'],
        domain: ['Domain', 'Website', 'Company domain', 'Company domain name'],
        owner: ['Owner'],
        ownerEmail: ['Owner email'],
        created: ['Created', 'Created at', 'Create date'],
      },
      contact: {
        sourceId: ['ID', 'External ID', 'Contact ID'],
        name: ['Name', 'Full name', 'Contact', 'Contact name'],
        firstName: ['First name'],
        lastName: ['Last name'],
        email: ['Email', 'E-mail', 'Email address'],
        phone: ['Phone', 'Phone number', 'Mobile'],
        title: ['Job title', 'Title', 'Position'],
        company: ['Company', 'Company name', 'Organization', 'Organisation', 'Account'],
        companyDomain: ['Company domain'],
        owner: ['Owner'],
        ownerEmail: ['Owner email'],
        created: ['Created', 'Created at', 'Create date'],
      },
      deal: {
        sourceId: ['ID', 'External ID', 'Deal ID'],
        number: ['Number'],
        title: ['Title', 'Deal', 'Deal name', 'Name'],
        pipeline: ['Pipeline'],
        stage: ['Stage', 'Deal stage'],
        status: ['Status'],
        amount: ['Amount', 'Value', 'Deal value'],
        currency: ['Currency'],
        owner: ['Owner'],
        ownerEmail: ['Owner email'],
        company: ['Company', 'Company name', 'Organization', 'Organisation', 'Account'],
        companyDomain: ['Company domain'],
        contacts: ['Contact emails', 'Contacts', 'Contact', 'Contact email'],
        closeDate: ['Close date', 'Expected close date', 'Expected close'],
        nextAction: ['Next action', 'Next step'],
        nextActionDue: ['Next action due', 'Next step due'],
        lostReason: ['Lost reason'],
        created: ['Created', 'Created at', 'Create date'],
        closed: ['Closed', 'Closed at'],
        archived: ['Archived'],
      },
      activity: {
        sourceId: ['ID', 'External ID', 'Activity ID'],
        date: ['Date', 'Occurred at', 'When'],
        type: ['Type'],
        body: ['Body', 'Note', 'Notes', 'Text'],
        dealNumber: ['Deal number'],
        dealTitle: ['Deal title', 'Deal'],
        contact: ['Contact'],
        contactEmail: ['Contact email'],
        company: ['Company'],
        author: ['Author'],
        authorEmail: ['Author email'],
        source: ['Source'],
        sourceUrl: ['Source URL', 'Link', 'URL'],
      },
    },
  },
  hubspot: {
    name: 'hubspot',
    source: 'hubspot',
    label: 'HubSpot export',
    dates: ALL_DATES,
    money: POINT,
    closedStages: CLOSED_WORDS,
    columns: {
      company: {
        sourceId: ['Record ID', 'Company ID'],
        name: ['Company name', 'Name'],
        domain: ['Company Domain Name', 'Website URL'],
        owner: ['Company owner'],
        created: ['Create Date'],
      },
      contact: {
        sourceId: ['Record ID', 'Contact ID'],
        firstName: ['First Name'],
        lastName: ['Last Name'],
        email: ['Email'],
        phone: ['Phone Number', 'Mobile Phone Number'],
        title: ['Job Title'],
        company: ['Company Name', 'Associated Company'],
        companySourceId: ['Associated Company ID', 'Associated Company IDs'],
        owner: ['Contact owner'],
        created: ['Create Date'],
      },
      deal: {
        sourceId: ['Record ID', 'Deal ID'],
        title: ['Deal Name'],
        pipeline: ['Pipeline'],
        stage: ['Deal Stage'],
        amount: ['Amount'],
        currency: ['Currency', 'Deal currency code'],
        owner: ['Deal owner'],
        company: ['Associated Company', 'Company name'],
        companySourceId: ['Associated Company ID', 'Associated Company IDs'],
        contacts: ['Associated Contacts', 'Associated Contact'],
        closeDate: ['Close Date'],
        nextAction: ['Next step'],
        nextActionDue: ['Next Activity Date'],
        lostReason: ['Closed Lost Reason'],
        created: ['Create Date'],
      },
      activity: {
        sourceId: ['Record ID', 'Activity ID'],
        date: ['Activity date', 'Create Date'],
        type: ['Activity type', 'Type'],
        body: ['Note body', 'Body', 'Notes'],
        dealTitle: ['Associated Deal'],
        dealSourceId: ['Associated Deal ID', 'Associated Deal IDs'],
        contact: ['Associated Contact'],
        company: ['Associated Company'],
        author: ['Activity assigned to', 'Created by'],
      },
    },
  },
  pipedrive: {
    name: 'pipedrive',
    source: 'pipedrive',
    label: 'Pipedrive export',
    dates: ALL_DATES,
    money: POINT,
    closedStages: {},
    columns: {
      company: {
        sourceId: ['Organization - ID'],
        name: ['Organization - Name'],
        domain: ['Organization - Website'],
        owner: ['Organization - Owner'],
        created: ['Organization - Organization created', 'Organization - Creation date'],
      },
      contact: {
        sourceId: ['Person - ID'],
        name: ['Person - Name'],
        firstName: ['Person - First name'],
        lastName: ['Person - Last name'],
        email: ['Person - Email', 'Person - Email - Work', 'Person - Email - Other'],
        phone: ['Person - Phone', 'Person - Phone - Work', 'Person - Phone - Mobile'],
        title: ['Person - Job title'],
        company: ['Person - Organization', 'Organization - Name'],
        owner: ['Person - Owner'],
        created: ['Person - Person created', 'Person - Creation date'],
      },
      deal: {
        sourceId: ['Deal - ID'],
        title: ['Deal - Title'],
        pipeline: ['Deal - Pipeline'],
        stage: ['Deal - Stage'],
        status: ['Deal - Status'],
        amount: ['Deal - Value'],
        currency: ['Deal - Currency', 'Deal - Currency of value'],
        owner: ['Deal - Owner'],
        company: ['Deal - Organization', 'Organization - Name'],
        contacts: ['Deal - Contact person', 'Person - Email'],
        closeDate: ['Deal - Expected close date'],
        nextAction: ['Deal - Next activity subject', 'Deal - Next activity'],
        nextActionDue: ['Deal - Next activity date'],
        lostReason: ['Deal - Lost reason'],
        created: ['Deal - Deal created', 'Deal - Creation date'],
        closed: ['Deal - Deal closed on', 'Deal - Closed on', 'Deal - Won time', 'Deal - Lost time'],
      },
      activity: {
        sourceId: ['Activity - ID'],
        date: ['Activity - Due date'],
        type: ['Activity - Type'],
        body: ['Activity - Note', 'Activity - Subject'],
        dealTitle: ['Activity - Deal', 'Deal - Title'],
        dealSourceId: ['Deal - ID'],
        contact: ['Activity - Contact person'],
        company: ['Activity - Organization'],
        author: ['Activity - Assigned to user'],
      },
    },
  },
};

/** How a header is compared: case, accents and spacing ignored, en dashes read as hyphens. */
export function headerKey(header: string): string {
  return searchKey(header.replace(/[\u2013\u2014]/g, '-').replace(/\*$/, ''));
}

/** Which column (index) gives each field of `kind` in a file with these headers, under `preset`. */
export function mapColumns<K extends ImportKind>(preset: Preset, kind: K, headers: readonly string[]): Map<FieldOf<K>, number> {
  const keys = headers.map(headerKey);
  const out = new Map<FieldOf<K>, number>();
  const columns = preset.columns[kind] as Partial<Record<FieldOf<K>, readonly string[]>>;
  const taken = new Set<number>();
  for (const field of KIND_FIELDS[kind] as readonly FieldOf<K>[]) {
    for (const name of columns[field] ?? []) {
      const at = keys.indexOf(headerKey(name));
      if (at >= 0 && !taken.has(at)) {
        out.set(field, at);
        taken.add(at);
        break;
      }
    }
  }
  return out;
}

/** The field a record of each kind cannot do without: a file of that kind has a column for it. */
const KEY_FIELDS: Readonly<Record<ImportKind, readonly (readonly AnyField[])[]>> = {
  company: [['name']],
  contact: [['name'], ['firstName'], ['lastName'], ['email']],
  deal: [['title']],
  activity: [['body'], ['date', 'type']],
};

export interface Detected {
  preset: Preset;
  kind: ImportKind;
  columns: Map<AnyField, number>;
}

/**
 * The preset and kind a file's headers say it is: among the presets allowed (the one asked for, or
 * every one) and the kinds allowed, the one that maps the most columns and has its key field.
 * A tie goes to the order of PRESETS, then to the kind whose key field maps. Undefined when no kind fits.
 */
export function detectFile(headers: readonly string[], opts: { preset?: PresetName; kind?: ImportKind } = {}): Detected | undefined {
  let best: (Detected & { score: number }) | undefined;
  const presets = opts.preset ? [PRESETS[opts.preset]] : PRESET_NAMES.map((n) => PRESETS[n]);
  const kinds = opts.kind ? [opts.kind] : IMPORT_KINDS;
  for (const preset of presets) {
    for (const kind of kinds) {
      const columns = mapColumns(preset, kind, headers) as Map<AnyField, number>;
      if (!KEY_FIELDS[kind].some((set) => set.every((f) => columns.has(f)))) continue;
      // A header only one kind has counts double: "Number" tells a deal, "Domain" a company, "Name" little.
      const shared = sharedHeaders(preset);
      let score = 0;
      for (const at of columns.values()) score += shared.has(headerKey(headers[at] ?? '')) ? 1 : 2;
      if (!best || score > best.score) best = { preset, kind, columns, score };
    }
  }
  return best && { preset: best.preset, kind: best.kind, columns: best.columns };
}

const sharedCache = new Map<PresetName, Set<string>>();

/** The headers a preset gives to more than one kind of record ("Name", "Owner", "Company"). */
function sharedHeaders(preset: Preset): Set<string> {
  let shared = sharedCache.get(preset.name);
  if (shared) return shared;
  const kindsOf = new Map<string, Set<ImportKind>>();
  for (const kind of IMPORT_KINDS) {
    for (const names of Object.values(preset.columns[kind]) as (readonly string[])[]) {
      for (const name of names) {
        const key = headerKey(name);
        const set = kindsOf.get(key) ?? new Set<ImportKind>();
        set.add(kind);
        kindsOf.set(key, set);
      }
    }
  }
  shared = new Set([...kindsOf].filter(([, kinds]) => kinds.size > 1).map(([key]) => key));
  sharedCache.set(preset.name, shared);
  return shared;
}
