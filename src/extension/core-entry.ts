/**
 * Everything heavy the extension uses from the core, bundled separately as dist/extension-core.js
 * and loaded on first use by core-loader.ts. Activation never evaluates (or even parses) this:
 * the store, ajv, the HTTP client, the search index all wait until the user needs them.
 */
export { PlaybookService } from '../core/service';
export { schemaIssues, semanticIssues } from '../core/playbook-store/validate';
export { parameterSpecIssues, placeholderContract } from '../core/playbook-store/parameter-contract';
export { FileSecretStore } from '../core/shared/secret-file';
export { PlaybookRunner } from '../core/runner/runner';
export { SyncViews } from '../core/metadata-publisher/sync-views';
export { verifyConnection } from '../core/escher-api/verify-connection';
export { importSpecs, readImportFile } from '../core/playbook-store/import-file';
export { teamVersions } from '../core/team-catalog/team-catalog';
export { cloneTeamPlaybook } from '../core/team-catalog/clone';
export { readLock, LOCK_FILE } from '../core/team-catalog/lockfile';
export { HttpEscherApi } from '../core/escher-api/client';
export { searchServer } from '../core/discovery/server-references';
