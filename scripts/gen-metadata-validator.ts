// Writes src/core/playbook-store/metadata-validator.generated.ts (see validator-codegen.ts).
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { generateValidatorSource } from '../src/core/playbook-store/validator-codegen';

const out = path.join(__dirname, '..', 'src', 'core', 'playbook-store', 'metadata-validator.generated.ts');
writeFileSync(out, generateValidatorSource());
console.log(`wrote ${path.relative(process.cwd(), out)}`);
