import type { CloudProvider } from '../../core/playbook-store/metadata';

/** How each cloud is named to people (the create flow's choices, the explorer's groups). */
export const CLOUD_LABELS: Record<CloudProvider, string> = { aws: 'AWS', azure: 'Azure', gcp: 'Google Cloud', oci: 'Oracle Cloud', multi: 'Several clouds', other: 'Other / none' };
