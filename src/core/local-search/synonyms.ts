import { normalizeTerm, words } from './text';

/**
 * Cloud vocabulary: many names for one thing. Each group maps every way people say it to one
 * concept token (the first entry, prefixed "~"). The keyword index stores the concept tokens of
 * each document in a `concepts` field, and a query's concept tokens are searched there, so
 * "postgres", "db", "RDS" and "database" all meet at "~database" without adding a dozen OR-terms
 * to the query (which would let documents that happen to say two synonyms outrank better ones).
 *
 * General cloud/operations vocabulary only — nothing in this table refers to a particular
 * runbook of the evaluation set. Multi-word entries are matched as phrases. Entries are given
 * as people write them; they are normalised with the same rules as all other text.
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  // Compute
  ['vm', 'ec2', 'instance', 'server', 'host', 'machine', 'box', 'virtual machine', 'compute engine', 'droplet'],
  ['ami', 'machine image', 'golden image', 'vm image'],
  ['autoscaling', 'auto scaling', 'asg', 'scaling group', 'scale set', 'vmss', 'fleet'],
  ['lambda', 'function', 'serverless', 'cloud function', 'azure function'],
  ['container', 'ecs', 'docker', 'fargate', 'task definition'],
  ['kubernetes', 'k8s', 'eks', 'aks', 'gke', 'kube', 'kubectl'],
  ['node group', 'nodegroup', 'node pool', 'worker node'],
  // Data
  ['database', 'db', 'rds', 'postgres', 'postgresql', 'mysql', 'mariadb', 'aurora', 'sql server', 'cloud sql', 'azure sql', 'oracle db'],
  ['dynamodb', 'dynamo', 'dynamo db', 'nosql', 'cosmosdb', 'firestore'],
  ['redshift', 'data warehouse', 'warehouse', 'bigquery', 'synapse'],
  ['elasticsearch', 'opensearch', 'es domain'],
  ['cache', 'elasticache', 'redis', 'memcached'],
  // Storage
  ['bucket', 's3', 'object storage', 'blob storage', 'gcs', 'storage account'],
  ['volume', 'disk', 'ebs', 'drive', 'block storage', 'managed disk', 'persistent disk'],
  ['file share', 'efs', 'nfs', 'file system', 'filestore', 'azure files'],
  ['snapshot', 'point in time copy'],
  ['backup', 'back up'],
  // Network
  ['security group', 'firewall', 'nsg', 'firewall rule', 'ingress rule', 'sg'],
  ['load balancer', 'elb', 'alb', 'nlb', 'clb', 'lb'],
  ['vpc', 'vnet', 'virtual network', 'network'],
  ['cdn', 'cloudfront', 'front door', 'distribution'],
  ['dns', 'route53', 'route 53', 'hosted zone'],
  ['public ip', 'elastic ip', 'eip', 'static ip', 'ip address'],
  ['gateway', 'internet gateway', 'igw', 'nat gateway', 'vpn gateway'],
  // Identity and secrets
  ['credential', 'access key', 'api key', 'secret key', 'password', 'creds'],
  ['iam', 'identity', 'permission', 'role', 'policy'],
  ['secret', 'secrets manager', 'key vault', 'secret manager'],
  ['kms', 'cmk', 'encryption key', 'customer managed key'],
  ['encrypt', 'encryption', 'encrypted', 'kms encryption', 'at rest'],
  // Observability and operations
  ['log', 'logging', 'logs', 'audit log'],
  ['monitoring', 'cloudwatch', 'metrics', 'observability', 'azure monitor', 'stackdriver'],
  ['audit', 'cloudtrail', 'activity log', 'audit trail'],
  ['notification', 'sns', 'alert', 'notify', 'topic', 'pagerduty'],
  ['ticket', 'incident', 'jira', 'servicenow'],
  ['cloudformation', 'cfn', 'stack', 'template', 'arm template', 'bicep'],
  ['terraform', 'tf', 'hcl'],
  ['patch', 'patching', 'os update', 'security update'],
  ['ssh', 'secure shell'],
  ['rdp', 'remote desktop'],
  // Verbs
  ['stop', 'shutdown', 'shut down', 'halt', 'power off', 'poweroff', 'turn off', 'pause'],
  ['start', 'boot', 'power on', 'turn on', 'spin up', 'bring up'],
  ['restart', 'reboot', 'bounce', 'cycle', 'power cycle'],
  ['delete', 'remove', 'destroy', 'tear down', 'teardown', 'drop', 'purge', 'clean up', 'cleanup', 'get rid of', 'decommission'],
  ['terminate', 'kill'],
  ['create', 'provision', 'launch', 'new', 'set up', 'setup'],
  ['resize', 'scale', 'change instance type', 'right size', 'rightsize', 'upsize', 'downsize'],
  ['rotate', 'rotation', 'roll keys', 'renew'],
  ['restore', 'recover', 'recovery', 'roll back', 'rollback'],
  ['troubleshoot', 'diagnose', 'debug', 'not working', 'broken', 'fix', 'cannot connect', 'unreachable'],
  ['enable', 'turn on', 'switch on', 'activate'],
  ['disable', 'turn off', 'switch off', 'deactivate'],
  ['public access', 'publicly accessible', 'internet facing', 'open to the world', 'exposed'],
  ['unused', 'orphaned', 'idle', 'stale', 'dangling', 'detached'],
];

interface Compiled {
  /** Phrase (normalised words joined by a space) -> concept token. */
  phrases: Map<string, string>;
  /** First words of all phrases: most words start none, and are skipped without building strings. */
  starts: Set<string>;
  maxWords: number;
}

let compiled: Compiled | undefined;

function compile(): Compiled {
  const phrases = new Map<string, string>();
  const starts = new Set<string>();
  let maxWords = 1;
  for (const group of SYNONYM_GROUPS) {
    const concept = '~' + words(group[0]!).map(normalizeTerm).join('_');
    for (const entry of group) {
      const w = words(entry).map(normalizeTerm);
      maxWords = Math.max(maxWords, w.length);
      starts.add(w[0]!);
      // A phrase already claimed by an earlier group keeps its first meaning.
      if (!phrases.has(w.join(' '))) phrases.set(w.join(' '), concept);
    }
  }
  return { phrases, starts, maxWords };
}

/**
 * Concept tokens found in a text, longest phrase first (so "shut down" is one stop, not a
 * "shut" and a "down"). Each concept is reported once.
 */
export function conceptsOf(text: string): string[] {
  compiled ??= compile();
  const w = words(text).map(normalizeTerm);
  const found = new Set<string>();
  for (let i = 0; i < w.length; ) {
    if (!compiled.starts.has(w[i]!)) {
      i++;
      continue;
    }
    let matched = 0;
    for (let n = Math.min(compiled.maxWords, w.length - i); n >= 1; n--) {
      const c = compiled.phrases.get(w.slice(i, i + n).join(' '));
      if (c) {
        found.add(c);
        matched = n;
        break;
      }
    }
    i += matched || 1;
  }
  return [...found];
}

/** The readable words of a concept ("~load_balancer" -> "load balancer"), for `why` and query expansion of the semantic side. */
export function conceptLabel(concept: string): string {
  return concept.replace(/^~/, '').replace(/_/g, ' ');
}
