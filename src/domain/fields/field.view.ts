/** Platform-neutral views of custom fields: their definitions, and one record's values as card lines. */
import type { FieldEntity, FieldType } from './field.schema.js';

/** A field as `/deal fields` lists it and a modal asks for it. */
export interface FieldDefinitionView {
  id: string;
  entity: FieldEntity;
  /** What commands and filters type: `source`. */
  key: string;
  /** As the admin named it: `Source`. */
  name: string;
  type: FieldType;
  /** A choice field's choices, in order; empty for other types. */
  choices: string[];
  position: number;
}

/**
 * One custom field on a card. `value` is null when the record has none (`display` is then `—`);
 * otherwise it is the value as a person could type it back: text and choices as stored, a number,
 * money as `2000.00 EUR`, a date as `2027-01-15`, a person as `@handle`.
 */
export interface FieldLine {
  key: string;
  name: string;
  type: FieldType;
  /** As a card shows it: `Partner`, `1,500`, `€2,000`, `Fri 15 Jan 2027`, `Maria Garcia`, or `—`. */
  display: string;
  value: string | number | null;
}

/** What setting a field did: `changed` is false when the record already had that value (nothing was written). */
export interface FieldChange {
  entity: FieldEntity;
  recordId: string;
  /** The record as people name it: `D-42`, `Jane Doe`, `Acme`. */
  label: string;
  line: FieldLine;
  before: FieldLine;
  changed: boolean;
}

/** Shown for a field with no value. */
export const NO_VALUE = '—';
