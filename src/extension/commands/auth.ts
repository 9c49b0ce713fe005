import type { SecretStore } from '../../core/shared/secrets';
import type { UiHost } from '../ui/ui-host';

/**
 * The tenant token lives in VS Code's SecretStorage (`escher.token`), never in settings or logs.
 * Sign In asks for it in a password box; Sign Out deletes it.
 */
export async function signInFlow(ui: UiHost, secrets: SecretStore, serverUrl: string): Promise<boolean> {
  if (!serverUrl) {
    const choice = await ui.warn('Set escher.server.url (and escher.tenantId) before signing in.', 'Open Settings');
    if (choice === 'Open Settings') await ui.executeCommand('workbench.action.openSettings', 'escher.server');
    return false;
  }
  const token = await ui.input({
    title: `Sign In to ${serverUrl}`,
    prompt: 'Paste your Escher tenant token. It is kept in VS Code\'s secret storage.',
    password: true,
    validate: (v) => (v.trim() === '' ? 'The token is empty' : /\s/.test(v.trim()) ? 'A token has no spaces' : undefined),
  });
  if (token === undefined) return false;
  await secrets.set('escher.token', token.trim());
  return true;
}

export async function signOutFlow(ui: UiHost, secrets: SecretStore): Promise<boolean> {
  const ok = await ui.confirm('Sign out of Escher?', { detail: 'The token is removed from this machine\'s secret storage; background sync stops.', confirm: 'Sign Out' });
  if (!ok) return false;
  await secrets.delete('escher.token');
  return true;
}

/** The Sign In command: the flow, then a confirmation naming the server. */
export async function signInCommand(ui: UiHost, secrets: SecretStore, serverUrl: string): Promise<boolean> {
  const signedIn = await signInFlow(ui, secrets, serverUrl);
  if (signedIn) await ui.info(`Signed in to ${serverUrl}.`);
  return signedIn;
}

/** The Sign Out command: the flow, then a confirmation. */
export async function signOutCommand(ui: UiHost, secrets: SecretStore): Promise<boolean> {
  const signedOut = await signOutFlow(ui, secrets);
  if (signedOut) await ui.info('Signed out of Escher.');
  return signedOut;
}
