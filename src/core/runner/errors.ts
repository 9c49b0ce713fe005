import { EscherError } from '../shared/errors';

/** Preflight found errors, so the run was refused (override: --skip-preflight, recorded). */
export class PreflightError extends EscherError {
  constructor(message: string, options?: { hint?: string }) {
    super('PREFLIGHT', message, options);
  }
}

/** The playbook's last known review status is pending or rejected and no override reason was given. */
export class ReviewRequiredError extends EscherError {
  constructor(message: string, options?: { hint?: string }) {
    super('REVIEW', message, options);
  }
}
