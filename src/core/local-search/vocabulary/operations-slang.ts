import type { VocabularySection } from './types';

/**
 * What engineers do to resources, in the words they use for it: the verbs of the cloud CLIs and
 * consoles (aws, az, gcloud) and the slang of operations work.
 */
export const OPERATIONS_VERBS: VocabularySection = {
  source:
    'the verbs of the aws/az/gcloud CLIs (start-instances, deallocate, stop, terminate); computing senses in Wiktionary ' +
    '(bounce, nuke, spin up, kill, decommission) and the Jargon File; Azure "Stop (deallocate)" wording; cloud-cost (FinOps) wording for parked resources',
  groups: [
    ['stop', 'shut down', 'shutdown', 'halt', 'power off', 'poweroff', 'turn off', 'spin down', 'bring down', 'take down', 'park', 'deallocate', 'hibernate', 'pause'],
    ['start', 'boot', 'boot up', 'power on', 'turn on', 'spin up', 'bring up', 'fire up', 'wake up', 'resume', 'unpark'],
    ['restart', 'reboot', 'bounce', 'cycle', 'power cycle', 'kick', 'hard reboot', 'soft reboot', 'reload'],
    ['delete', 'remove', 'destroy', 'terminate', 'kill', 'tear down', 'teardown', 'drop', 'purge', 'clean up', 'cleanup', 'get rid of', 'decommission', 'decom', 'nuke', 'wipe', 'blow away', 'deprovision', 'erase', 'rm'],
    ['create', 'provision', 'launch', 'new', 'set up', 'setup', 'make', 'stand up', 'spin up'],
    ['resize', 'change instance type', 'instance type', 'right size', 'rightsize', 'rightsizing', 'upsize', 'downsize', 'scale up', 'scale down', 'vertical scaling', 'machine type', 'vm size', 'node type', 'change size'],
    ['rotate', 'rotation', 'roll', 'roll keys', 'renew', 'regenerate', 'rekey'],
    ['restore', 'recover', 'recovery', 'roll back', 'rollback', 'revert', 'undo', 'bring back', 'undelete'],
    ['copy', 'duplicate', 'clone', 'replicate', 'cp'],
    ['share', 'grant access', 'give access', 'cross account', 'another account', 'other account'],
    ['enable', 'turn on', 'switch on', 'activate', 'enforce', 'require'],
    ['disable', 'turn off', 'switch off', 'deactivate'],
    ['restrict', 'lock down', 'lockdown', 'harden', 'hardening', 'tighten', 'block', 'deny', 'least privilege'],
    ['attach', 'mount', 'plug in', 'associate'],
    ['detach', 'unmount', 'umount', 'unplug', 'disassociate'],
    ['export', 'report', 'dump', 'download', 'csv', 'spreadsheet'],
    ['list', 'enumerate', 'show all', 'describe', 'ls'],
    ['install', 'bootstrap', 'deploy agent'],
    ['upgrade', 'update', 'bump', 'latest version', 'newer version', 'in place upgrade'],
    ['move', 'migrate', 'relocate', 'transfer'],
    ['publish', 'send', 'post', 'push'],
    ['release', 'give back', 'unassign', 'free up'],
    ['modify', 'change', 'edit', 'alter', 'tweak'],
  ],
};

/** States and symptoms: how a problem or a leftover resource is described in a ticket. */
export const OPERATIONS_STATES: VocabularySection = {
  source:
    'POSIX/ssh error strings (Connection refused, Connection timed out, No space left on device, Permission denied); ' +
    'AWS Trusted Advisor and Azure Advisor check names for unused resources (unassociated, idle, unattached, orphaned); ' +
    'CIS Foundations Benchmark wording for exposure (unrestricted, 0.0.0.0/0, publicly accessible); ' +
    'the AWS RDS, EC2 and DynamoDB guides on deletion/termination protection ("prevents the database from being deleted", "accidentally terminated")',
  groups: [
    ['troubleshoot', 'diagnose', 'debug', 'investigate', 'root cause', 'rca', 'not working', 'broken', 'fix', 'repair', 'cannot connect', 'can t connect', 'unable to connect', 'connection refused', 'connection timed out', 'timed out', 'timeout', 'unreachable', 'not reachable', 'stuck', 'hung', 'unresponsive', 'frozen', 'crash'],
    ['unused', 'orphaned', 'orphan', 'idle', 'stale', 'dangling', 'detached', 'unattached', 'unassociated', 'zombie', 'abandoned', 'leftover', 'not in use', 'not attached', 'underutilized'],
    ['public access', 'publicly accessible', 'public', 'internet facing', 'exposed', 'world readable', 'anonymous access', 'open to the internet', 'unrestricted', '0 0 0 0 0'],
    ['encryption', 'encrypt', 'encrypted', 'unencrypted', 'at rest', 'encryption at rest', 'sse', 'server side encryption'],
    ['tls', 'ssl', 'https', 'in transit', 'encryption in transit', 'secure transport', 'plain http'],
    ['disk usage', 'disk space', 'disk full', 'out of disk', 'no space left', 'no space left on device', 'storage full', 'filesystem full', 'low disk', 'df'],
    ['access denied', 'permission denied', 'forbidden', '403', 'unauthorized', 'not authorized'],
    ['high availability', 'ha', 'multi az', 'multiaz', 'zone redundant', 'redundancy', 'failover', 'standby replica'],
    ['deletion protection', 'termination protection', 'delete protection', 'prevent deletion', 'accidental deletion', 'resource lock', 'delete lock', 'from being deleted', 'accidentally deleted', 'accidentally delete', 'accidentally drop', 'accidentally terminate', 'accidentally terminated'],
    ['retention', 'retention period', 'retention days', 'expire', 'expiry', 'expiration', 'lifecycle', 'older than', 'prune'],
    ['point in time recovery', 'pitr', 'continuous backup', 'point in time restore'],
    ['versioning', 'object versioning', 'version history'],
    ['maintenance window', 'maintenance', 'patch window'],
    ['health check', 'healthcheck', 'liveness', 'readiness probe', 'unhealthy'],
    ['tag', 'label', 'resource tag'],
  ],
};
