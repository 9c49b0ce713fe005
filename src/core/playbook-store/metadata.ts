/**
 * metadata.json, schema_version 1. The JSON Schema in schemas/metadata.schema.json is the source
 * of truth for validation (and is what VS Code validates the file against); these types mirror it.
 */
export const AREAS = ['local', 'synced', 'ai-generated'] as const;
export type Area = (typeof AREAS)[number];

export const SCRIPT_FORMATS = ['shell', 'cloudformation', 'arm', 'terraform', 'python'] as const;
export type ScriptFormat = (typeof SCRIPT_FORMATS)[number];

export const STORAGE_STRATEGIES = ['local_only', 'uploaded_for_review', 'uploaded_trusted'] as const;
export type StorageStrategy = (typeof STORAGE_STRATEGIES)[number];

export const CLOUD_PROVIDERS = ['aws', 'azure', 'gcp', 'oci', 'multi', 'other'] as const;
export type CloudProvider = (typeof CLOUD_PROVIDERS)[number];

export type PlaybookSource = 'user' | 'ai_generated' | 'library';

/** AES-256-GCM envelope for sensitive values (see shared/crypto). */
export interface EncryptedValue {
  $enc: 'aes-256-gcm/v1';
  iv: string;
  tag: string;
  ct: string;
}

export interface ScriptEntry {
  format: ScriptFormat;
  /** Relative to the version folder, "<format>/<file>", e.g. "shell/stop.sh". */
  path: string;
  /** SHA-256 (hex) of the plaintext bytes. */
  sha256: string;
  size: number;
  sensitive?: boolean;
  s3_path?: string;
}

export interface ParameterSpec {
  name: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'list' | 'json';
  description?: string;
  required?: boolean;
  sensitive?: boolean;
  /** When `sensitive`, an EncryptedValue on disk. */
  default?: unknown;
  /** The only accepted values (for a list: items). See parameter-values.ts for every rule. */
  allowed_values?: Array<string | number>;
  /** JS regular expression (Unicode mode), matched in full against a string or each list item. */
  pattern?: string;
  /** integer/number: bounds of the value; string: of its length; list: of its item count. */
  min?: number;
  max?: number;
}

export const PARAMETER_TYPES = ['string', 'number', 'integer', 'boolean', 'list', 'json'] as const;
export type ParameterType = ParameterSpec['type'];

export interface PlaybookMetadata {
  $schema?: string;
  schema_version: 1;
  playbook_id: string;
  version: string;
  name: string;
  description: string;
  keywords: string[];
  cloud_provider: CloudProvider;
  resource_types: string[];
  storage_strategy: StorageStrategy;
  scripts: ScriptEntry[];
  parameters: ParameterSpec[];
  source: PlaybookSource;
  /** Set by `clone`: what this playbook was copied from (exact content). */
  cloned_from?: ClonedFrom;
  created_at: string;
  updated_at: string;
}

export interface ClonedFrom {
  playbook_id: string;
  version: string;
  content_hash: string;
  source: 'tenant' | 'library';
}
