import { CLOUD_PROVIDERS, type CloudProvider } from '../../core/playbook-store/metadata';
import type { PlaybookSummary } from '../../core/playbook-store/types';
import { CLOUD_LABELS } from '../util/cloud-labels';
import { serviceOf } from './service-names';

/** How an area lists its playbooks: all in one list, by cloud → service, or by service/resource type. */
export const GROUP_BY = ['flat', 'cloud', 'resourceType'] as const;
export type GroupBy = (typeof GROUP_BY)[number];


/** Playbooks no service is named for. */
export const OTHER_SERVICE = 'Other';

export interface ServiceGroup {
  /** Stable within its parent: the service label, or `<cloud>/<service>` when grouping across clouds. */
  key: string;
  label: string;
  /** The cloud, when several clouds share a service name in a resource-type grouping. */
  cloud?: CloudProvider;
  playbooks: PlaybookSummary[];
}

export interface CloudGroup {
  cloud: CloudProvider;
  label: string;
  services: ServiceGroup[];
  count: number;
}

/** Cloud → service groups, clouds in their usual order, services by name with "Other" last. Keeps the input order of playbooks. */
export function groupByCloud(list: readonly PlaybookSummary[]): CloudGroup[] {
  const byCloud = new Map<CloudProvider, PlaybookSummary[]>();
  for (const p of list) byCloud.set(p.cloud_provider, [...(byCloud.get(p.cloud_provider) ?? []), p]);
  return CLOUD_PROVIDERS.filter((c) => byCloud.has(c)).map((cloud) => {
    const members = byCloud.get(cloud) ?? [];
    return { cloud, label: CLOUD_LABELS[cloud], services: byService(members, (s) => s), count: members.length };
  });
}

/** Service / resource-type groups across clouds (the cloud disambiguates a name two clouds share). */
export function groupByResourceType(list: readonly PlaybookSummary[]): ServiceGroup[] {
  const groups = byService(list, (s, p) => `${s}\u0000${p.cloud_provider}`);
  const clouds = new Map<string, Set<CloudProvider>>();
  for (const g of groups) for (const p of g.playbooks) clouds.set(g.label, (clouds.get(g.label) ?? new Set()).add(p.cloud_provider));
  return groups.map((g) => {
    const cloud = g.playbooks[0]?.cloud_provider;
    return (clouds.get(g.label)?.size ?? 0) > 1 && cloud ? { ...g, key: `${cloud}/${g.label}`, cloud } : g;
  });
}

function byService(list: readonly PlaybookSummary[], keyOf: (service: string, p: PlaybookSummary) => string): ServiceGroup[] {
  const groups = new Map<string, ServiceGroup>();
  for (const p of list) {
    const label = serviceOf(p) ?? OTHER_SERVICE;
    const key = keyOf(label, p);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key: label, label, playbooks: [] }));
    g.playbooks.push(p);
  }
  const cloudOf = (g: ServiceGroup) => g.playbooks[0]?.cloud_provider ?? '';
  return [...groups.values()].sort((a, b) => (a.label === OTHER_SERVICE ? 1 : b.label === OTHER_SERVICE ? -1 : a.label.localeCompare(b.label) || cloudOf(a).localeCompare(cloudOf(b))));
}
