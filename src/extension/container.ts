import * as vscode from 'vscode';
import { PlaybookService } from '../core/service';
import { type PlaybookConfig, resolveConfig } from '../core/shared/config';
import { MetadataCodeLensProvider } from './codelens/metadata-code-lens-provider';
import { registerCommands } from './commands/register-commands';
import type { CommandContext } from './commands/command-context';
import { configOverridesFromSettings, SERVICE_SETTINGS } from './settings';
import { PlaybookTreeModel } from './tree/playbook-tree-model';
import { PlaybookTreeProvider } from './tree/playbook-tree-provider';
import { VsCodeUi } from './ui/vscode-ui';
import { Disposable, type DisposableLike, toDisposable } from './util/disposable';
import { ChannelLogger, VsCodeSecretStore } from './vscode-hosts';
import { PlaybooksWatcher } from './watch/playbooks-watcher';

/**
 * The extension's composition root (GitLens style). Builds the explorer, commands, code lenses,
 * watcher and status bar at activation — all cheap — and the core PlaybookService only on first
 * use (a tree expand, a command, the first background sync). Owns every disposable; disposing
 * the container tears them down in reverse order, the service (and its sync timer) first.
 * A settings change under `escher.` rebuilds the service and whatever depends on its folders.
 */
export class Container extends Disposable {
  readonly logger: ChannelLogger;
  readonly secrets: VsCodeSecretStore;
  readonly ui = new VsCodeUi();
  readonly model: PlaybookTreeModel;
  readonly tree: PlaybookTreeProvider;
  private _config: PlaybookConfig;
  private _service: PlaybookService | undefined;
  private serviceScope: DisposableLike[] = [];
  private watcher: PlaybooksWatcher | undefined;
  private _signedIn = false;

  static create(context: vscode.ExtensionContext, channel: vscode.LogOutputChannel): Container {
    const c = new Container(context, channel);
    try {
      c.init(context);
    } catch (e) {
      c.dispose();
      throw e;
    }
    return c;
  }

  private constructor(
    readonly context: vscode.ExtensionContext,
    readonly channel: vscode.LogOutputChannel,
  ) {
    super();
    this.logger = new ChannelLogger(channel);
    this.secrets = new VsCodeSecretStore(context.secrets);
    this._config = this.readConfig();
    this.model = this._register(
      new PlaybookTreeModel({
        listPlaybooks: async () => (await this.service()).store.listPlaybooks(),
        getPlaybook: async (id, v) => (await this.service()).store.getPlaybook(id, v),
      }),
    );
    this.tree = this._register(new PlaybookTreeProvider(this.model, (e) => this.logger.error(`explorer: ${String(e)}`)));
  }

  private init(context: vscode.ExtensionContext): void {
    this._register(new MetadataCodeLensProvider(() => this._config.playbooksDir, this.model, () => this._signedIn));
    const ctx: CommandContext = { ui: this.ui, service: () => this.service(), log: this.logger };
    this._register(registerCommands(this, ctx));
    this.watchPlaybooks();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (SERVICE_SETTINGS.some((k) => e.affectsConfiguration(`escher.${k}`))) this.reconfigure();
      }),
    );
    this._register(
      context.secrets.onDidChange((e) => {
        if (e.key === 'escher.token') void this.refreshSignedIn();
      }),
    );
    // The service owns timers and file handles: it goes before everything registered above.
    this._register(toDisposable(() => this.disposeService()));
    void this.refreshSignedIn();
  }

  get config(): PlaybookConfig {
    return this._config;
  }

  get signedIn(): boolean {
    return this._signedIn;
  }

  /** The core service, built on first use from the current settings. */
  async service(): Promise<PlaybookService> {
    if (this.isDisposed) throw new Error('Escher Playbooks is shutting down');
    if (!this._service) {
      const svc = new PlaybookService(this._config, { secrets: this.secrets, logger: this.logger });
      this._service = svc;
      this.serviceScope.push(svc.store.onDidChange(() => this.model.invalidate()));
      this.logger.info(`service ready: playbooks in ${this._config.playbooksDir}${this._config.serverUrl ? `, server ${this._config.serverUrl}` : ', no server configured'}`);
    }
    return this._service;
  }

  refresh(): void {
    this.model.invalidate();
  }

  private readConfig(): PlaybookConfig {
    const settings = vscode.workspace.getConfiguration('escher');
    return resolveConfig(configOverridesFromSettings((key) => settings.get(key)));
  }

  private reconfigure(): void {
    const before = this._config;
    this._config = this.readConfig();
    this.logger.info('settings changed: rebuilding the service');
    this.disposeService();
    if (before.playbooksDir !== this._config.playbooksDir) this.watchPlaybooks();
    this.model.invalidate();
  }

  private watchPlaybooks(): void {
    this.watcher?.dispose();
    this.watcher = new PlaybooksWatcher(this._config.playbooksDir, () => this.onExternalChange());
  }

  /** Files changed under the playbooks folder (CLI, another window, a hand edit). */
  private onExternalChange(): void {
    this.model.invalidate();
  }

  private async refreshSignedIn(): Promise<void> {
    this._signedIn = (await this.secrets.get('escher.token')) !== undefined;
    await vscode.commands.executeCommand('setContext', 'escher.signedIn', this._signedIn);
  }

  private disposeService(): void {
    for (const d of this.serviceScope.splice(0).reverse()) d.dispose();
    this._service?.dispose();
    this._service = undefined;
  }

  override dispose(): void {
    this.watcher?.dispose();
    this.watcher = undefined;
    super.dispose();
  }
}
