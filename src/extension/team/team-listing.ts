import { DisposableOwner } from '../util/disposable';
import { Emitter, type Event } from '../util/event';
import type { TeamRow } from './team-rows';

/** What the Team section needs from the core (the container adapts the service's team catalog). */
export interface TeamSource {
  /** Whether a server is configured: without one there is no team to show. */
  configured(): boolean;
  /** The last-known team playbooks (disk only, no network), sorted by name. */
  rows(): Promise<TeamRow[]>;
  /** Brings the catalog up to date from the server's changes feed (one request when nothing changed). */
  refresh(): Promise<{ online: boolean; changed: number; error?: string }>;
}

/**
 * The Team section's data: the team catalog's rows, read once per change and kept, plus whether
 * the last refresh reached the server. The first read happens in the background, so the explorer
 * draws its first level at once however large the tenant; refreshes never overlap.
 */
export class TeamListing extends DisposableOwner {
  private snapshot: Promise<TeamRow[]> | undefined;
  private loaded: TeamRow[] | undefined;
  private inFlight: Promise<void> | undefined;
  private fetched = false;
  private _offline: string | undefined;
  private readonly _onDidChange = this._register(new Emitter<void>());
  readonly onDidChange: Event<void> = this._onDidChange.event;

  constructor(private readonly source: TeamSource) {
    super();
  }

  get configured(): boolean {
    return this.source.configured();
  }

  /** Why the last refresh could not reach the server (the rows are then the last-known ones). */
  get offline(): string | undefined {
    return this._offline;
  }

  /** The rows when already read (the section's count); undefined while the first read runs. */
  current(): readonly TeamRow[] | undefined {
    return this.loaded;
  }

  rows(): Promise<TeamRow[]> {
    if (!this.snapshot) {
      const p = this.source.rows().then((rows) => {
        if (this.snapshot === p) this.loaded = rows;
        return rows;
      });
      this.snapshot = p;
      p.catch(() => {
        if (this.snapshot === p) this.snapshot = undefined;
      });
    }
    return this.snapshot;
  }

  async get(playbookId: string): Promise<TeamRow | undefined> {
    return (await this.rows()).find((r) => r.playbookId === playbookId);
  }

  /** Re-reads on the next ask (the store changed: an id cloned here leaves the team list). */
  invalidate(): void {
    this.snapshot = undefined;
    this._onDidChange.fire();
  }

  /** The first refresh after the service was built (the section's first draw asks for it). */
  ensureFetched(): void {
    if (!this.fetched && this.configured) void this.refresh().catch(() => {});
  }

  /** After a sync, Refresh, or the first draw: one refresh at a time; a change re-draws the section. */
  refresh(): Promise<void> {
    this.inFlight ??= this.doRefresh().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** The rows read since the section was last drawn: draw it again (its count). */
  redraw(): void {
    this._onDidChange.fire();
  }

  /** A new service (settings, sign-in): the next draw fetches again. */
  reset(): void {
    this.fetched = false;
    this._offline = undefined;
    this.loaded = undefined;
    this.invalidate();
  }

  private async doRefresh(): Promise<void> {
    if (!this.configured) return;
    this.fetched = true;
    const r = await this.source.refresh();
    const offline = r.online ? undefined : (r.error ?? 'the server could not be reached');
    const wasOffline = this._offline;
    this._offline = offline;
    if (r.changed > 0 || wasOffline !== offline) this.invalidate();
  }
}
