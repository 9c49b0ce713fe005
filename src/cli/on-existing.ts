import { InvalidArgumentError, Option } from 'commander';
import type { CreateResult } from '../core/playbook-store/bulk-create';
import type { OnExisting } from '../core/playbook-store/on-existing';

export const ON_EXISTING: readonly OnExisting[] = ['skip', 'new-version', 'copy'];

/**
 * `--on-existing skip|new-version|copy` for `create` and `import`. The default is skip: it loses
 * nothing (the existing playbook is untouched, the input is still in its file) and surprises
 * least (re-running an import changes nothing; a name that happens to match an unrelated playbook
 * never stacks a foreign version on it).
 */
export function onExistingOption(): Option {
  return new Option('--on-existing <what>', 'when the playbook is already there (same id, or same name): skip (default) leaves it as it is, new-version adds this as its next version, copy creates a separate playbook beside it')
    .default('skip')
    .argParser((v: string) => {
      if (!(ON_EXISTING as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${ON_EXISTING.join(', ')}`);
      return v as OnExisting;
    });
}

/** "<id> v<version> (<area>)" of a result's playbook. */
export function shown(r: Extract<CreateResult, { ok: true }>): string {
  const m = r.playbook.metadata;
  return `${m.playbook_id} v${m.version} (${r.playbook.area})`;
}

/** What happened to one input, for a person: "" for a plain create (the caller says that its own way). */
export function describeOutcome(r: Extract<CreateResult, { ok: true }>): string {
  const sync = r.playbook.area === 'synced' ? '; the next sync publishes it' : '';
  switch (r.outcome) {
    case 'created':
      return `created ${shown(r)}`;
    case 'copied':
      return `created ${shown(r)} beside "${r.existing}", which is already there (a separate copy)`;
    case 'new-version':
      return `added ${shown(r)} as the next version of the existing playbook${sync}`;
    case 'skipped':
      return r.identical
        ? `skipped: ${shown(r)} already holds exactly this`
        : `skipped: ${shown(r)} is already there with other content (--on-existing new-version adds this as its next version, copy creates a separate playbook)`;
  }
}
