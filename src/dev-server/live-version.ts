import type { PlaybookRecord, VersionRecord } from '../core/escher-api/types';
import { notFound } from './api-error';
import type { Tenant } from './context';

/** A version of a live (not deleted) playbook, or a 404 naming what is missing. */
export function liveVersion(tenant: Tenant, id: string, version: string): { current: PlaybookRecord; v: VersionRecord } {
  const current = tenant.store.get(id);
  if (!current || current.deleted) throw notFound(`playbook ${id} not found`);
  const v = current.versions[version];
  if (!v) throw notFound(`playbook ${id} has no version ${version}`);
  return { current, v };
}
