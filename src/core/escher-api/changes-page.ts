import type { ValidateFunction } from 'ajv/dist/2020';
import { isVersion, scriptPathIssues } from '../playbook-store/names';
import { PLAYBOOK_ID } from '../shared/safe-path';
import type { ChangesFeedPage, PlaybookRecord, RejectedRecord } from './types';
import { formatAjvErrors, wireAjv, wireIssues } from './wire-validate';
import { wireSchemas } from './wire-schemas';

/**
 * The changes feed is checked record by record, not as one document: a single record that breaks
 * the contract — published before a rule existed (control characters, script paths no device can
 * write), or by a server that does not enforce it — must not make the whole page unreadable, or
 * that one record would stop every sync of every device that follows the feed. The page's
 * envelope is checked as usual; each record against the PlaybookRecord schema and the rules a
 * schema cannot state. Bad records go to `rejected` (with what is wrong), the rest to `changes`.
 */
let envelope: ValidateFunction | undefined;

function envelopeValidator(): ValidateFunction {
  const page = wireSchemas.ChangesPage as { properties: Record<string, unknown> };
  envelope ??= wireAjv().compile({ ...page, properties: { ...page.properties, changes: { type: 'array' } } });
  return envelope;
}

/** Issues of the page's envelope (records are checked by splitChangesPage). */
export function changesEnvelopeIssues(value: unknown): string[] {
  const v = envelopeValidator();
  return v(value) ? [] : formatAjvErrors(v.errors, 5, value);
}

/** Splits a page whose envelope is valid into the records to apply and the ones refused. */
export function splitChangesPage(value: { changes: unknown[]; next: number; more: boolean }): ChangesFeedPage {
  const changes: PlaybookRecord[] = [];
  const rejected: RejectedRecord[] = [];
  for (const rec of value.changes) {
    const issues = recordIssues(rec);
    if (issues.length === 0) changes.push(rec as PlaybookRecord);
    else rejected.push({ ...identify(rec), issues });
  }
  return { changes, next: value.next, more: value.more, ...(rejected.length > 0 ? { rejected } : {}) };
}

/** What is wrong with one record of the feed (empty: apply it). */
export function recordIssues(rec: unknown): string[] {
  const shape = wireIssues('PlaybookRecord', rec);
  if (shape.length > 0) return shape;
  const r = rec as PlaybookRecord;
  const issues: string[] = [];
  if (r.latest_version !== null && r.versions[r.latest_version] === undefined) issues.push(`latest_version ${r.latest_version} is not one of its versions`);
  for (const [key, v] of Object.entries(r.versions)) {
    if (v.version !== key || v.metadata.version !== key) issues.push(`version ${key} holds metadata of version ${v.metadata.version}`);
    if (v.metadata.playbook_id !== r.playbook_id) issues.push(`version ${key} describes another playbook`);
    for (const s of v.metadata.scripts) if (s.path.split('/')[0] !== s.format) issues.push(`v${key}: script ${s.path} is not in its format's folder`);
    for (const i of scriptPathIssues(v.metadata.scripts.map((s) => s.path))) issues.push(`v${key}: ${i}`);
  }
  return issues;
}

/** What can safely be said about a refused record: its id and seq, only when they are well-formed. */
function identify(rec: unknown): Omit<RejectedRecord, 'issues'> {
  const r = (typeof rec === 'object' && rec !== null ? rec : {}) as Record<string, unknown>;
  const id = typeof r.playbook_id === 'string' && PLAYBOOK_ID.test(r.playbook_id) ? r.playbook_id : null;
  const seq = typeof r.seq === 'number' && Number.isSafeInteger(r.seq) && r.seq > 0 ? r.seq : null;
  const revision = typeof r.revision === 'string' && /^[\x21-\x7e]{1,128}$/.test(r.revision) ? r.revision : null;
  const latest = typeof r.latest_version === 'string' && isVersion(r.latest_version) ? r.latest_version : null;
  return { playbook_id: id, seq, revision, latest_version: latest };
}
