// SPDX-License-Identifier: GPL-2.0-only
/** How the guides quote command output, and the check that a quote is still true. */

/**
 * Why `quoted` is not what `printed` shows, or null when it is: the
 * stretches between `...` lines appear whole and in order, the first at the
 * top unless the quote starts with `...`, the last at the bottom unless it
 * ends with one.
 */
export function quoteMismatch(printed: string, quoted: string): string | null {
  const out = printed.split('\n');
  const lines = quoted.split('\n');
  const stretches: string[][] = [[]];
  for (const l of lines) {
    if (l === '...') stretches.push([]);
    else stretches[stretches.length - 1]!.push(l);
  }
  const open = { top: lines[0] === '...', bottom: lines[lines.length - 1] === '...' };
  let at = 0;
  for (const [n, stretch] of stretches.entries()) {
    if (stretch.length === 0) continue;
    let found = -1;
    for (let i = at; i + stretch.length <= out.length && found < 0; i++) {
      if (stretch.every((l, j) => out[i + j] === l)) found = i;
    }
    if (found < 0) return `the quote's lines from "${stretch[0]}" (${stretch.length} of them) are not printed one after the other${at > 0 ? ' after the stretch before them' : ''}`;
    if (n === 0 && !open.top && found !== 0) return `the quote starts with "${stretch[0]}" but the output starts with "${out[0]}" (add a line of ... to skip)`;
    at = found + stretch.length;
  }
  if (!open.bottom && at !== out.length) return `the output goes on after the quote's last line, with "${out[at]}" (add a line of ... to skip)`;
  return null;
}
