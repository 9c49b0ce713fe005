import type { VocabularySection } from './types';

/**
 * The resource and parameter vocabulary of operations runbooks: acronyms that runbooks define
 * in passing ("elastic network interface (ENI)") and identifiers their parameters are named by.
 */
export const RUNBOOK_TERMS: VocabularySection = {
  source:
    'acronyms defined inside the AWS Systems Manager runbook descriptions ("Long Name (ACRONYM)") and their parameter names; ' +
    'Microsoft Learn (Network Level Authentication, Remote Desktop); OpenSSH and EC2 instance metadata documentation',
  groups: [
    ['arn', 'amazon resource name', 'resource arn'],
    ['instance metadata', 'imds', 'imdsv2', 'imdsv1', 'instance metadata service', 'metadata service', '169 254 169 254'],
    ['ssh', 'secure shell', 'port 22', 'ssh key', 'key pair', 'keypair', 'pem key', 'authorized keys'],
    ['rdp', 'remote desktop', 'remote desktop protocol', 'port 3389', 'mstsc', 'terminal services', 'network level authentication', 'nla'],
    ['windows service', 'service control manager', 'services msc'],
    ['ec2rescue', 'ec2 rescue', 'rescue instance', 'rescue'],
    ['driver', 'ena', 'nvme driver', 'pv driver', 'aws pv', 'network driver', 'storage driver'],
    ['agent', 'ecs agent', 'container agent', 'cloudwatch agent'],
    ['license', 'licence', 'license activation', 'kms activation', 'product key'],
    ['cross zone', 'cross zone load balancing', 'cross az'],
    ['origin access identity', 'oai', 'origin access control', 'oac'],
    ['default root object', 'index html', 'index document'],
    ['origin failover', 'origin group', 'secondary origin', 'backup origin'],
    ['port', 'port number', 'listening port', 'tcp port', 'default port'],
    ['environment variable', 'env var', 'env vars', 'environment variables'],
    ['log bundle', 'log collection', 'collect logs', 'support bundle', 'diagnostic logs'],
    ['trust', 'domain trust', 'forest trust', 'trust relationship'],
    ['ip monitoring', 'ping', 'mtr', 'traceroute', 'packet loss', 'latency'],
    ['public access block', 'block public access', 'bpa'],
    ['bucket policy', 'resource policy', 'principal star', 'wildcard principal'],
    ['password policy', 'password complexity', 'password length', 'password expiry'],
  ],
};
