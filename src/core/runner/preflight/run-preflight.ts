import type { ScriptFormat } from '../../playbook-store/metadata';
import { armPreflight } from './arm';
import type { PreflightInput, PreflightOutput } from './preflight-types';
import { pythonPreflight } from './python';
import { shellPreflight } from './shell';
import { terraformPreflight } from './terraform';

/** The checks of one format, on its files as rendered into the run folder (what will really run). */
export async function runPreflight(format: ScriptFormat, input: PreflightInput): Promise<PreflightOutput> {
  switch (format) {
    case 'shell':
      return shellPreflight(input);
    case 'python':
      return pythonPreflight(input);
    case 'terraform':
      return terraformPreflight(input);
    case 'cloudformation': {
      const { cloudFormationPreflight } = await import('./cloudformation.js');
      return cloudFormationPreflight(input);
    }
    case 'arm':
      return armPreflight(input);
  }
}
