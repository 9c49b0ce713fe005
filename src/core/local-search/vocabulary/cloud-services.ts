import type { VocabularySection } from './types';

/**
 * Cloud products by every name people use for them: the official name, the short name, the
 * generic role the vendor's own product page gives it, and the Azure and Google Cloud services
 * the vendors' comparison tables map to it.
 */
export const CLOUD_SERVICES: VocabularySection = {
  source:
    'AWS service names and their one-line role on aws.amazon.com/products; Microsoft Learn "AWS to Azure services comparison"; ' +
    'Google Cloud "Compare AWS and Azure services to Google Cloud"; the engine lists of Amazon RDS and the operating systems EC2 offers',
  groups: [
    // Compute
    ['ec2', 'elastic compute cloud', 'vm', 'virtual machine', 'virtual server', 'server', 'host', 'machine', 'box', 'compute engine', 'gce', 'azure vm', 'droplet'],
    ['ami', 'amazon machine image', 'machine image', 'golden image', 'base image', 'vm image', 'managed image', 'os image'],
    ['auto scaling', 'autoscaling', 'asg', 'auto scaling group', 'scaling group', 'scale set', 'vm scale set', 'vmss', 'managed instance group', 'instance group'],
    ['lambda', 'serverless', 'serverless function', 'function', 'faas', 'azure function', 'azure functions', 'cloud function', 'cloud functions'],
    ['ecs', 'elastic container service', 'container', 'docker', 'fargate', 'task definition', 'container instance', 'cloud run'],
    ['eks', 'elastic kubernetes service', 'kubernetes', 'k8s', 'kube', 'kubectl', 'aks', 'gke'],
    ['node group', 'nodegroup', 'managed node group', 'node pool', 'worker node'],
    ['elastic beanstalk', 'beanstalk', 'paas', 'platform as a service', 'app service', 'app engine', 'web app'],
    ['workspaces', 'workspace', 'virtual desktop', 'vdi', 'desktop as a service', 'azure virtual desktop', 'avd', 'windows virtual desktop'],
    // Databases
    ['database', 'db', 'rds', 'relational database service', 'relational database', 'sql database', 'postgres', 'postgresql', 'psql', 'mysql', 'mariadb', 'aurora', 'oracle', 'oracle db', 'cloud sql', 'azure sql', 'alloydb', 'db instance'],
    ['dynamodb', 'dynamo', 'dynamo db', 'nosql', 'key value store', 'key value database', 'document database', 'cosmos db', 'cosmosdb', 'firestore', 'bigtable', 'datastore'],
    ['redshift', 'data warehouse', 'warehouse', 'dwh', 'olap', 'bigquery', 'synapse', 'azure synapse'],
    ['elasticsearch', 'opensearch', 'amazon es', 'es domain', 'search domain', 'search cluster', 'elk', 'kibana'],
    ['cache', 'elasticache', 'redis', 'memcached', 'in memory cache', 'memorystore', 'azure cache for redis'],
    ['sql server', 'mssql', 'ms sql', 'microsoft sql server', 'sqlserver'],
    // Storage
    ['bucket', 's3', 'simple storage service', 'object storage', 'object store', 'blob storage', 'blob', 'blob container', 'storage account', 'gcs', 'cloud storage'],
    ['volume', 'ebs', 'elastic block store', 'disk', 'block storage', 'block device', 'drive', 'hard drive', 'root volume', 'data volume', 'managed disk', 'persistent disk'],
    ['file system', 'efs', 'elastic file system', 'nfs', 'network file system', 'file share', 'shared file system', 'shared drive', 'azure files', 'filestore', 'fsx'],
    ['snapshot', 'snap', 'point in time copy', 'disk snapshot', 'volume snapshot'],
    ['backup', 'back up', 'azure backup', 'backup vault', 'dump', 'pg dump', 'mysqldump'],
    // Networking
    ['vpc', 'virtual private cloud', 'vnet', 'virtual network', 'private network'],
    ['subnet', 'subnetwork', 'public subnet', 'private subnet'],
    ['security group', 'sg', 'firewall', 'firewall rule', 'nsg', 'network security group', 'vpc firewall rule', 'inbound rule', 'ingress rule', 'port rule'],
    ['network acl', 'nacl', 'network access control list', 'subnet firewall'],
    ['load balancer', 'elb', 'elastic load balancing', 'elastic load balancer', 'alb', 'application load balancer', 'nlb', 'network load balancer', 'clb', 'classic load balancer', 'lb', 'azure load balancer', 'application gateway', 'cloud load balancing'],
    // Elastic Load Balancing's own comparison of its three kinds (layer 7, layer 4, previous generation).
    ['application load balancer', 'alb', 'layer 7 load balancer', 'l7 load balancer', 'http load balancer'],
    ['network load balancer', 'nlb', 'layer 4 load balancer', 'l4 load balancer', 'tcp load balancer'],
    ['classic load balancer', 'clb', 'legacy load balancer', 'previous generation load balancer', 'elb classic'],
    ['cdn', 'cloudfront', 'content delivery network', 'distribution', 'front door', 'azure cdn', 'cloud cdn'],
    ['dns', 'route 53', 'route53', 'hosted zone', 'domain name system', 'azure dns', 'cloud dns'],
    ['elastic ip', 'eip', 'public ip', 'public ip address', 'static ip', 'static public ip', 'reserved ip'],
    ['internet gateway', 'igw', 'egress only internet gateway', 'eigw'],
    ['vpn', 'virtual private gateway', 'vpn gateway', 'vgw', 'site to site vpn', 'cloud vpn'],
    ['nat gateway', 'nat', 'cloud nat'],
    ['network interface', 'eni', 'elastic network interface', 'nic', 'network card'],
    ['flow log', 'vpc flow log', 'nsg flow log', 'network traffic log'],
    ['api gateway', 'apigw', 'api management', 'apim', 'rest api', 'http api', 'api endpoint', 'apigee'],
    ['waf', 'web application firewall', 'web acl', 'cloud armor', 'azure waf'],
    // Identity, keys, secrets
    ['iam', 'identity and access management', 'azure ad', 'entra id', 'cloud iam', 'identity'],
    ['role', 'iam role', 'assume role', 'service role', 'instance profile', 'managed identity', 'service account'],
    ['policy', 'iam policy', 'permission', 'access policy', 'inline policy', 'managed policy', 'rbac', 'role assignment'],
    ['credential', 'creds', 'access key', 'secret key', 'secret access key', 'api key', 'password', 'passwd'],
    ['secret', 'secrets manager', 'secret manager', 'key vault', 'vault'],
    ['kms', 'key management service', 'cmk', 'customer managed key', 'customer master key', 'encryption key', 'cloud kms', 'byok'],
    ['active directory', 'ad', 'directory service', 'managed microsoft ad', 'domain controller', 'ldap', 'entra domain services'],
    ['certificate', 'cert', 'acm', 'certificate manager', 'ssl certificate', 'tls certificate'],
    // Observability and security services
    ['monitoring', 'cloudwatch', 'metric', 'alarm', 'dashboard', 'azure monitor', 'cloud monitoring', 'stackdriver', 'observability', 'telemetry'],
    ['cloudtrail', 'trail', 'api activity', 'api call history', 'activity log', 'audit trail', 'audit log', 'cloud audit logs'],
    ['tracing', 'x ray', 'xray', 'distributed tracing', 'trace', 'application insights', 'cloud trace', 'apm'],
    ['performance insights', 'database performance', 'query performance', 'slow query'],
    ['notification', 'sns', 'simple notification service', 'notify', 'alert', 'topic', 'pub sub', 'pubsub', 'push notification', 'event grid', 'pagerduty'],
    ['queue', 'sqs', 'message queue', 'service bus', 'cloud tasks'],
    ['kinesis', 'firehose', 'kinesis data firehose', 'delivery stream', 'data stream', 'event hubs'],
    ['guardduty', 'threat detection', 'intrusion detection', 'ids', 'microsoft defender', 'security command center'],
    ['security hub', 'securityhub', 'security posture', 'cspm', 'security findings', 'defender for cloud'],
    ['configuration recorder', 'config recorder', 'config rule', 'compliance rule', 'azure policy', 'configuration history'],
    ['access analyzer', 'iam access analyzer', 'external access', 'unintended access'],
    ['systems manager', 'ssm', 'ssm agent', 'session manager', 'run command', 'managed instance', 'managed node', 'fleet manager', 'azure arc'],
    ['inventory', 'asset inventory', 'software inventory', 'cmdb', 'installed software', 'installed application'],
    ['patch', 'patching', 'patch manager', 'os update', 'security update', 'windows update', 'update management', 'hotfix', 'patch baseline'],
    ['opsdata', 'ops data', 'opscenter', 'opsitem', 'ops item', 'systems manager explorer'],
    // Delivery and tooling
    ['cloudformation', 'cfn', 'stack', 'template', 'cloudformation template', 'arm template', 'bicep', 'deployment manager', 'infrastructure as code', 'iac', 'cdk'],
    ['terraform', 'tf', 'hcl'],
    ['codebuild', 'build project', 'ci', 'ci build', 'build server', 'azure pipelines', 'cloud build', 'jenkins'],
    ['packer', 'image builder', 'image pipeline'],
    ['linter', 'lint', 'cfn lint', 'template validation', 'validate template'],
    ['jira', 'jira ticket', 'jira issue'],
    ['servicenow', 'snow', 'incident', 'incident ticket'],
    ['ticket', 'jira', 'servicenow', 'help desk', 'helpdesk'],
    // Accounts, places, platforms
    ['account', 'aws account', 'subscription', 'gcp project', 'tenant'],
    ['region', 'aws region', 'cross region', 'multi region', 'all regions'],
    ['linux', 'amazon linux', 'ubuntu', 'rhel', 'red hat', 'centos', 'debian', 'suse', 'al2'],
    ['windows', 'windows server', 'microsoft windows'],
  ],
};
