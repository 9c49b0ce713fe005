import * as vscode from 'vscode';
import type { PlaybookService } from '../core/service';
import type { PlaybookConfig } from '../core/shared/config';
import { HOME_CONFIG_FILE } from '../core/shared/home-config';
import { loadCore } from './core-loader';
import { MetadataCodeLensProvider } from './codelens/metadata-code-lens-provider';
import { registerCommands } from './commands/register-commands';
import type { CommandContext } from './commands/command-context';
import type { ConnectionHost } from './commands/connect';
import { groupBySetting, resolveExtensionConfig, SERVICE_SETTINGS } from './settings';
import { onBackgroundSyncEvent, type SyncDisplay } from './commands/sync';
import { ConnectionState } from './connection/connection-state';
import { openWalkthroughOnFirstRun } from './connection/first-run';
import { SearchIndexUse } from './search/search-index-use';
import { SyncStatusBar } from './status/sync-status-bar';
import { PlaybookTreeModel } from './tree/playbook-tree-model';
import { registerPlaybookDecorations } from './tree/playbook-decorations';
import { playbooksSection } from './tree/sections';
import { syncStatesFrom } from './tree/sync-states';
import { PlaybookTreeProvider } from './tree/playbook-tree-provider';
import { VsCodeUi } from './ui/vscode-ui';
import { systemClock } from '../core/shared/clock';
import { Debouncer } from './util/debounce';
import { DisposableOwner } from './util/disposable';
import { type Disposable, toDisposable } from '../core/shared/disposable';
import { watchFolder } from '../core/shared/folder-watch';
import { ChannelLogger, VsCodeSecretStore } from './vscode-hosts';
import { PlaybooksWatcher } from './watch/playbooks-watcher';
import { RunsComponent } from './runs/runs-component';
import { PlaceholderDecorations } from './highlight/placeholder-decorations';
import { markStoreReadOnly } from './watch/read-only-store';
import { followMovedPlaybook } from './watch/editors-follow-moves';
import { InvalidMetadataRegistry } from './diagnostics/invalid-metadata-registry';
import { MetadataDiagnostics } from './diagnostics/metadata-diagnostics';
import { TeamComponent } from './team/team-component';

/**
 * The extension's composition root (GitLens style). Builds the explorer, commands, code lenses,
 * watchers and status bar at activation — all cheap — and the core PlaybookService only on first
 * use (a tree expand, a command, the first background sync). Owns every disposable; disposing
 * the container tears them down in reverse order, the service (and its sync timer) first.
 * A change of the `escher.` settings, or of the config.json `escher-playbook login` writes,
 * rebuilds the service and whatever depends on its folders.
 */
export class Container extends DisposableOwner {
  readonly logger: ChannelLogger;
  readonly secrets: VsCodeSecretStore;
  readonly ui = this._register(new VsCodeUi());
  readonly model: PlaybookTreeModel;
  readonly tree: PlaybookTreeProvider;
  readonly statusBar: SyncStatusBar;
  readonly invalidMetadata: InvalidMetadataRegistry;
  readonly runs: RunsComponent;
  readonly connection: ConnectionState;
  readonly team: TeamComponent;
  private readonly ctx: CommandContext;
  private readonly searchIndex: SearchIndexUse;
  private readonly syncDisplay: SyncDisplay;
  private _config: PlaybookConfig;
  /** The last config.json problem shown, so one broken file is reported once, not on every re-read. */
  private configProblem: string | undefined;
  private _service: PlaybookService | undefined;
  private serviceScope: Disposable[] = [];
  private watchers: Disposable[] = [];

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
    this._config = this.readConfig();
    // The CLI's secrets file is only read for a data key SecretStorage lacks: loaded with the core.
    this.secrets = new VsCodeSecretStore(context.secrets, () => new (loadCore().FileSecretStore)(this._config.home));
    this.connection = this._register(new ConnectionState(context.secrets));
    // The core's own validator, so the problems shown are exactly why the store skips a file.
    this.invalidMetadata = this._register(new InvalidMetadataRegistry(() => this._config.playbooksDir, () => loadCore(), (m) => this.logger.warn(m)));
    this.model = this._register(
      new PlaybookTreeModel(
        {
          listPlaybooks: async () => (await this.service()).store.listPlaybooks(),
          getPlaybook: async (id, v) => (await this.service()).store.getPlaybook(id, v),
          findModifiedFiles: async (pb) => (await this.service()).store.findModifiedFiles(pb),
          // Sync state is only worth a read when a server is configured (it reads last_sync.json).
          syncStates: async () => {
            if (!this._config.serverUrl) return new Map();
            return syncStatesFrom(await (await this.service()).publisher.syncViews());
          },
        },
        this.invalidMetadata,
      ),
    );
    this.team = this._register(
      new TeamComponent({ service: () => this.service(), config: () => this._config, secrets: this.secrets, core: loadCore, workspaceFolders: () => this.ui.workspaceFolders(), log: this.logger }),
    );
    this.tree = this._register(new PlaybookTreeProvider(this.model, [playbooksSection(this.model), ...this.team.sections], (e) => this.logger.error(`explorer: ${String(e)}`)));
    this.statusBar = this._register(
      new SyncStatusBar(
        () => ({ visible: this._config.serverUrl !== '', signedIn: this.connection.signedIn, tokenRejected: this.connection.tokenRejected, running: this._service?.publisher.backgroundRunning ?? false }),
        async () => (await this.service()).publisher.status(),
      ),
    );
    this.runs = this._register(new RunsComponent(() => this.service(), () => this._config.home, () => this._config.playbooksDir, (m) => this.logger.error(m)));
    this.ctx = { ui: this.ui, service: () => this.service(), log: this.logger, tree: { reveal: (id) => this.tree.reveal(id) } };
    this.searchIndex = new SearchIndexUse(() => this.service(), () => this._service, this.logger);
    this.syncDisplay = {
      setSyncing: (syncing) => this.statusBar.setSyncing(syncing),
      update: () => this.statusBar.update(),
      refresh: () => {
        this.model.invalidate();
        this.team.afterSync();
      },
      tokenRejected: () => void this.connection.setRejected(true).then(() => this.statusBar.update()),
    };
  }

  private init(context: vscode.ExtensionContext): void {
    this.applyGroupBy();
    this._register(registerPlaybookDecorations());
    this._register(new MetadataDiagnostics(this.invalidMetadata, () => this._config.playbooksDir));
    this._register(new PlaceholderDecorations(() => this._config.playbooksDir, this.model.onDidChangeData));
    this._register(new MetadataCodeLensProvider(() => this._config.playbooksDir, this.model, () => this.connection.signedIn, (m) => this.logger.debug(m)));
    this._register(
      registerCommands({
        ctx: this.ctx,
        secrets: this.secrets,
        syncDisplay: this.syncDisplay,
        searchIndex: this.searchIndex,
        runs: this.runs,
        refreshRuns: () => this.runs.refresh(),
        team: this.team.teamHost,
        review: this.team.reviewHost,
        connection: this.connectionHost(),
        searchDebounceMs: () => vscode.workspace.getConfiguration('escher').get<number>('search.debounceMs', 150),
        selected: () => this.tree.selected(),
        setGroupBy: (g) => this.ui.updateSettings({ 'explorer.groupBy': g }),
        refresh: () => this.reconfigure(),
        showLog: () => this.channel.show(),
      }),
    );
    const statusRefresh = this._register(new Debouncer(systemClock, 1000, () => void this.statusBar.update()));
    this._register(this.model.onDidChangeData(() => statusRefresh.trigger()));
    this._register(this.model.onDidChangeData(() => this.team.onStoreChange()));
    this.watchFiles();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('escher.explorer.groupBy')) this.applyGroupBy();
        if (SERVICE_SETTINGS.some((k) => e.affectsConfiguration(`escher.${k}`))) this.reconfigure();
      }),
    );
    this._register(
      context.secrets.onDidChange((e) => {
        if (e.key === 'escher.reviewerToken') this.team.onReviewerTokenChange();
        if (e.key !== 'escher.token') return;
        // The server client holds the token it was built with: rebuild the service around the new one.
        this.disposeService();
        void this.connection.refresh().then(() => {
          this.model.invalidate();
          this.startBackgroundSync();
        });
      }),
    );
    // The service owns timers and file handles: it goes before everything registered above.
    this._register(toDisposable(() => this.disposeService()));
    void openWalkthroughOnFirstRun(context).then(
      (opened) => opened && this.logger.info('first run: opened the walkthrough'),
      (e: unknown) => this.logger.warn(`walkthrough: ${String(e)}`),
    );
    // Background sync starts a few seconds after activation, never during it: activation stays a
    // handful of registrations and the core bundle loads once the window has settled.
    const signedIn = this.connection.refresh();
    const t = setTimeout(() => void signedIn.then(() => this.startBackgroundSync()), 3000);
    this._register(toDisposable(() => clearTimeout(t)));
  }

  /** The explorer's grouping from its setting, and the context key its title-bar toggle reads. */
  private applyGroupBy(): void {
    const groupBy = groupBySetting((k) => vscode.workspace.getConfiguration('escher').get(k));
    this.model.setGroupBy(groupBy);
    void vscode.commands.executeCommand('setContext', 'escher.groupBy', groupBy);
  }

  /** Connect and Sign In: checked by the core, saved by the flow, then this window follows. */
  private connectionHost(): ConnectionHost {
    return {
      ui: this.ui,
      secrets: this.secrets,
      log: this.logger,
      current: () => ({ serverUrl: this._config.serverUrl, tenantId: this._config.tenantId }),
      verify: (input) => loadCore().verifyConnection(input),
      connected: async () => {
        // Settings written by the flow may not have reached us as an event yet: read them now.
        this.reconfigure();
        this.disposeService();
        await this.connection.setRejected(false);
        await this.connection.refresh();
        this.startBackgroundSync();
      },
    };
  }

  /**
   * The seed's background sync in the activation context: on the configured interval and
   * shortly after each change, when sync is enabled, a server is set and the user is signed in.
   * Stopped with the service (settings change, sign-out, deactivate).
   */
  private startBackgroundSync(): void {
    if (this.isDisposed || !this._config.syncEnabled || !this._config.serverUrl || !this.connection.connected) {
      void this.statusBar.update();
      return;
    }
    void this.service()
      .then((svc) => {
        const started = svc.publisher.startBackgroundSync((e) => {
          onBackgroundSyncEvent(this.ctx, e, this.syncDisplay).catch((err: unknown) => this.logger.warn(`background sync notice: ${String(err)}`));
          if (e.type === 'synced') this.team.afterSync();
        });
        if (started) this.logger.info(`background sync every ${this._config.syncIntervalMinutes} min`);
        return this.statusBar.update();
      })
      .catch((e: unknown) => this.logger.error(`background sync could not start: ${String(e)}`));
  }

  get config(): PlaybookConfig {
    return this._config;
  }

  /** The core service, built on first use from the current settings. */
  async service(): Promise<PlaybookService> {
    if (this.isDisposed) throw new Error('Escher Playbooks is shutting down');
    if (!this._service) {
      const svc = new (loadCore().PlaybookService)(this._config, { secrets: this.secrets, logger: this.logger });
      this._service = svc;
      this.serviceScope.push(
        svc.store.onDidChange((change) => {
          this.model.invalidate();
          if (change.kind === 'moved') void followMovedPlaybook(change, this._config.playbooksDir, (m) => this.logger.warn(m));
        }),
      );
      this.logger.info(`service ready: playbooks in ${this._config.playbooksDir}${this._config.serverUrl ? `, server ${this._config.serverUrl}` : ', no server configured'}`);
    }
    return this._service;
  }

  private readConfig(): PlaybookConfig {
    const settings = vscode.workspace.getConfiguration('escher');
    const { config, problem } = resolveExtensionConfig((key) => settings.get(key));
    if (problem !== undefined && problem !== this.configProblem) {
      this.logger.warn(`ignoring the saved server settings: ${problem}`);
      void this.ui.warn(`Escher ignores the server saved in config.json by the command line: ${problem}.`);
    }
    this.configProblem = problem;
    return config;
  }

  /**
   * Settings or config.json changed (or the user asked to refresh): re-read them; when the result
   * differs, rebuild the service (and the file watchers when the folders moved). Always re-lists.
   */
  private reconfigure(): void {
    const before = this._config;
    this._config = this.readConfig();
    if (JSON.stringify(before) !== JSON.stringify(this._config)) {
      this.logger.info('settings changed: rebuilding the service');
      this.disposeService();
      if (before.playbooksDir !== this._config.playbooksDir) this.invalidMetadata.clear();
      if (before.playbooksDir !== this._config.playbooksDir || before.home !== this._config.home) {
        this.watchFiles();
        this.runs.reconfigured();
      }
      this.startBackgroundSync();
    }
    this.model.invalidate();
  }

  /** Watches the playbooks folder (edits from the CLI, another window, by hand) and config.json (`login`), existing or not yet. */
  private watchFiles(): void {
    for (const w of this.watchers.splice(0)) w.dispose();
    void markStoreReadOnly(this._config.playbooksDir, this.logger);
    this.watchers.push(new PlaybooksWatcher(this._config.playbooksDir, (files) => this.onExternalChange(files)));
    const configChanged = new Debouncer(systemClock, 300, () => this.reconfigure());
    const trigger = () => configChanged.trigger();
    this.watchers.push(
      configChanged,
      watchFolder(this._config.home, (name) => {
        if (name === null || name === HOME_CONFIG_FILE) trigger();
      }),
    );
  }

  /** Files changed under the playbooks folder (CLI, another window, a hand edit). */
  private onExternalChange(metadataFiles: ReadonlySet<string>): void {
    // Diagnostics for the metadata.json files that changed; the re-listing below finds the
    // playbooks the store now skips (and drops the rows of fixed ones).
    if (metadataFiles.size > 0) void this.invalidMetadata.check(metadataFiles);
    this.model.invalidate();
    void this.searchIndex.afterOutsideChange();
  }

  private disposeService(): void {
    for (const d of this.serviceScope.splice(0).reverse()) d.dispose();
    this._service?.dispose();
    this._service = undefined;
    this.team.onServiceReset();
  }

  override dispose(): void {
    for (const w of this.watchers.splice(0).reverse()) w.dispose();
    super.dispose();
    this.logger.close();
  }
}
