import { diffArrays } from 'diff';

/**
 * Line-based three-way merge (diff3) of two texts made from a common base, for the draft a
 * conflict is merged in. jsdiff has no three-way merge since v6, so this is the small classic
 * one over its diffArrays: each side's changes become hunks over the base's lines; hunks of one
 * side only are applied; where both sides changed overlapping (or touching) lines differently,
 * the result holds both between git-style conflict markers. Identical changes on both sides merge.
 * Without a base, any difference is one conflict over the whole text.
 */
export const MARKERS = { mine: '<<<<<<< mine', split: '=======', theirs: '>>>>>>> theirs' } as const;

export interface LineMerge {
  text: string;
  /** How many regions hold conflict markers. */
  conflicts: number;
}

interface Hunk {
  side: 'mine' | 'theirs';
  /** Base lines [start, end) replaced by `lines`. */
  start: number;
  end: number;
  lines: string[];
}

export function mergeLines(base: string | undefined, mine: string, theirs: string): LineMerge {
  if (mine === theirs) return { text: mine, conflicts: 0 };
  const o = splitLines(base ?? '');
  const hunks = [...hunksOf(o, splitLines(mine), 'mine'), ...hunksOf(o, splitLines(theirs), 'theirs')].sort((a, b) => a.start - b.start || a.end - b.end);
  const out: string[] = [];
  let at = 0;
  let conflicts = 0;
  for (let i = 0; i < hunks.length; ) {
    // A group: hunks whose base ranges overlap or touch, transitively.
    const group = [hunks[i]!];
    const start = hunks[i]!.start;
    let end = hunks[i]!.end;
    for (i++; i < hunks.length && hunks[i]!.start <= end; i++) {
      group.push(hunks[i]!);
      end = Math.max(end, hunks[i]!.end);
    }
    out.push(...o.slice(at, start));
    at = end;
    if (new Set(group.map((h) => h.side)).size === 1) {
      out.push(...apply(o, start, end, group));
      continue;
    }
    const mineText = apply(o, start, end, group.filter((h) => h.side === 'mine'));
    const theirsText = apply(o, start, end, group.filter((h) => h.side === 'theirs'));
    if (theirsText.join('') === mineText.join('')) {
      out.push(...mineText);
      continue;
    }
    conflicts++;
    out.push(`${MARKERS.mine}\n`, ...terminated(mineText), `${MARKERS.split}\n`, ...terminated(theirsText), `${MARKERS.theirs}\n`);
  }
  out.push(...o.slice(at));
  return { text: out.join(''), conflicts };
}

/** Whether a text still holds a conflict marker line this merge writes. */
export function hasConflictMarkers(text: string): boolean {
  return splitLines(text).some((l) => {
    const line = l.replace(/\r?\n$/, '');
    return line === MARKERS.mine || line === MARKERS.theirs || line === MARKERS.split;
  });
}

/** Lines with their terminators, so joining them gives the text back byte for byte. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function hunksOf(base: string[], side: string[], name: Hunk['side']): Hunk[] {
  const hunks: Hunk[] = [];
  let at = 0;
  let open: Hunk | undefined;
  for (const part of diffArrays(base, side)) {
    if (!part.added && !part.removed) {
      open = undefined;
      at += part.count;
      continue;
    }
    if (!open) {
      open = { side: name, start: at, end: at, lines: [] };
      hunks.push(open);
    }
    if (part.removed) {
      at += part.count;
      open.end = at;
    } else {
      open.lines.push(...part.value);
    }
  }
  return hunks;
}

/** Base lines [start, end) with one side's hunks (all inside that range) applied. */
function apply(base: string[], start: number, end: number, hunks: Hunk[]): string[] {
  const out: string[] = [];
  let at = start;
  for (const h of hunks) {
    out.push(...base.slice(at, h.start), ...h.lines);
    at = h.end;
  }
  out.push(...base.slice(at, end));
  return out;
}

/** A side's lines ending in a newline, so the marker after them starts its own line. */
function terminated(lines: string[]): string[] {
  const last = lines[lines.length - 1];
  return last === undefined || last.endsWith('\n') ? lines : [...lines.slice(0, -1), `${last}\n`];
}
