/** Custom fields in the console: one `name: value` line each, `—` where the record has none. */
import type { FieldLine } from '../../domain/fields/field.view.js';

export function fieldLines(lines: readonly FieldLine[] | undefined, indent = '  '): string[] {
  return (lines ?? []).map((l) => `${indent}${l.name}: ${l.value === null ? '—' : l.display.replace(/\s+/g, ' ')}`);
}
