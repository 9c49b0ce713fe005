import type { VersionTimestamps } from './types';

/** RFC 3339 date-time, as metadata.json's schema requires (format "date-time"). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * A version's timestamps: the ones given (the server's, for a version that comes from it) when
 * they are real dates in metadata.json's format, kept as the same text so both sides hold the
 * same metadata; `now` for anything else — the server's data is never trusted to be well formed.
 */
export function versionTimestamps(given: VersionTimestamps | undefined, fallback: { created_at: string; updated_at: string }): { created_at: string; updated_at: string } {
  return { created_at: dateOr(given?.created_at, fallback.created_at), updated_at: dateOr(given?.updated_at, fallback.updated_at) };
}

function dateOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? value : fallback;
}
