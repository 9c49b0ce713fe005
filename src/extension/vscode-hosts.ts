import type * as vscode from 'vscode';
import { type Logger, redact } from '../core/shared/logger';
import type { SecretKey, SecretStore } from '../core/shared/secrets';

/**
 * The core's Logger on the extension's log output channel; everything passes through redact().
 * Work that finishes while the window reloads (a sync, a search) may log after the channel is
 * disposed: VS Code then throws "Channel has been closed", which would surface as an error of its
 * own. Such late lines are dropped.
 */
export class ChannelLogger implements Logger {
  private closed = false;

  constructor(private readonly channel: vscode.LogOutputChannel) {}

  /** The channel is going away: later lines are dropped. */
  close(): void {
    this.closed = true;
  }

  debug(message: string): void {
    this.write(() => this.channel.debug(redact(message)));
  }
  info(message: string): void {
    this.write(() => this.channel.info(redact(message)));
  }
  warn(message: string): void {
    this.write(() => this.channel.warn(redact(message)));
  }
  error(message: string): void {
    this.write(() => this.channel.error(redact(message)));
  }

  private write(line: () => void): void {
    if (this.closed) return;
    try {
      line();
    } catch {
      this.closed = true;
    }
  }
}

/**
 * The core's SecretStore on VS Code's SecretStorage (OS keychain on desktop).
 *
 * The data key that encrypts sensitive values belongs to the store on disk, which the CLI may
 * share: when SecretStorage has none, the CLI's (`ESCHER_KEY` or `$ESCHER_HOME/secrets.json`) is
 * used, so playbooks encrypted by the CLI open in the editor. A key created here stays in
 * SecretStorage (the CLI then needs ESCHER_KEY; its error says so).
 */
export class VsCodeSecretStore implements SecretStore {
  constructor(
    private readonly storage: vscode.SecretStorage,
    private readonly cliStore: () => SecretStore | undefined = () => undefined,
  ) {}
  async get(key: SecretKey): Promise<string | undefined> {
    const own = (await this.storage.get(key)) ?? undefined;
    if (own !== undefined || key !== 'escher.dataKey') return own;
    return this.cliStore()?.get(key).catch(() => undefined);
  }
  async set(key: SecretKey, value: string): Promise<void> {
    await this.storage.store(key, value);
  }
  async delete(key: SecretKey): Promise<void> {
    await this.storage.delete(key);
  }
}
