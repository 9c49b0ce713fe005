import { decryptBytes, decryptJson, encryptBytes, encryptJson, isEncryptedValue } from '../shared/crypto';
import { ValidationError } from '../shared/errors';
import type { ParameterSpec } from './metadata';

/**
 * What gets encrypted, and under which AAD. A parameter default's AAD is "param:<name>", a
 * script file's is "script:<path>", so envelopes cannot be swapped between fields unnoticed.
 * A sensitive script is stored on disk as the JSON envelope (UTF-8); its metadata entry keeps
 * the sha256 and size of the plaintext, which readScript verifies after decrypting.
 */
export const paramAad = (name: string): string => `param:${name}`;
export const scriptAad = (path: string): string => `script:${path}`;

export function needsKey(parameters: readonly ParameterSpec[] | undefined, scripts: readonly { sensitive?: boolean; encrypted?: unknown }[] | undefined): boolean {
  return (parameters ?? []).some((p) => p.sensitive && p.default !== undefined) || (scripts ?? []).some((s) => s.sensitive || s.encrypted !== undefined);
}

/**
 * Returns the parameters as they go on disk: sensitive defaults encrypted. A default that is
 * already an envelope (from an export bundle) is checked against the key and kept as it is.
 */
export function encryptParameters(parameters: readonly ParameterSpec[], key: Buffer | undefined): ParameterSpec[] {
  return parameters.map((p) => {
    if (!p.sensitive || p.default === undefined) return { ...p };
    if (!key) throw new ValidationError(`Parameter "${p.name}" is sensitive but no data key is available`);
    if (isEncryptedValue(p.default)) {
      decryptJson(key, p.default, paramAad(p.name));
      return { ...p };
    }
    return { ...p, default: encryptJson(key, p.default, paramAad(p.name)) };
  });
}

/** Plaintext view of parameters (for running a playbook or editing it); needs the key only if something is encrypted. */
export function decryptParameters(parameters: readonly ParameterSpec[], key: Buffer): ParameterSpec[] {
  return parameters.map((p) => (p.sensitive && isEncryptedValue(p.default) ? { ...p, default: decryptJson(key, p.default, paramAad(p.name)) } : { ...p }));
}

export function hasEncryptedDefaults(parameters: readonly ParameterSpec[]): boolean {
  return parameters.some((p) => p.sensitive && isEncryptedValue(p.default));
}

export function encryptScript(key: Buffer, path: string, plaintext: Uint8Array): Buffer {
  return Buffer.from(JSON.stringify(encryptBytes(key, plaintext, scriptAad(path))), 'utf8');
}

export function decryptScript(key: Buffer, path: string, onDisk: Buffer): Buffer {
  let envelope: unknown;
  try {
    envelope = JSON.parse(onDisk.toString('utf8'));
  } catch {
    envelope = undefined;
  }
  return decryptBytes(key, envelope, scriptAad(path));
}
