import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { allocateId, slugify } from '../../../src/core/playbook-store/ids';
import { validatePlaybookId } from '../../../src/core/shared/safe-path';

/** Names people and AWS actually use, and the id a user expects to type. */
const TABLE: ReadonlyArray<readonly [string, string]> = [
  // Prose: the words are already separated; inner capitals are brands and acronym plurals.
  ['CloudWatch alarm on high Lambda errors', 'cloudwatch-alarm-on-high-lambda-errors'],
  ['Deallocate idle Azure VMs', 'deallocate-idle-azure-vms'],
  ['Weekend RDS Shutdown', 'weekend-rds-shutdown'],
  ['Rotate IAM access keys older than 90 days', 'rotate-iam-access-keys-older-than-90-days'],
  ['Restart PowerShell DSC on Windows hosts', 'restart-powershell-dsc-on-windows-hosts'],
  ['Back up DynamoDB tables to S3', 'back-up-dynamodb-tables-to-s3'],
  ['Enable GuardDuty in every region', 'enable-guardduty-in-every-region'],
  ['Release unused Elastic IPs', 'release-unused-elastic-ips'],
  ['Delete orphaned ENIs & AMIs', 'delete-orphaned-enis-amis'],
  ['Scale down GKE node pools (nights)', 'scale-down-gke-node-pools-nights'],
  ['Clean up old GitHub Actions caches', 'clean-up-old-github-actions-caches'],
  ['Enforce IMDSv2 on EC2 instances', 'enforce-imdsv2-on-ec2-instances'],
  ['Créer une sauvegarde Élastique', 'creer-une-sauvegarde-elastique'],
  ['  Stop   dev   VMs  ', 'stop-dev-vms'],
  // An identifier pasted into prose (two or more humps) is still split.
  ['Run AWS-RestartEC2Instance nightly', 'run-aws-restart-ec2-instance-nightly'],
  // Identifiers (no whitespace): case changes are word boundaries.
  ['AWS-RestartEC2Instance', 'aws-restart-ec2-instance'],
  ['AWS-ASGEnterStandby', 'aws-asg-enter-standby'],
  ['AWS-CreateRdsSnapshot', 'aws-create-rds-snapshot'],
  ['AWSSupport-TroubleshootSSH', 'aws-support-troubleshoot-ssh'],
  ['AWSConfigRemediation-EnforceEC2InstanceIMDSv2', 'aws-config-remediation-enforce-ec2-instance-imdsv2'],
  ['AWSConfigRemediation-EnableWAFV2Logging', 'aws-config-remediation-enable-wafv2-logging'],
  ['AWSConfigRemediation-UpdateXRayKMSKey', 'aws-config-remediation-update-x-ray-kms-key'],
  ['AWSConfigRemediation-EnableMultiAZOnRDSInstance', 'aws-config-remediation-enable-multi-az-on-rds-instance'],
  ['AWSConfigRemediation-DeleteUnusedENIs', 'aws-config-remediation-delete-unused-enis'],
  ['AWSConfigRemediation-EnforceHTTPSOnESDomain', 'aws-config-remediation-enforce-https-on-es-domain'],
  ['DeallocateIdleAzureVMs', 'deallocate-idle-azure-vms'],
  ['restart_ec2_instance.sh', 'restart-ec2-instance-sh'],
  ['weekendRdsStop', 'weekend-rds-stop'],
  // Nothing usable, or a name Windows reserves.
  ['', 'playbook'],
  ['!!!', 'playbook'],
  ['CON', 'con-playbook'],
  ['com1', 'com1-playbook'],
];

test('names become the ids users expect (prose keeps brands whole, identifiers split at case changes)', () => {
  const wrong = TABLE.filter(([name, id]) => slugify(name) !== id).map(([name, id]) => `${name} -> ${slugify(name)} (expected ${id})`);
  assert.deepEqual(wrong, []);
  for (const [, id] of TABLE) assert.equal(validatePlaybookId(id), id);
});

test('long names are cut at a hyphen and leave room for a collision suffix', async () => {
  const name = 'AWSConfigRemediation-EnableElasticBeanstalkEnvironmentLogStreamingEverywhereAtOnce';
  const base = slugify(name);
  assert.ok(base.length <= 60, base);
  assert.match(base, /^aws-config-remediation-enable-elastic-beanstalk-environment(-log)?$/);
  const taken = new Set([base, ...Array.from({ length: 998 }, (_, i) => `${base}-${i + 2}`)]);
  const id = await allocateId(name, async (x) => taken.has(x));
  // The 1000th of a 60-character name: the base is shortened at a hyphen, the number kept.
  assert.match(id, /^aws-config-remediation-enable-elastic-beanstalk[a-z-]*-1000$/);
  assert.ok(id.length <= 64, id);
  assert.equal(validatePlaybookId(id), id);
});

const RUNBOOKS = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'data', 'aws-runbooks.json');

test('the 175 AWS runbook names: every id valid, unique once allocated, and readable', async (t) => {
  if (!existsSync(RUNBOOKS)) return t.skip(`${RUNBOOKS} absent`);
  const names = (JSON.parse(readFileSync(RUNBOOKS, 'utf8')) as Array<{ name: string }>).map((r) => r.name);
  assert.ok(names.length >= 175, `${names.length} names`);
  const taken = new Set<string>();
  const unreadable: string[] = [];
  for (const name of names) {
    const id = await allocateId(name, async (x) => taken.has(x));
    taken.add(id);
    assert.equal(validatePlaybookId(id), id);
    // Readable: no one-letter fragments ("v-ms", "s3-b") except X-Ray's x, and nothing of the
    // name lost or changed but case and separators (a long name is cut, so a prefix of it).
    const parts = id.split('-');
    if (parts.some((p) => p.length === 1 && p !== 'x')) unreadable.push(`${name} -> ${id}`);
    const letters = slugify(name).replace(/-/g, '');
    if (!name.toLowerCase().replace(/[^a-z0-9]/g, '').startsWith(letters)) unreadable.push(`${name} -> ${id} (letters changed)`);
  }
  assert.equal(taken.size, names.length);
  assert.deepEqual(unreadable, []);
  // Spot checks of the shapes above on the real data.
  assert.ok(taken.has('aws-restart-ec2-instance'));
  assert.ok(taken.has('aws-config-remediation-enforce-ec2-instance-imdsv2'));
  assert.ok(taken.has('aws-support-troubleshoot-connectivity-to-rds'));
});
