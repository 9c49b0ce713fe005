import type { SearchFlags, SearchMessage, SearchOutcome } from '../commands/search-types';

/**
 * The search daemon's wire format: one JSON line each way on a private Unix socket. The client
 * trusts nothing it gets back: an answer that does not have exactly this shape is treated as no
 * answer (the search then runs in-process).
 */
export const PROTOCOL = 1;
/** Bigger requests are refused (a query is at most a few hundred bytes). */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** Bigger answers are refused (100 hits with their "why" are ~100 kB). */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Who is asking: a daemon answers only a client of the same build, home and settings. */
export interface DaemonIdentity {
  /** CLI version and build stamp (daemon-identity.ts). */
  build: string;
  /** Hash of the resolved PlaybookConfig (home, settings file, environment). */
  config: string;
}

export type DaemonRequest =
  | ({ protocol: typeof PROTOCOL; type: 'search'; query: string; flags: SearchFlags } & DaemonIdentity)
  | { protocol: typeof PROTOCOL; type: 'status' }
  | { protocol: typeof PROTOCOL; type: 'stop' };

export interface DaemonStatus {
  pid: number;
  build: string;
  startedAt: string;
  searches: number;
  idleTimeoutSeconds: number;
}

export type DaemonResponse =
  | { ok: true; type: 'search'; messages: SearchMessage[]; outcome: SearchOutcome }
  | { ok: true; type: 'status'; status: DaemonStatus }
  | { ok: true; type: 'stop' }
  /** stale: another build or other settings (the daemon exits); failed: the search threw (the client runs it itself, to report it). */
  | { ok: false; reason: 'stale' | 'failed' | 'bad-request' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

const FLAG_TYPES: Record<keyof SearchFlags, 'string' | 'number'> = { limit: 'number', cloud: 'string', format: 'string', area: 'string', resourceType: 'string', source: 'string' };

function isFlags(v: unknown): v is SearchFlags {
  if (!isObject(v)) return false;
  return Object.entries(v).every(([k, x]) => k in FLAG_TYPES && (x === undefined || typeof x === FLAG_TYPES[k as keyof SearchFlags]));
}

function isMessage(v: unknown): v is SearchMessage {
  return isObject(v) && (v.kind === 'note' || v.kind === 'warn') && isString(v.text);
}

function isStatus(v: unknown): v is DaemonStatus {
  return isObject(v) && Number.isInteger(v.pid) && isString(v.build) && isString(v.startedAt) && Number.isInteger(v.searches) && typeof v.idleTimeoutSeconds === 'number';
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

export function parseRequest(line: string): DaemonRequest | undefined {
  const v = parseLine(line);
  if (!isObject(v) || v.protocol !== PROTOCOL) return undefined;
  if (v.type === 'status') return { protocol: PROTOCOL, type: 'status' };
  if (v.type === 'stop') return { protocol: PROTOCOL, type: 'stop' };
  if (v.type !== 'search' || !isString(v.query) || !isString(v.build) || !isString(v.config) || !isFlags(v.flags)) return undefined;
  return { protocol: PROTOCOL, type: 'search', query: v.query, flags: v.flags, build: v.build, config: v.config };
}

/** The answer to `request`, or undefined when `line` is not a well-formed answer to it. */
export function parseResponse(line: string, request: DaemonRequest['type']): DaemonResponse | undefined {
  const v = parseLine(line);
  if (!isObject(v)) return undefined;
  if (v.ok === false) return v.reason === 'stale' || v.reason === 'failed' || v.reason === 'bad-request' ? { ok: false, reason: v.reason } : undefined;
  if (v.ok !== true || v.type !== request) return undefined;
  if (v.type === 'stop') return { ok: true, type: 'stop' };
  if (v.type === 'status') return isStatus(v.status) ? { ok: true, type: 'status', status: v.status } : undefined;
  const o = v.outcome;
  if (!Array.isArray(v.messages) || !v.messages.every(isMessage) || !isObject(o) || !Array.isArray(o.json) || !Array.isArray(o.human) || !o.human.every(isString)) return undefined;
  return { ok: true, type: 'search', messages: v.messages, outcome: { json: o.json, human: o.human } };
}
