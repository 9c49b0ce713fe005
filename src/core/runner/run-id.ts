import { randomBytes } from 'node:crypto';

/** "20261129-101500-3f9a2c": sortable by start time (UTC), unique enough to name a log file. */
export function newRunId(now: number): string {
  const iso = new Date(now).toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${randomBytes(3).toString('hex')}`;
}
