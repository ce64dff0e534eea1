// SPDX-License-Identifier: GPL-2.0-only
/**
 * A key given twice in one JSON object. JSON.parse keeps the last value
 * without a word, so a scenario with two "config" objects, or a symbol
 * listed twice with different values, would run on whatever came last.
 * This finds the first such key in text that JSON.parse has accepted.
 */

export interface DuplicateKey {
  /** The key's field as scenario messages name it: "tree", "config.CXL_REGION", "firmware.softReserved[0].nid". */
  readonly field: string;
  /** Where the second occurrence starts, from 1. */
  readonly line: number;
  readonly column: number;
}

const SPACE = new Set([' ', '\t', '\n', '\r']);

/** The first key given twice in an object of `text` (valid JSON), or null. */
export function firstDuplicateKey(text: string): DuplicateKey | null {
  let i = 0;
  const skip = (): void => {
    while (SPACE.has(text[i]!)) i++;
  };
  const string = (): string => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const at = (pos: number, field: string): DuplicateKey => {
    const before = text.slice(0, pos);
    return { field, line: before.split('\n').length, column: pos - before.lastIndexOf('\n') };
  };
  // Each value is read to its end; a duplicate found inside it ends the walk.
  const value = (path: string): DuplicateKey | null => {
    skip();
    const c = text[i];
    if (c === '{') {
      i++;
      const keys = new Set<string>();
      for (skip(); text[i] !== '}'; skip()) {
        const start = i;
        const key = string();
        const field = path === '' ? key : `${path}.${key}`;
        if (keys.has(key)) return at(start, field);
        keys.add(key);
        skip();
        i++; // ':'
        const inner = value(field);
        if (inner !== null) return inner;
        skip();
        if (text[i] === ',') i++;
      }
      i++;
      return null;
    }
    if (c === '[') {
      i++;
      for (let n = 0; (skip(), text[i] !== ']'); n++) {
        const inner = value(`${path}[${n}]`);
        if (inner !== null) return inner;
        skip();
        if (text[i] === ',') i++;
      }
      i++;
      return null;
    }
    if (c === '"') {
      string();
      return null;
    }
    // A number, true, false or null.
    while (i < text.length && !SPACE.has(text[i]!) && !',]}'.includes(text[i]!)) i++;
    return null;
  };
  return value('');
}
