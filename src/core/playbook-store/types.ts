import type { StorePath } from './layout';
import type { Area, ClonedFrom, CloudProvider, EncryptedValue, ParameterSpec, PlaybookMetadata, PlaybookSource, ScriptFormat, StorageStrategy } from './metadata';
import type { Disposable } from '../shared/disposable';

/**
 * The playbook store's public surface (the seed's Playbook Manager). Every other component —
 * publisher, script manager, local search, CLI, extension — uses the store only through this.
 *
 * A playbook id lives in exactly one area at a time (publishing moves local -> synced, accepting
 * moves ai-generated -> local). Versions are immutable: an update writes a new version folder.
 */
export interface Playbook {
  area: Area;
  /** Absolute path of the version folder (…/playbooks/<area>/<id>/v<version>). */
  dir: string;
  metadata: PlaybookMetadata;
}

export interface PlaybookSummary {
  playbook_id: string;
  /** Latest version in this area. */
  version: string;
  /** All versions present, ascending semver. */
  versions: string[];
  area: Area;
  name: string;
  description: string;
  keywords: string[];
  cloud_provider: CloudProvider;
  resource_types: string[];
  storage_strategy: StorageStrategy;
  source: PlaybookSource;
  formats: ScriptFormat[];
  updated_at: string;
  /** sha256 of metadata.json's bytes of the latest version: cheap change detection for sync and search. */
  content_hash: string;
}

export interface ScriptInput {
  /** "<format>/<file>", e.g. "shell/stop.sh"; the format comes from the first segment. */
  path: string;
  content: string | Uint8Array;
  /** Store encrypted at rest. */
  sensitive?: boolean;
  /**
   * Already-encrypted content (an export bundle's sensitive script): decrypted with the data key
   * to verify it and compute its sha256, then stored as given. `content` is ignored.
   */
  encrypted?: EncryptedValue;
}

/** A file of a stored version that no longer is what its metadata.json records. */
export interface ModifiedFile {
  /** "<format>/<file>" as in metadata.json. */
  path: string;
  /** What is wrong with it, for a person. */
  problem: string;
}

/** A version with files that no longer match its metadata.json. */
export interface ModifiedVersion {
  playbook_id: string;
  version: string;
  area: Area;
  /** Absolute path of the version folder. */
  dir: string;
  files: ModifiedFile[];
}

export interface CreatePlaybookInput {
  name: string;
  description: string;
  keywords?: string[];
  cloud_provider?: CloudProvider;
  resource_types?: string[];
  storage_strategy?: StorageStrategy;
  /** Plaintext defaults; those with `sensitive: true` are encrypted before they touch the disk. */
  parameters?: ParameterSpec[];
  source?: PlaybookSource;
  /** Set by clone: what the new playbook was copied from. */
  cloned_from?: ClonedFrom;
  scripts?: ScriptInput[];
  /** Explicit id (validated, must be unused); generated from the name otherwise. */
  playbook_id?: string;
  /** Default "1.0.0". */
  version?: string;
  /** Default: 'ai-generated' when source is ai_generated, else 'local'. */
  /** The server's timestamps for a version that comes from it (UpdatePlaybookInput.timestamps). */
  timestamps?: VersionTimestamps;
  area?: Area;
  /**
   * Check the parameter contract (parameter-contract.ts) before writing: defaults of the declared
   * type, every `{{placeholder}}` declared (errors); unused parameters are warnings, through the
   * store's logger. Callers writing what a user declared (CLI create/update/import) set it; writers
   * mirroring what exists elsewhere (sync from the server) leave it off so one bad playbook never
   * blocks a sync. The runner checks the contract again before every run, whatever was stored.
   */
  enforceContract?: boolean;
}


export interface UpdatePlaybookInput {
  name?: string;
  description?: string;
  keywords?: string[];
  cloud_provider?: CloudProvider;
  resource_types?: string[];
  storage_strategy?: StorageStrategy;
  parameters?: ParameterSpec[];
  /** Added or replaced scripts (by path). */
  scripts?: ScriptInput[];
  /** Paths of scripts to drop from the new version. */
  removeScripts?: string[];
  /** Default 'patch'. */
  bump?: 'patch' | 'minor' | 'major';
  /** Exact new version instead of a bump (must be greater than the latest). */
  version?: string;
  /** Base the new version on this one instead of the latest. */
  fromVersion?: string;
  /** As in CreatePlaybookInput. */
  enforceContract?: boolean;
  /**
   * Write the new version even when nothing differs from the latest one. Only for a writer that
   * mirrors a version number given elsewhere (sync applying the server's version); a user's
   * update with nothing to change writes nothing.
   */
  writeUnchanged?: boolean;
  /** As in CreatePlaybookInput. */
  timestamps?: VersionTimestamps;
}

/**
 * The created_at / updated_at a version is written with instead of "now": a version that comes
 * from the server keeps the server's, so it is the same metadata on both sides. Checked by the
 * store to be dates (anything else is replaced by now).
 */
export interface VersionTimestamps {
  created_at?: unknown;
  updated_at?: unknown;
}

/** What updatePlaybook returns: the version written, or the latest one when nothing changed. */
export interface UpdateResult extends Playbook {
  /** True when nothing differed from the latest version: nothing was written and this is that version. */
  unchanged: boolean;
}

export type StoreChange =
  | { kind: 'created' | 'updated'; playbookId: string; version: string; area: Area }
  | { kind: 'deleted'; playbookId: string; version?: string; area: Area }
  | { kind: 'moved'; playbookId: string; from: Area; to: Area };

// Re-exported because the store's API returns it: importers of the store types need no second path.
export type { Disposable };

/** A version folder the store's listing left out because its metadata.json is missing or invalid. */
export interface SkippedVersion {
  area: Area;
  playbookId: string;
  version: string;
  /** The metadata.json that could not be read. */
  file: string;
  /** The first problem found. */
  reason: string;
}

export interface DoctorIssue {
  /** `seal`: a sensitive value sealed in the older format, without its playbook id (doctor-seals.ts). */
  kind: 'checksum' | 'schema' | 'temp' | 'orphan' | 'catalog' | 'symlink' | 'lock' | 'duplicate-id' | 'seal';
  path: string;
  message: string;
  repaired: boolean;
}

export interface DoctorReport {
  checkedVersions: number;
  issues: DoctorIssue[];
}

export interface PlaybookStoreApi {
  readonly playbooksDir: string;
  createPlaybook(input: CreatePlaybookInput): Promise<Playbook>;
  /** Latest version when `version` is omitted. Throws NotFoundError. */
  getPlaybook(id: string, version?: string): Promise<Playbook>;
  /** A new version; when nothing differs from the latest, none is written (UpdateResult.unchanged). */
  updatePlaybook(id: string, input: UpdatePlaybookInput): Promise<UpdateResult>;
  /** One version, or the whole playbook when `version` is omitted. */
  deletePlaybook(id: string, version?: string): Promise<void>;
  listPlaybooks(filter?: { area?: Area }): Promise<PlaybookSummary[]>;
  /** Every version folder of `id`, ascending, whether or not its metadata is readable. Throws NotFoundError. */
  listVersions(id: string): Promise<string[]>;
  /** The version folders listPlaybooks() left out (missing or invalid metadata.json), with why. */
  listSkipped(): Promise<SkippedVersion[]>;
  /** Where a file sits in this store (area, id, version, path inside the version folder); undefined outside version folders. */
  parseStorePath(file: string): StorePath | undefined;
  /** Files of a version that no longer match its metadata.json (edited, replaced, gone); sensitive ones only when the data key is at hand. */
  findModifiedFiles(playbook: Playbook): Promise<ModifiedFile[]>;
  /** Plaintext bytes of a script (decrypted when sensitive), verified against its sha256. */
  readScript(playbook: Playbook, scriptPath: string): Promise<Buffer>;
  /** Parameters with sensitive defaults decrypted (needs the data key only when something is encrypted). */
  revealParameters(playbook: Playbook): Promise<ParameterSpec[]>;
  /** Moves the whole playbook between areas atomically (publish: local -> synced; accept: ai-generated -> local). */
  movePlaybook(id: string, to: Area): Promise<Playbook>;
  onDidChange(listener: (change: StoreChange) => void): Disposable;
  doctor(options?: { repair?: boolean }): Promise<DoctorReport>;
}
