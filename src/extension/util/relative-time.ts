/**
 * "3 days ago", "yesterday", "in 2 hours": how long ago `then` was, in words (Intl, so
 * pluralisation is right), with "just now" under 45 s. Times come from files and servers: an
 * unparseable one is said so, never shown as NaN.
 */
const RTF = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

export function relativeTime(then: number, now: number): string {
  if (!Number.isFinite(then)) return 'at an unknown time';
  const diff = then - now;
  if (Math.abs(diff) < 45_000) return 'just now';
  for (const [unit, ms] of UNITS) if (Math.abs(diff) >= ms || unit === 'minute') return RTF.format(Math.round(diff / ms), unit);
  return 'just now';
}

/** "2026-11-29 21:27 UTC": the exact time next to the relative one, the same on every machine. */
export function absoluteTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'unknown time';
}
