import { envName, parameterText } from '../playbook-store/parameter-values';
import type { ResolvedValue } from './types';

/**
 * The environment a run's commands get: the caller's, without Escher's own secrets (a playbook
 * has no business with the tenant token or the data key) and without ESCHER_PARAM_* variables
 * inherited from elsewhere; plus ESCHER_PARAM_<NAME> for every parameter (empty when it has no
 * value) and ESCHER_RUN_ID, ESCHER_RUN_DIR, ESCHER_PLAYBOOK_ID, ESCHER_PLAYBOOK_VERSION.
 */
const WITHHELD = new Set(['ESCHER_TOKEN', 'ESCHER_KEY', 'ESCHER_QDRANT_API_KEY']);

export function runEnvironment(base: NodeJS.ProcessEnv, values: readonly ResolvedValue[], extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) if (!WITHHELD.has(k) && !k.startsWith('ESCHER_PARAM_') && v !== undefined) env[k] = v;
  for (const v of values) env[envName(v.spec.name)] = v.value === undefined ? '' : parameterText(v.spec, v.value);
  return { ...env, ...extra };
}

/** The texts to mask in output and logs: every sensitive value, as text and as JSON (how programs echo them). */
export function sensitiveTexts(values: readonly ResolvedValue[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (!v.spec.sensitive || v.value === undefined) continue;
    const text = parameterText(v.spec, v.value);
    out.push(text, JSON.stringify(text).slice(1, -1));
  }
  return out.filter((t) => t.length > 0);
}
