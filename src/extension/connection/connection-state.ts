import * as vscode from 'vscode';
import { DisposableOwner } from '../util/disposable';

/**
 * Whether this window is connected to Escher: a token in SecretStorage (`escher.signedIn`) that
 * the server has not rejected (`escher.connected`). Both are context keys: the palette and the
 * view menu offer Sign In whenever the window is not connected — also when a token is stored but
 * the server said 401 — and Sign Out whenever a token is stored.
 */
export class ConnectionState extends DisposableOwner {
  private _signedIn = false;
  private _rejected = false;

  constructor(private readonly secrets: vscode.SecretStorage) {
    super();
  }

  get signedIn(): boolean {
    return this._signedIn;
  }

  /** The server rejected the stored token since it was stored. */
  get tokenRejected(): boolean {
    return this._rejected;
  }

  get connected(): boolean {
    return this._signedIn && !this._rejected;
  }

  /** Re-reads the token's presence (after a sign-in, a sign-out, or another window's change). */
  async refresh(): Promise<void> {
    this._signedIn = (await this.secrets.get('escher.token')) !== undefined;
    await this.publish();
  }

  /** A sync or a check got 401 (true), or a new token was checked (false). */
  async setRejected(rejected: boolean): Promise<void> {
    this._rejected = rejected;
    await this.publish();
  }

  private async publish(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'escher.signedIn', this._signedIn);
    await vscode.commands.executeCommand('setContext', 'escher.connected', this.connected);
  }
}
