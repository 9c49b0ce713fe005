import type { ParameterSpec, ScriptEntry } from './metadata';
import { assertParameterContract, type ScriptText } from './parameter-contract';
import { decryptScript } from './sensitive';
import type { VersionFile } from './version-writer';

/**
 * The parameter contract (parameter-contract.ts) applied to a version about to be written: the
 * plaintext of every script (sensitive ones decrypted with the data key, fetched only if there is
 * one), checked against the plaintext declarations. Throws ValidationError; returns the warnings.
 */
export async function enforceContract(
  files: readonly VersionFile[],
  entries: readonly ScriptEntry[],
  params: readonly ParameterSpec[],
  key: () => Promise<Buffer>,
  where: string,
): Promise<string[]> {
  const texts: ScriptText[] = [];
  for (const [i, entry] of entries.entries()) {
    const bytes = Buffer.from(files[i]!.bytes);
    texts.push({ path: entry.path, text: utf8(entry.sensitive ? decryptScript(await key(), entry.path, bytes) : bytes) });
  }
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
