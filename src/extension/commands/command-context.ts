import type { PlaybookService } from '../../core/service';
import type { Logger } from '../../core/shared/logger';
import type { UiHost } from '../ui/ui-host';

/**
 * What every command handler gets: the editor (as a UiHost), the core service (built on first
 * use), the log. Handlers are plain async functions over this, so the unit tests run them
 * against a real service on a temp home with scripted answers.
 */
export interface CommandContext {
  ui: UiHost;
  service(): Promise<PlaybookService>;
  log: Logger;
  /** The explorer, when there is one: shows and selects a playbook's row (after create, new version). */
  tree?: { reveal(playbookId: string): Promise<boolean> };
}
