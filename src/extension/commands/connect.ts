import type { ConnectionCheck, ConnectionField, ConnectionInput } from '../../core/escher-api/verify-connection';
import { assertSafeServerUrl } from '../../core/escher-api/url-safety';
import type { HintCode } from '../../core/shared/hint-codes';
import type { Logger } from '../../core/shared/logger';
import { PLAYBOOK_ID } from '../../core/shared/safe-path';
import type { SecretStore } from '../../core/shared/secrets';
import type { UiHost } from '../ui/ui-host';
import { describe } from './error-actions';

/** What Connect and Sign In need from the extension (the container provides it). */
export interface ConnectionHost {
  ui: UiHost;
  /** The token's home: VS Code's SecretStorage. */
  secrets: SecretStore;
  log: Logger;
  /** The server and tenant in effect now (settings, environment, config.json); '' when none. */
  current(): { serverUrl: string; tenantId: string };
  /** The core's one-request check (src/core/escher-api/verify-connection.ts). */
  verify(input: ConnectionInput): Promise<ConnectionCheck>;
  /** Called once the checked token is stored: the connection state, the status bar and a first sync follow. */
  connected(): Promise<void>;
}

/** Why a check failed, as the sentence after "Not connected: ". */
const REASONS: Partial<Record<HintCode, (i: ConnectionInput) => string>> = {
  'token-rejected': () => 'the server rejected the token. Paste a valid one.',
  'tenant-mismatch': (i) => `the token is not valid for tenant "${i.tenantId}": the tenant does not exist, or the token belongs to another one.`,
  'invalid-tenant': () => 'tenant ids are lower-case letters, digits and single hyphens.',
  'token-missing': () => 'the token is empty.',
  'server-unreachable': (i) => `nothing answers at ${i.serverUrl}. Check the URL and your network.`,
  'server-timeout': (i) => `${i.serverUrl} did not answer in time.`,
  'tls-untrusted': (i) => `the TLS certificate of ${i.serverUrl} is not trusted on this machine.`,
  'https-required': () => 'plain http only reaches this machine (127.0.0.1, ::1, localhost): use https://.',
  'invalid-server-url': () => 'that is not a server URL; use one such as https://escher.example.com.',
  'credentials-in-url': () => 'the URL must not carry a user or password; the token is asked for separately.',
  'server-redirect': () => 'the server redirects elsewhere; use the final https address.',
  'server-error': (i) => `${i.serverUrl} failed to answer (a server error). Try again later.`,
  'not-escher-server': (i) => `what answers at ${i.serverUrl} is not an Escher server.`,
};

const TITLE = 'Connect to Escher';

/**
 * Connect to Escher…: server URL, tenant and token in one guided input, checked with one request
 * (GET /api/session) before anything is saved or anything says "connected". A failure names the
 * input at fault and why (unreachable, https required, unknown tenant, token rejected) and offers
 * Try Again, reopening the steps with what was typed. On success the URL and tenant go to the
 * user's settings (application scope: the User tab, local and remote windows alike; a workspace
 * cannot change them) when they differ from what is in effect, and the token to SecretStorage.
 */
export async function connectFlow(host: ConnectionHost, typed: Partial<ConnectionInput> = {}): Promise<boolean> {
  const { ui } = host;
  const now = host.current();
  const field = (n: number, prompt: string, placeholder: string, value: string, validate: (v: string) => string | undefined) =>
    ui.input({ title: TITLE, step: [n, 3], prompt, placeholder, value, validate });
  const serverUrl = await field(1, 'Escher server URL', 'https://escher.example.com', typed.serverUrl ?? now.serverUrl, urlProblem);
  if (serverUrl === undefined) return false;
  const tenantId = await field(2, 'Tenant id (as your Escher administrator gave it)', 'e.g. acme', typed.tenantId ?? now.tenantId, tenantProblem);
  if (tenantId === undefined) return false;
  const token = await askToken(ui, { title: TITLE, step: [3, 3], tenantId: tenantId.trim(), value: typed.token });
  if (token === undefined) return false;
  // The box refused a URL that cannot work: this normalises it ("https://x/" → "https://x").
  return check(host, { serverUrl: assertSafeServerUrl(serverUrl.trim()), tenantId: tenantId.trim(), token });
}

/**
 * Sign In…: with a server and tenant in effect, only the token is asked (and checked the same
 * way); without them, the whole Connect flow.
 */
export async function signInFlow(host: ConnectionHost): Promise<boolean> {
  const { serverUrl, tenantId } = host.current();
  if (!serverUrl || !tenantId) return connectFlow(host);
  const token = await askToken(host.ui, { title: `Sign In to ${serverUrl}`, tenantId });
  if (token === undefined) return false;
  return check(host, { serverUrl, tenantId, token });
}

async function askToken(ui: UiHost, o: { title: string; step?: [number, number]; tenantId: string; value?: string }): Promise<string | undefined> {
  const token = await ui.input({
    title: o.title,
    ...(o.step ? { step: o.step } : {}),
    prompt: `Escher token for tenant "${o.tenantId}". It is kept in VS Code's secret storage, never in settings.`,
    password: true,
    ...(o.value !== undefined ? { value: o.value } : {}),
    validate: (v) => (v.trim() === '' ? 'The token is empty' : /\s/.test(v.trim()) ? 'A token has no spaces' : undefined),
  });
  return token?.trim();
}

async function check(host: ConnectionHost, input: ConnectionInput): Promise<boolean> {
  const { ui } = host;
  const result = await ui.withProgress(`Checking ${input.serverUrl} for tenant "${input.tenantId}"…`, () => host.verify(input));
  if (!result.ok) {
    host.log.warn(`connect to ${input.serverUrl} as ${input.tenantId} failed (${result.field}: ${result.reason}): ${result.detail}`);
    const sentence = REASONS[result.reason]?.(input) ?? `${result.detail}.`;
    const choice = await ui.error(`Not connected: ${sentence}`, 'Try Again');
    // Nothing was saved. Try Again reopens the steps with what was typed, the token only when it was not the problem.
    if (choice === 'Try Again') return connectFlow(host, retryValues(input, result.field));
    return false;
  }
  const now = host.current();
  const changed: Record<string, string> = {};
  if (result.serverUrl !== now.serverUrl) changed['server.url'] = result.serverUrl;
  if (result.tenantId !== now.tenantId) changed.tenantId = result.tenantId;
  try {
    if (Object.keys(changed).length > 0) await ui.updateSettings(changed);
    await host.secrets.set('escher.token', input.token);
  } catch (e) {
    await ui.error(`Connected, but the connection could not be saved: ${describe(e)}`);
    return false;
  }
  host.log.info(`connected to ${result.serverUrl} as tenant ${result.tenantId} (server ${result.serverVersion})`);
  await host.connected();
  void ui.info(`Connected to ${result.serverUrl} as tenant "${result.tenantId}".`);
  return true;
}

function retryValues(input: ConnectionInput, field: ConnectionField): Partial<ConnectionInput> {
  return field === 'token' ? { serverUrl: input.serverUrl, tenantId: input.tenantId } : input;
}

/** The URL checks that need no request: shape, no credentials, https unless it is this machine. */
export function urlProblem(v: string): string | undefined {
  if (v.trim() === '') return 'The server URL is required, e.g. https://escher.example.com';
  try {
    assertSafeServerUrl(v.trim());
    return undefined;
  } catch (e) {
    return describe(e);
  }
}

function tenantProblem(v: string): string | undefined {
  if (v.trim() === '') return 'The tenant id is required';
  return PLAYBOOK_ID.test(v.trim()) ? undefined : 'Tenant ids are lower-case letters, digits and single hyphens';
}
