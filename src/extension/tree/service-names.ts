import type { CloudProvider } from '../../core/playbook-store/metadata';

/**
 * The cloud service a playbook acts on, for the explorer's "by cloud → service" grouping. From
 * its first resource type when it has one ("rds", "AWS::RDS::DBInstance", "Microsoft.Sql/servers"),
 * else from the words of its name ("AWS-RestartEC2Instance" → EC2), else of its description.
 * Words are matched against the common names and abbreviations of each cloud's services below;
 * two adjacent words are tried first ("Dynamo DB", "Auto Scaling", "Security Group").
 */
const AWS: Record<string, string> = {
  ec2: 'EC2', ami: 'EC2', elasticip: 'EC2', eip: 'EC2', imdsv2: 'EC2', ebs: 'EBS', rds: 'RDS', aurora: 'RDS', s3: 'S3', bucket: 'S3',
  iam: 'IAM', accessanalyzer: 'IAM', lambda: 'Lambda', dynamodb: 'DynamoDB', dynamo: 'DynamoDB', cloudtrail: 'CloudTrail',
  cloudfront: 'CloudFront', cloudwatch: 'CloudWatch', cw: 'CloudWatch', redshift: 'Redshift', vpc: 'VPC', subnet: 'VPC', eni: 'VPC',
  securitygroup: 'VPC', internetgateway: 'VPC', privategateway: 'VPC', flowlog: 'VPC', flowlogs: 'VPC', elb: 'ELB', alb: 'ELB', nlb: 'ELB',
  clb: 'ELB', loadbalancer: 'ELB', elasticloadbalancing: 'ELB', kms: 'KMS', cmk: 'KMS', eks: 'EKS', nodegroup: 'EKS', ecs: 'ECS',
  sns: 'SNS', sqs: 'SQS', apigateway: 'API Gateway', elasticsearch: 'OpenSearch', opensearch: 'OpenSearch', es: 'OpenSearch',
  secret: 'Secrets Manager', secrets: 'Secrets Manager', secretsmanager: 'Secrets Manager', waf: 'WAF', wafv2: 'WAF',
  cloudformation: 'CloudFormation', cfn: 'CloudFormation', asg: 'Auto Scaling', autoscaling: 'Auto Scaling', guardduty: 'GuardDuty',
  securityhub: 'Security Hub', xray: 'X-Ray', codebuild: 'CodeBuild', beanstalk: 'Elastic Beanstalk', elasticbeanstalk: 'Elastic Beanstalk',
  efs: 'EFS', workspace: 'WorkSpaces', workspaces: 'WorkSpaces', ssm: 'Systems Manager', sessionmanager: 'Systems Manager',
  managedinstance: 'Systems Manager', inventory: 'Systems Manager', patch: 'Systems Manager', config: 'Config', route53: 'Route 53',
  ecr: 'ECR', eventbridge: 'EventBridge', kinesis: 'Kinesis', glue: 'Glue', athena: 'Athena', sagemaker: 'SageMaker', backup: 'Backup',
};

const AZURE: Record<string, string> = {
  vm: 'Virtual Machines', vms: 'Virtual Machines', virtualmachine: 'Virtual Machines', vmss: 'Virtual Machines', aks: 'AKS',
  storage: 'Storage', storageaccount: 'Storage', blob: 'Storage', sql: 'SQL Database', sqldatabase: 'SQL Database', cosmos: 'Cosmos DB',
  cosmosdb: 'Cosmos DB', keyvault: 'Key Vault', vault: 'Key Vault', functions: 'Functions', functionapp: 'Functions', appservice: 'App Service',
  webapp: 'App Service', vnet: 'Networking', nsg: 'Networking', network: 'Networking', monitor: 'Monitor', entra: 'Entra ID', aad: 'Entra ID',
  acr: 'Container Registry', servicebus: 'Service Bus', eventhub: 'Event Hubs', redis: 'Cache for Redis',
};

const GCP: Record<string, string> = {
  gce: 'Compute Engine', compute: 'Compute Engine', computeengine: 'Compute Engine', gke: 'GKE', gcs: 'Cloud Storage',
  cloudstorage: 'Cloud Storage', bucket: 'Cloud Storage', cloudsql: 'Cloud SQL', sql: 'Cloud SQL', bigquery: 'BigQuery', pubsub: 'Pub/Sub',
  cloudrun: 'Cloud Run', cloudfunctions: 'Cloud Functions', iam: 'IAM', spanner: 'Spanner',
  firestore: 'Firestore', memorystore: 'Memorystore',
};

const BY_CLOUD: Partial<Record<CloudProvider, Record<string, string>>> = { aws: AWS, azure: AZURE, gcp: GCP };

export interface ServiceInput {
  name: string;
  description: string;
  cloud_provider: CloudProvider;
  resource_types: readonly string[];
}

/** The service group of a playbook; undefined when nothing names one. */
export function serviceOf(p: ServiceInput): string | undefined {
  const tables = BY_CLOUD[p.cloud_provider] ? [BY_CLOUD[p.cloud_provider] as Record<string, string>] : [AWS, AZURE, GCP];
  const first = p.resource_types[0]?.trim();
  if (first) return fromResourceType(first, tables) ?? first;
  // "AWSConfigRemediation-DeleteRDSCluster": the prefix names the publisher, not the service.
  const name = p.name.replace(/^AWS[A-Za-z0-9]*-/, '');
  return match(words(name), tables) ?? match(words(p.description), tables);
}

function fromResourceType(rt: string, tables: Array<Record<string, string>>): string | undefined {
  // "AWS::RDS::DBInstance" → RDS; "Microsoft.Sql/servers" → sql; "rds" → rds.
  const aws = /^AWS::([^:]+)::/i.exec(rt)?.[1];
  const azure = /^Microsoft\.([^/]+)\//i.exec(rt)?.[1];
  const key = (aws ?? azure ?? rt).toLowerCase().replace(/[^a-z0-9]/g, '');
  return lookup(key, tables) ?? match(words(rt), tables);
}

/** Words of a name or a sentence, lower-case: "RestartEC2Instance" → restart, ec2, instance. */
export function words(s: string): string[] {
  return (s.match(/[A-Z]+[0-9]*(?![a-z])|[A-Z]?[a-z]+[0-9]*|[0-9]+/g) ?? []).map((w) => w.toLowerCase());
}

function match(ws: readonly string[], tables: Array<Record<string, string>>): string | undefined {
  for (let i = 0; i < ws.length; i++) {
    const pair = i + 1 < ws.length ? lookup(`${ws[i]}${ws[i + 1]}`, tables) : undefined;
    const one = pair ?? lookup(ws[i] as string, tables);
    if (one) return one;
  }
  return undefined;
}

function lookup(key: string, tables: Array<Record<string, string>>): string | undefined {
  for (const t of tables) if (Object.hasOwn(t, key)) return t[key];
  return undefined;
}
