/**
 * Index seeks for "starts with": `col >= text AND col < prefixEnd(text) AND col LIKE 'text%'`.
 *
 * U+10FFFF, the last code point, sorts after any character that can follow the text where strings
 * compare byte-wise (SQLite's BINARY collation, PostgreSQL's C collation), so the range holds
 * exactly the strings that start with the text (but one beginning with the text and then U+10FFFF,
 * a noncharacter). Under a linguistic collation the range can be off by a few strings: the `LIKE`
 * beside it keeps every answer right, the range only makes finding them a seek.
 */
export const prefixEnd = (text: string): string => `${text}\u{10FFFF}`;
