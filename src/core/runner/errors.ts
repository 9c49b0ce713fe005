import { type ErrorOptions, EscherError } from '../shared/errors';

/** Preflight found errors, so the run was refused (override: --skip-preflight, recorded). */
export class PreflightError extends EscherError {
  constructor(message: string, options?: ErrorOptions) {
    super('PREFLIGHT', message, options);
  }
}

// Shared with the script manager, which refuses unreviewed team content the same way.
export { ReviewRequiredError } from '../shared/errors';
