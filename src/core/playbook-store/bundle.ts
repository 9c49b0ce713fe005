import { isEncryptedValue } from '../shared/crypto';
import { ValidationError } from '../shared/errors';
import { AREAS, type Area, CLOUD_PROVIDERS, type CloudProvider, type EncryptedValue, type ParameterSpec, type PlaybookSource, STORAGE_STRATEGIES, type StorageStrategy } from './metadata';
import type { CreatePlaybookInput, ScriptInput } from './types';

/**
 * Import specs and export bundles.
 *
 * An import file is a JSON array or YAML list of specs, or an export bundle:
 *   { "format": "escher-playbook-bundle/v1", "exported_at": "…", "playbooks": [spec, …] }
 * A spec:
 *   { name, description, keywords?, cloud_provider?, resource_types?, storage_strategy?, source?,
 *     parameters?: [{ name, type, description?, required?, sensitive?, default?, allowed_values?,
 *                     pattern?, min?, max? }],
 *     scripts?: { "<format>/<file>": "<utf-8 content>"
 *                 | { content?: string, base64?: string, encrypted?: <envelope>, sensitive?: boolean } },
 *     playbook_id?, version? }        (present in bundles; an explicit id must be unused)
 * Sensitive values travel encrypted (the envelope of schemas/metadata.schema.json), so a bundle
 * can only be imported where the same data key is configured.
 *
 * Foreign parameter types are mapped to ours (AWS SSM: String, StringList, Boolean, Integer,
 * MapList…), and an AWS description starting "(Required)" marks the parameter required, so
 * catalogs such as the AWS runbook list import as they are.
 */
export const BUNDLE_FORMAT = 'escher-playbook-bundle/v1';

export type ScriptSpec = string | { content?: string; base64?: string; encrypted?: EncryptedValue; sensitive?: boolean };

export interface PlaybookSpec {
  name: string;
  description?: string;
  keywords?: string[];
  cloud_provider?: string;
  resource_types?: string[];
  storage_strategy?: string;
  source?: string;
  parameters?: Array<Record<string, unknown>>;
  scripts?: Record<string, ScriptSpec>;
  playbook_id?: string;
  version?: string;
}

export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  exported_at: string;
  playbooks: PlaybookSpec[];
}

export interface ImportDefaults {
  cloud_provider?: CloudProvider;
  storage_strategy?: StorageStrategy;
  source?: PlaybookSource;
  area?: Area;
}

/** The list of specs inside a parsed import document (array or bundle). */
export function specsOf(doc: unknown): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (typeof doc === 'object' && doc !== null && (doc as { format?: unknown }).format === BUNDLE_FORMAT) {
    const list = (doc as { playbooks?: unknown }).playbooks;
    if (Array.isArray(list)) return list;
  }
  throw new ValidationError('The import file must hold a list of playbook specs or an escher-playbook bundle', [], {
    hint: 'see docs/cli.md ("import") for the spec format',
  });
}

const TYPE_MAP: Record<string, ParameterSpec['type']> = {
  string: 'string',
  str: 'string',
  number: 'number',
  float: 'number',
  integer: 'integer',
  int: 'integer',
  boolean: 'boolean',
  bool: 'boolean',
  list: 'list',
  array: 'list',
  stringlist: 'list',
  maplist: 'json',
  stringmap: 'json',
  json: 'json',
  object: 'json',
};

/** One spec -> store input. Throws ValidationError naming the field; the store validates the rest. */
export function specToInput(raw: unknown, defaults: ImportDefaults = {}): CreatePlaybookInput {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ValidationError('A playbook spec must be an object');
  const spec = raw as PlaybookSpec;
  if (typeof spec.name !== 'string' || spec.name.trim() === '') throw new ValidationError('"name" is required');
  const input: CreatePlaybookInput = {
    name: spec.name.trim(),
    description: typeof spec.description === 'string' ? spec.description : '',
    keywords: stringList(spec.keywords, 'keywords'),
    resource_types: stringList(spec.resource_types, 'resource_types'),
    cloud_provider: oneOf(spec.cloud_provider, CLOUD_PROVIDERS, 'cloud_provider') ?? defaults.cloud_provider ?? inferCloud(spec.name),
    // Left unset when the spec names none: the store's default (local_only) for a new playbook,
    // the existing one's strategy for a new version of it (`--on-existing new-version`).
    storage_strategy: oneOf(spec.storage_strategy, STORAGE_STRATEGIES, 'storage_strategy') ?? defaults.storage_strategy,
    source: oneOf(spec.source, ['user', 'ai_generated', 'library'] as const, 'source') ?? defaults.source ?? 'user',
    parameters: (spec.parameters ?? []).map(toParameter),
    scripts: Object.entries(spec.scripts ?? {}).map(([path, s]) => toScript(path, s)),
  };
  if (spec.playbook_id !== undefined) input.playbook_id = String(spec.playbook_id);
  if (spec.version !== undefined) input.version = String(spec.version);
  const area = defaults.area ?? (input.source === 'ai_generated' ? 'ai-generated' : undefined);
  if (area) {
    if (!AREAS.includes(area)) throw new ValidationError(`Unknown area "${area}"`);
    input.area = area;
  }
  return input;
}

function toParameter(raw: Record<string, unknown>): ParameterSpec {
  if (typeof raw !== 'object' || raw === null) throw new ValidationError('parameters must be objects');
  const name = String(raw.name ?? '');
  const rawType = String(raw.type ?? 'string');
  const type = TYPE_MAP[rawType.toLowerCase()] ?? 'string';
  const p: ParameterSpec = { name, type };
  const description = typeof raw.description === 'string' ? raw.description : undefined;
  if (description !== undefined) p.description = description;
  if (typeof raw.required === 'boolean') p.required = raw.required;
  else if (description && /^\s*\(required\)/i.test(description)) p.required = true;
  else if (description && /^\s*\(optional\)/i.test(description)) p.required = false;
  if (raw.sensitive === true) p.sensitive = true;
  if (raw.default !== undefined) p.default = raw.default;
  // Ours, and AWS SSM's names for the same rules (allowedValues, allowedPattern).
  const allowed = raw.allowed_values ?? raw.allowedValues;
  if (allowed !== undefined) p.allowed_values = allowed as Array<string | number>;
  const pattern = raw.pattern ?? raw.allowedPattern;
  if (pattern !== undefined) p.pattern = pattern as string;
  if (raw.min !== undefined) p.min = raw.min as number;
  if (raw.max !== undefined) p.max = raw.max as number;
  return p;
}

function toScript(path: string, s: ScriptSpec): ScriptInput {
  if (typeof s === 'string') return { path, content: s };
  if (typeof s !== 'object' || s === null) throw new ValidationError(`script "${path}" must be a string or an object`);
  if (s.encrypted !== undefined) {
    if (!isEncryptedValue(s.encrypted)) throw new ValidationError(`script "${path}": "encrypted" is not an aes-256-gcm/v1 envelope`);
    return { path, content: new Uint8Array(0), sensitive: true, encrypted: s.encrypted };
  }
  const content = typeof s.content === 'string' ? s.content : typeof s.base64 === 'string' ? Buffer.from(s.base64, 'base64') : undefined;
  if (content === undefined) throw new ValidationError(`script "${path}" has no content`);
  return { path, content, sensitive: s.sensitive === true };
}

function stringList(v: unknown, field: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [...new Set(v.split(',').map((x) => x.trim()).filter(Boolean))];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ValidationError(`"${field}" must be a list of strings`);
  return [...new Set(v as string[])];
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], field: string): T | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new ValidationError(`"${field}" must be one of ${allowed.join(', ')}`);
}

/** Names such as "AWS-RestartEC2Instance" or "AWSSupport-…" are AWS runbooks; everything else is "other". */
function inferCloud(name: string): CloudProvider {
  if (/^aws/i.test(name)) return 'aws';
  if (/^azure/i.test(name)) return 'azure';
  if (/^(gcp|gcloud|google)/i.test(name)) return 'gcp';
  return 'other';
}
