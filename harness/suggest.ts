// SPDX-License-Identifier: GPL-2.0-only
/**
 * "Did you mean ...?" for names a user typed: tree names, Kconfig symbols,
 * timing knobs. Plain Levenshtein distance, case-insensitive; a suggestion
 * only when it is close enough to be the likely intent.
 */

export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

/** The candidate closest to `name`, if at most max(1, a third of its length) edits away; ties go to the first. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && best !== name && bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

/** What to tell someone who names a tree kshim does not have. */
export function hintTree(name: string, known: readonly string[]): string {
  const n = name.trim();
  const dashed = /^v(\d+)[-_ .](\d+)$/.exec(n);
  if (dashed && known.includes(`v${dashed[1]}/${dashed[2]}`)) return `; did you mean v${dashed[1]}/${dashed[2]}?`;
  const patch = /^v(\d+)\/(\d+)$/.exec(n);
  if (patch && known.includes(`v${patch[1]}`)) {
    const last = known.filter((t) => t.startsWith(`v${patch[1]}/`)).map((t) => t.split('/')[1]).pop();
    return `; v${patch[1]} has patches 1 to ${last}`;
  }
  if (/^(v?7\.0(-rc\d+)?|rc\d+|for-7\.0|cxl-for-7\.0)$/i.test(n)) return '; the series applies to v7.0-rc4, which is the tree "base"';
  if (/^(v?7\.1(-rc\d+)?|for-7\.1|cxl-for-7\.1|linus|master|upstream|next|linux-next)$/i.test(n)) return '; what was merged for 7.1 is the tree "mainline"';
  const version = /^v(\d+)$/.exec(n);
  if (version) {
    const v = Number(version[1]);
    if (v < 7) return `; v${v} of the series is not modelled, only v7 and v8 (and what mainline merged)`;
    return `; v${v} of the series does not exist here: define it as your own tree (docs/testing-your-patch.md)`;
  }
  const near = closest(n, known);
  return near !== undefined ? `; did you mean ${near}?` : '';
}
