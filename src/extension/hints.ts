import type { HintCode } from '../core/shared/hint-codes';

/** A button offered with an error: runs one of VS Code's or the extension's commands. */
export interface HintAction {
  label: string;
  command: string;
  args?: unknown[];
}

export interface ExtensionHint {
  /** What to do, naming VS Code commands and settings — never a CLI command, flag or variable. */
  text: string;
  action?: HintAction;
  /** A second button, offered after `action`. */
  also?: HintAction;
}

const CONNECT: HintAction = { label: 'Connect…', command: 'escher.connect' };
const SIGN_IN: HintAction = { label: 'Sign In…', command: 'escher.signIn' };
const CHECK_STORE: HintAction = { label: 'Check Store', command: 'escher.checkStore' };
const EDIT_AS_NEW: HintAction = { label: 'Edit as New Version', command: 'escher.editAsNewVersion' };
const RESTORE: HintAction = { label: 'Restore from Server', command: 'escher.restoreFromServer' };
const settings = (query: string): HintAction => ({ label: 'Open Settings', command: 'workbench.action.openSettings', args: [query] });

/**
 * The extension's words for each hint code (src/core/shared/hint-codes.ts), with the button that
 * does it. The CLI keeps its own table (src/cli/hints.ts); TypeScript makes both cover every code.
 */
export const EXTENSION_HINTS: Record<HintCode, ExtensionHint> = {
  'server-not-configured': { text: 'connect to an Escher server with "Escher: Connect to Escher…"', action: CONNECT },
  'tenant-not-configured': { text: 'set your tenant with "Escher: Connect to Escher…"', action: CONNECT },
  'token-missing': { text: 'sign in with "Escher: Sign In…"', action: SIGN_IN },
  'token-rejected': { text: 'sign in again with a valid token ("Escher: Sign In…")', action: SIGN_IN },
  'tenant-mismatch': { text: 'check the tenant id: this token is not valid for it ("Escher: Connect to Escher…")', action: CONNECT },
  forbidden: { text: 'it belongs to another tenant' },
  'server-unreachable': { text: 'check the server URL (escher.server.url) and your network', action: CONNECT },
  'server-timeout': { text: 'the server is slow or unreachable; try again later' },
  'tls-untrusted': { text: "the server's TLS certificate is not trusted on this machine: add its CA to the machine's trusted certificates" },
  'https-required': { text: 'use an https:// URL (plain http only reaches this machine: 127.0.0.1, ::1, localhost)', action: CONNECT },
  'invalid-server-url': { text: 'use a full base URL such as https://escher.example.com', action: CONNECT },
  'credentials-in-url': { text: 'remove user:password@ from the URL; the token goes into "Escher: Sign In…"', action: CONNECT },
  'server-redirect': { text: 'use the final https address as the server URL', action: CONNECT },
  'server-error': { text: 'try again later; if it persists, the server logs say why' },
  'not-escher-server': { text: 'what answers at escher.server.url is not an Escher server; check the URL', action: CONNECT },
  'foreign-download-url': { text: 'the server sent a link to another host, which was refused; check escher.server.url or report the server' },
  'invalid-tenant': { text: 'tenant ids are lower-case letters, digits and single hyphens', action: CONNECT },
  'store-needs-check': { text: 'run "Escher: Check Playbook Store" to find and repair it', action: CHECK_STORE },
  'version-modified': { text: 'versions are immutable: keep the change as the next version with "Escher: Edit as New Version", or restore the file', action: EDIT_AS_NEW },
  'version-modified-published': { text: 'versions are immutable: put the server\'s copy back with "Escher: Restore from Server", or keep the change as the next version with "Escher: Edit as New Version" (the damaged version is then restored from the server)', action: RESTORE, also: EDIT_AS_NEW },
  'version-not-on-server': { text: 'keep the change as the next version with "Escher: Edit as New Version", or delete the version', action: EDIT_AS_NEW },
  'server-copy-differs': { text: 'compare them with "Escher: Compare with Server", then keep your files as the next version with "Escher: Edit as New Version"', action: { label: 'Compare with Server', command: 'escher.compareWithServer' }, also: EDIT_AS_NEW },
  'playbook-unknown': { text: 'the Escher Playbooks view lists yours; "Escher: Search Playbooks" finds the others' },
  'version-not-greater': { text: 'versions only go up: use "Escher: New Version…"' },
  'data-key-missing': { text: 'the data key this store was written with is missing: restore secrets.json in the Escher home folder (escher.home)' },
  'data-key-mismatch': { text: 'the data key in use is not the one this store was written with' },
  'secrets-file-invalid': { text: 'fix or delete secrets.json in the Escher home folder (escher.home)' },
  'cache-too-small': { text: 'raise escher.cache.maxSizeMb, or copy the script into a local playbook', action: settings('escher.cache.maxSizeMb') },
  'model-missing': { text: 'copy the model folder into escher.search.localModelPath, or allow downloads with escher.search.allowRemoteModels', action: settings('escher.search') },
  'publish-private': { text: 'use "Escher: Publish…" and choose Upload for Review or Upload Trusted' },
  'accept-ai-first': { text: 'accept it first ("Escher: Accept"), then publish' },
  'parameters-inconsistent': { text: 'fix the parameter declarations in metadata.json or the {{placeholders}} in the scripts' },
  'disk-full': { text: 'free some space ("Escher: Evict Expired Scripts from Cache" frees part of the script cache), then try again; what was already stored is unchanged' },
  'home-not-writable': { text: 'set escher.home to a writable folder' },
  'offline-not-cached': { text: 'resolve it once while the server is reachable, to cache it' },
  'not-a-reviewer': { text: 'reviewing needs a reviewer token of this tenant: "Escher: Sign In as Reviewer…" stores one', action: { label: 'Sign In as Reviewer…', command: 'escher.signInReviewer' } },
  'self-review': { text: 'you published this version: another reviewer of your tenant decides on it' },
  'review-required': { text: 'ask a reviewer to approve it, or choose "Use Anyway…" and give the reason (it is logged)' },
  'preflight-errors': { text: 'the Problems panel lists every finding on the scripts, at its line', action: { label: 'Show Problems', command: 'workbench.actions.view.problems' } },
  'run-unreviewed': { text: 'ask a reviewer to approve it, or choose "Run Unreviewed…" in the run dialog and give the reason (it is recorded)' },
  'no-scripts': { text: 'add a script with "Escher: Edit as New Version"' },
  'entry-ambiguous': { text: 'run it from the script\'s own row in the explorer (or its editor title), or name it main.* or run.* at the top of its format folder' },
  'cwd-unusable': { text: 'runs use the first workspace folder: open a folder outside the playbook store (a run must never change a stored version)' },
};
