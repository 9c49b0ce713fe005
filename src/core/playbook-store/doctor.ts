import type { DataKeyProvider } from '../shared/crypto';
import type { Logger } from '../shared/logger';
import type { PlaybookCatalog } from './catalog';
import type { StoreLayout } from './layout';
import type { StoreLocks } from './store-lock';
import type { DoctorReport } from './types';

export interface DoctorDeps {
  layout: StoreLayout;
  locks: StoreLocks;
  keys: DataKeyProvider;
  catalog: PlaybookCatalog;
  logger: Logger;
}

export async function runDoctor(_deps: DoctorDeps, _options: { repair?: boolean }): Promise<DoctorReport> {
  return { checkedVersions: 0, issues: [] };
}
