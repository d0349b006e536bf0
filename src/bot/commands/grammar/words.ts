/**
 * The one typo rule for every word a person types to the bot: command words, and the words inside
 * commands (activity types, list scopes, settings). A word within a small edit distance of a known
 * word is suggested ("Did you mean …?"), never silently taken for it.
 */

/**
 * Optimal-string-alignment edit distance (Levenshtein plus adjacent transpositions, so `lsit` is
 * one edit from `list`).
 */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  const width = n + 1;
  const d = new Array<number>((m + 1) * width).fill(0);
  const at = (i: number, j: number): number => d[i * width + j] ?? 0;
  for (let i = 0; i <= m; i++) d[i * width] = i;
  for (let j = 0; j <= n; j++) d[j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * width + j] = best;
    }
  }
  return at(m, n);
}

/** How many typos a word of this length may have and still be recognised: 1 up to 4 letters, else 2. */
export function typoBudget(word: string): number {
  return word.length <= 4 ? 1 : 2;
}

/**
 * The candidate `typed` is most likely a typo of (within {@link typoBudget} edits), or undefined.
 * The one suggestion rule for command words and the words inside commands (activity types,
 * digest and settings words, list scopes).
 */
export function nearestWord(typed: string, candidates: readonly string[]): string | undefined {
  const t = typed.toLowerCase();
  let best: { word: string; distance: number } | undefined;
  for (const c of candidates) {
    const budget = typoBudget(c);
    if (Math.abs(c.length - t.length) > budget) continue;
    const distance = editDistance(t, c);
    if (distance === 0) return c;
    if (distance <= budget && (!best || distance < best.distance)) best = { word: c, distance };
  }
  return best?.word;
}

/** ` Did you mean `call`?` for a word one or two typos from one of `candidates`, else ''. */
export function didYouMean(typed: string, candidates: readonly string[]): string {
  const near = nearestWord(typed, candidates);
  return near === undefined || near === typed.toLowerCase() ? '' : ` Did you mean \`${near}\`?`;
}

/**
 * A typo that is the keyword's own letters mistyped mechanically: swapped (`nwe`), one dropped
 * (`wn`) or one doubled (`wonn`), rather than another word (`now`, `few`, `news`).
 */
export function mechanicalTypo(typed: string, keyword: string): boolean {
  const sorted = (w: string) => [...w].sort().join('');
  if (typed.length === keyword.length) return sorted(typed) === sorted(keyword);
  if (typed.length === keyword.length - 1) return [...keyword].some((_, i) => keyword.slice(0, i) + keyword.slice(i + 1) === typed);
  if (typed.length === keyword.length + 1) {
    return [...typed].some((ch, i) => (typed[i - 1] === ch || typed[i + 1] === ch) && typed.slice(0, i) + typed.slice(i + 1) === keyword);
  }
  return false;
}
