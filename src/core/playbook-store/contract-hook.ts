import type { ParameterSpec, ScriptEntry } from './metadata';
import { assertParameterContract, type ScriptText } from './parameter-contract';

/**
 * The parameter contract (parameter-contract.ts) applied to a version about to be written: the
 * plaintext of every script (`plaintext(i)` for `entries[i]`; the caller decrypts sensitive ones,
 * fetching the key only if there is one), checked against the plaintext declarations. Throws
 * ValidationError; returns the warnings.
 */
export async function enforceContract(
  plaintext: (index: number) => Promise<Uint8Array>,
  entries: readonly ScriptEntry[],
  params: readonly ParameterSpec[],
  where: string,
): Promise<string[]> {
  const texts: ScriptText[] = [];
  for (const [i, entry] of entries.entries()) texts.push({ path: entry.path, text: utf8(await plaintext(i)) });
  return assertParameterContract(texts, params, where);
}

/** The bytes as text, or undefined when they are not UTF-8 (a binary file has no placeholders). */
export function utf8(bytes: Uint8Array): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
