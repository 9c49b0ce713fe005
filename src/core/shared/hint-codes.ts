/**
 * What the user can do about an error, as a stable code instead of text. The core cannot word
 * it: the CLI says `escher-playbook login` and ESCHER_TOKEN, VS Code says "Escher: Connect to
 * Escher…" and `escher.server.url`. So an error carries a hint code, and each surface renders it
 * from its own table (src/cli/hints.ts, src/extension/hints.ts — both must cover every code,
 * which TypeScript checks). The error's own `hint` stays for words that fit every surface.
 */
export const HINT_CODES = [
  /** No server URL is configured. */
  'server-not-configured',
  /** A server URL but no tenant id. */
  'tenant-not-configured',
  /** A server but no token. */
  'token-missing',
  /** The server answered 401: the token is unknown, revoked or expired. */
  'token-rejected',
  /** 403 TENANT_MISMATCH: the token is valid, but not for the tenant configured (or the tenant does not exist). */
  'tenant-mismatch',
  /** Another 403: the request touched something of another tenant. */
  'forbidden',
  /** Nothing answered at the server URL (refused, DNS, reset). */
  'server-unreachable',
  /** The server did not answer in time. */
  'server-timeout',
  /** The server's TLS certificate is not trusted by this machine. */
  'tls-untrusted',
  /** Plain http to a host other than this machine. */
  'https-required',
  /** The server URL cannot be parsed, or has a query or fragment. */
  'invalid-server-url',
  /** user:password@ in the server URL. */
  'credentials-in-url',
  /** The server answered with a redirect, which the client never follows (it would carry the token). */
  'server-redirect',
  /** The server answered with a failure of its own (5xx). */
  'server-error',
  /** The answer is not the Escher protocol (wrong URL, or not an Escher server). */
  'not-escher-server',
  /** A download link pointed at another host than the server. */
  'foreign-download-url',
  /** The tenant id is not a lower-case slug. */
  'invalid-tenant',
  /** The store holds something it cannot read (a damaged file, a symlink, a duplicate id): the store's check repairs what it can. */
  'store-needs-check',
  /** A stored version's files no longer match its metadata.json (changed after it was stored). */
  'version-modified',
  /** The same, of a version that is on the server: its copy there can be restored. */
  'version-modified-published',
  /** Restore from the server asked for a version the server does not have (never published). */
  'version-not-on-server',
  /** The server's copy of a version records other scripts than the local one (restore refused). */
  'server-copy-differs',
  /** No playbook with that id. */
  'playbook-unknown',
  /** A version number that is not above the latest. */
  'version-not-greater',
  /** Encrypted values exist but the data key that wrote them is missing. */
  'data-key-missing',
  /** The data key does not open these values (another key, or tampered ciphertext). */
  'data-key-mismatch',
  /** The secrets file under $ESCHER_HOME is damaged. */
  'secrets-file-invalid',
  /** A script is larger than the whole script cache. */
  'cache-too-small',
  /** A transformers.js model is not in the local model folder and downloads are off. */
  'model-missing',
  /** A Keep Private (local_only) playbook cannot be uploaded as it is. */
  'publish-private',
  /** An AI-generated playbook must be accepted before it is published. */
  'accept-ai-first',
  /** The parameters a playbook declares and the placeholders its scripts use do not match. */
  'parameters-inconsistent',
  /** The disk (or quota) is full. */
  'disk-full',
  /** The Escher home is on a read-only file system. */
  'home-not-writable',
  /** Offline, and the script is not in the script cache. */
  'offline-not-cached',
  /** 403 NOT_A_REVIEWER: approving or rejecting needs a reviewer token. */
  'not-a-reviewer',
  /** 403 SELF_REVIEW: the caller published that version; another reviewer must decide. */
  'self-review',
  /** Team content whose review is pending or rejected (or not covered by an approval): a reason overrides. */
  'review-required',
  /** A run refused by preflight errors (an override exists, and is recorded). */
  'preflight-errors',
  /** A run of a version whose review is pending or rejected: a recorded reason overrides. */
  'run-unreviewed',
  /** A version with no scripts to run. */
  'no-scripts',
  /** A format with several scripts and none named main.* or run.*: the user names the one to run. */
  'entry-ambiguous',
  /** A run's working folder is missing or inside the playbook store. */
  'cwd-unusable',
] as const;

export type HintCode = (typeof HINT_CODES)[number];

export function isHintCode(v: unknown): v is HintCode {
  return typeof v === 'string' && (HINT_CODES as readonly string[]).includes(v);
}
