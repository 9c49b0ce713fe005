import * as path from 'node:path';
import type { Logger } from '../shared/logger';
import type { StoreLayout } from './layout';
import { AREAS } from './metadata';
import { listIds, scanPlaybook } from './scan';
import type { PlaybookSummary } from './types';

/** Listing of every playbook. (First cut: a full scan; the verified on-disk catalog replaces it.) */
export class PlaybookCatalog {
  constructor(
    private readonly layout: StoreLayout,
    private readonly logger: Logger,
  ) {}

  invalidate(): void {}

  async list(): Promise<PlaybookSummary[]> {
    const out: PlaybookSummary[] = [];
    for (const area of AREAS) {
      const areaDir = this.layout.areaDir(area);
      for (const id of await listIds(areaDir)) {
        const s = await scanPlaybook(area, path.join(areaDir, id), id, (file, e) => this.logger.warn(`skipping ${file}: ${e instanceof Error ? e.message : String(e)}`));
        if (s) out.push(s);
      }
    }
    return out.sort((a, b) => (a.playbook_id < b.playbook_id ? -1 : a.playbook_id > b.playbook_id ? 1 : 0));
  }
}
