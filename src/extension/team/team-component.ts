import type { PlaybookService } from '../../core/service';
import type { PlaybookConfig } from '../../core/shared/config';
import type { Logger } from '../../core/shared/logger';
import type { SecretStore } from '../../core/shared/secrets';
import type { CoreModule } from '../core-loader';
import type { ReviewCommandsHost } from '../review/review-commands';
import { ReviewQueueView } from '../review/review-queue-view';
import { ReviewerAccess } from '../review/reviewer-access';
import { teamSection } from './team-section';
import type { TreeSection } from '../tree/sections';
import { systemClock } from '../../core/shared/clock';
import { Debouncer } from '../util/debounce';
import { DisposableOwner } from '../util/disposable';
import type { TeamCommandsHost } from './team-commands';
import { TeamListing } from './team-listing';
import { serviceLibrarySource, serviceTeamSource } from './team-source';
import { LIBRARY_KIND } from './team-nodes';

export interface TeamComponentDeps {
  service(): Promise<PlaybookService>;
  config(): PlaybookConfig;
  secrets: SecretStore;
  core(): CoreModule;
  workspaceFolders(): string[];
  log: Logger;
}

/**
 * The team side of the extension (issue 13): the explorer's Team and Library sections (the team
 * catalog's and the Escher Library listing's playbooks, refreshed after each sync), the reviewer token and the Review Queue view, and what
 * their commands need. The container builds it once and tells it when the service or the store
 * changed and when a sync ended.
 */
export class TeamComponent extends DisposableOwner {
  readonly listing: TeamListing;
  readonly library: TeamListing;
  /** The explorer's Team and Library sections, in that order. */
  readonly sections: TreeSection[];
  readonly teamHost: TeamCommandsHost;
  readonly reviewHost: ReviewCommandsHost;
  private readonly queue: ReviewQueueView;
  /** A store change (a clone, an import) moves ids between the team and the user: re-read, at most once a second. */
  private readonly storeChanged = this._register(
    new Debouncer(systemClock, 1000, () => {
      for (const l of [this.listing, this.library]) if (l.current()) l.invalidate();
    }),
  );

  constructor(d: TeamComponentDeps) {
    super();
    const deps = { service: d.service, serverConfigured: () => d.config().serverUrl !== '', core: d.core, workspaceFolders: d.workspaceFolders, log: d.log };
    this.listing = this._register(new TeamListing(serviceTeamSource(deps)));
    this.library = this._register(new TeamListing(serviceLibrarySource(deps)));
    this.sections = [teamSection(this.listing), teamSection(this.library, LIBRARY_KIND)];
    const access = new ReviewerAccess(d.secrets, d.config, d.core);
    this.queue = this._register(new ReviewQueueView(access, (m) => d.log.warn(m)));
    this.teamHost = { listing: this.listing, library: this.library, core: d.core };
    this.reviewHost = { access, core: d.core, refreshQueue: () => this.queue.refresh(), setSignedIn: (s) => this.queue.setSignedIn(s) };
    void this.queue.syncContext().catch((e: unknown) => d.log.warn(`review queue: ${String(e)}`));
  }

  /** After every sync (background or Sync Now): the team catalog's feed (one request when nothing changed), and the queue. */
  afterSync(): void {
    void this.listing.refresh().catch(() => {});
    void this.library.refresh().catch(() => {});
    this.queue.refresh();
  }

  /** The store changed: ids it now holds leave the Team section. */
  onStoreChange(): void {
    this.storeChanged.trigger();
  }

  /** A new service (settings, sign-in): fetched again on the next draw. */
  onServiceReset(): void {
    this.listing.reset();
    this.library.reset();
    this.queue.refresh();
  }

  /** Another window or Sign Out removed or stored the reviewer token. */
  onReviewerTokenChange(): void {
    void this.queue.syncContext().then(() => this.queue.refresh());
  }
}
