import { describeError, isEscherError } from '../core/shared/errors';
import type { HintCode } from '../core/shared/hint-codes';

/**
 * The CLI's words for each hint code (src/core/shared/hint-codes.ts): its commands, flags and
 * environment variables. The extension has its own table in VS Code's words.
 */
export const CLI_HINTS: Record<HintCode, string> = {
  'server-not-configured': 'run `escher-playbook login --server URL --tenant ID`, or set ESCHER_SERVER_URL, ESCHER_TENANT_ID and ESCHER_TOKEN',
  'tenant-not-configured': 'run `escher-playbook login --tenant ID`, or set ESCHER_TENANT_ID',
  'token-missing': 'run `escher-playbook login`, or set ESCHER_TOKEN',
  'token-rejected': 'run `escher-playbook login` with a valid token (or fix ESCHER_TOKEN), then `escher-playbook sync`',
  'tenant-mismatch': 'check the tenant (`escher-playbook login --tenant ID` or ESCHER_TENANT_ID): the token is not valid for it',
  forbidden: 'it belongs to another tenant than ESCHER_TENANT_ID',
  'server-unreachable': 'check the server URL (`escher-playbook login --server URL` or ESCHER_SERVER_URL) and your network',
  'server-timeout': 'the server is slow or unreachable; try again later',
  'tls-untrusted': "the server's TLS certificate is not trusted; add its CA with NODE_EXTRA_CA_CERTS",
  'https-required': 'use https:// (plain http is only allowed for 127.0.0.1, ::1 and localhost)',
  'invalid-server-url': 'use a full base URL such as https://escher.example.com',
  'credentials-in-url': 'pass the token with `escher-playbook login` or ESCHER_TOKEN, never in the URL',
  'server-redirect': 'set the server URL (`escher-playbook login --server` or ESCHER_SERVER_URL) to the final https address',
  'server-error': 'try again later; if it persists, check the server logs',
  'not-escher-server': 'the server is misbehaving or is not an Escher server; check ESCHER_SERVER_URL',
  'foreign-download-url': 'the server returned a link to another host; refusing it (check ESCHER_SERVER_URL or report the server)',
  'invalid-tenant': 'tenant ids are lower-case letters, digits and single hyphens',
  'store-needs-check': 'run `escher-playbook doctor` (add --repair to fix what it can)',
  'version-modified': 'versions are immutable: keep the change as the next version with `escher-playbook draft ID` then `escher-playbook draft commit ID`, or restore the file',
  'version-modified-published': 'versions are immutable: put the server\'s copy back with `escher-playbook restore ID`, or keep the change as the next version with `escher-playbook draft ID` then `escher-playbook draft commit ID` (the damaged version is then restored from the server)',
  'version-not-on-server': 'keep the change as the next version with `escher-playbook draft ID` then `escher-playbook draft commit ID`, or delete the version with `escher-playbook delete ID --version VERSION`',
  'server-copy-differs': 'compare them with `escher-playbook diff ID VERSION --server`, then keep your files as the next version with `escher-playbook draft ID` and `escher-playbook draft commit ID`',
  'playbook-unknown': 'see `escher-playbook list`',
  'version-not-greater': 'versions only go up; omit --version to bump automatically',
  'data-key-missing': 'set ESCHER_KEY to the base64 key this store was written with (or restore the key file under $ESCHER_HOME)',
  'data-key-mismatch': 'check that ESCHER_KEY / the key file is the one this store was written with',
  'secrets-file-invalid': 'fix it, or delete it and run `escher-playbook login` again',
  'cache-too-small': 'raise cache_max_size_mb (ESCHER_CACHE_MAX_SIZE_MB) or copy the script into a local playbook',
  'model-missing': 'copy the model folder (config.json, tokenizer.json, onnx/model.onnx) there, or allow downloads with ESCHER_ALLOW_REMOTE_MODELS=true',
  'publish-private': 'publish it with --review or --trusted to make it shareable (this writes a new version)',
  'accept-ai-first': 'accept it first (`escher-playbook accept ID`), then publish',
  'parameters-inconsistent': 'fix the declarations or the scripts; `escher-playbook check ID` lists every problem',
  'disk-full': 'free some space (`escher-playbook cache evict` or `cache clear` frees the script cache), then run the command again; what was already stored is unchanged',
  'home-not-writable': 'point ESCHER_HOME (or --home) at a writable folder',
  'offline-not-cached': 'run it once without --offline (with the server reachable) to cache it',
  'not-a-reviewer': 'review commands need a reviewer token: set ESCHER_REVIEWER_TOKEN or run `escher-playbook login --reviewer`',
  'self-review': 'ask another reviewer of your tenant',
  'review-required': 'ask a reviewer (`escher-playbook review list`), or give the reason to use it anyway: --allow-unreviewed "<why>" (it is logged)',
  'preflight-errors': '`escher-playbook check ID` lists them all; --skip-preflight runs anyway when the checkers are wrong (recorded)',
  'run-unreviewed': 'if you must, give the reason: --allow-unreviewed "<why>" (it is recorded)',
  'no-scripts': 'add one: `escher-playbook update ID --script shell=./run.sh`',
  'entry-ambiguous': 'choose one with --script, or name it main.* or run.* at the top of its format folder',
  'cwd-unusable': 'pass an existing folder outside the playbook store with --cwd (a run must never change a stored version)',
};

/** The hint the CLI shows for an error: its own words for a hint code, else the error's own hint. */
export function cliHint(e: unknown): string | undefined {
  if (!isEscherError(e)) return undefined;
  return e.hintCode ? CLI_HINTS[e.hintCode] : e.hint;
}

/** One line: the message and what to do, in the CLI's words. */
export function describeForCli(e: unknown): string {
  const hint = cliHint(e);
  return isEscherError(e) && hint ? `${e.message} (${hint})` : describeError(e);
}
