import type { SecretStore } from '../../core/shared/secrets';
import type { UiHost } from '../ui/ui-host';

/** Sign Out: after a confirmation, the token leaves VS Code's SecretStorage; background sync stops. */
export async function signOutFlow(ui: UiHost, secrets: SecretStore): Promise<boolean> {
  const ok = await ui.confirm('Sign out of Escher?', { detail: 'The token is removed from this machine\'s secret storage; background sync stops.', confirm: 'Sign Out' });
  if (!ok) return false;
  await secrets.delete('escher.token');
  return true;
}

/** The Sign Out command: the flow, then a confirmation. */
export async function signOutCommand(ui: UiHost, secrets: SecretStore): Promise<boolean> {
  const signedOut = await signOutFlow(ui, secrets);
  if (signedOut) await ui.info('Signed out of Escher.');
  return signedOut;
}
