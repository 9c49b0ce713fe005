import { VERSION_PATTERN } from '../core/escher-api/wire-schemas';
import { PLAYBOOK_ID } from '../core/shared/safe-path';
import { badRequest } from './api-error';

/** Path and query parameters, parsed strictly (a 400 naming the parameter otherwise). */
const VERSION_RE = new RegExp(VERSION_PATTERN);

export function playbookId(raw: unknown): string {
  if (typeof raw !== 'string' || !PLAYBOOK_ID.test(raw)) throw badRequest('playbook id must be a lower-case slug', 'BAD_PLAYBOOK_ID');
  return raw;
}

export function versionParam(raw: unknown, allowLatest = false): string {
  if (allowLatest && raw === 'latest') return 'latest';
  if (typeof raw !== 'string' || !VERSION_RE.test(raw)) throw badRequest('version must be a semantic version such as 1.0.0' + (allowLatest ? ' or "latest"' : ''), 'BAD_VERSION');
  return raw;
}

export function intParam(raw: unknown, name: string, dflt: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return dflt;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) throw badRequest(`${name} must be a non-negative integer`);
  const n = Number(raw);
  if (n < min || n > max) throw badRequest(`${name} must be between ${min} and ${max}`);
  return n;
}

