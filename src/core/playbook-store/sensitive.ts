import { decryptBytes, encryptBytes, isEncryptedValue } from '../shared/crypto';
import { CryptoError, ValidationError } from '../shared/errors';
import type { ParameterSpec } from './metadata';

/**
 * What gets encrypted, and under which AAD (the authenticated data AES-GCM binds a ciphertext to).
 *
 * In the store a sensitive value is bound to its playbook AND its place in it:
 *   "playbook:<id>/param:<name>"   a parameter default (JSON)
 *   "playbook:<id>/script:<path>"  a script file (its bytes)
 * so an envelope copied into another field, or into another playbook, fails authentication
 * instead of decrypting there. A sensitive script is stored on disk as the JSON envelope (UTF-8);
 * its metadata entry keeps the sha256 and size of the plaintext, which readScript verifies.
 *
 * "param:<name>" / "script:<path>" (no id) is the older store format, and the format of export
 * bundles, whose envelopes must open under whatever id an import gives them. Store reads still
 * accept the older format (reported by `doctor`, re-sealed by the next write of the playbook and
 * by `doctor --repair`); a bundle is opened only as a bundle. (Until a store is migrated, an old
 * envelope copied between playbooks still opens: the binding protects what was sealed with it.)
 */
export const paramAad = (playbookId: string, name: string): string => `playbook:${playbookId}/param:${name}`;
export const scriptAad = (playbookId: string, path: string): string => `playbook:${playbookId}/script:${path}`;
export const bundleParamAad = (name: string): string => `param:${name}`;
export const bundleScriptAad = (path: string): string => `script:${path}`;

/** Plaintext of an envelope opened in the store, and whether it was sealed the older way. */
export interface Opened {
  plain: Buffer;
  legacy: boolean;
}

/**
 * Opens a store envelope: bound to `aad`, or else sealed the older way (`legacyAad`). When neither
 * authenticates, the error says what can cause it, including a copy from another playbook.
 */
export function openStored(key: Buffer, envelope: unknown, aad: string, legacyAad: string): Opened {
  try {
    return { plain: decryptBytes(key, envelope, aad), legacy: false };
  } catch (bound) {
    if (!isEncryptedValue(envelope)) throw bound;
    try {
      return { plain: decryptBytes(key, envelope, legacyAad), legacy: true };
    } catch {
      throw new CryptoError(`Encrypted value for ${aad} failed authentication: it was tampered with, encrypted with another key, or copied from another playbook or field`, {
        hint: 'restore the original file; if the key changed, use the one this store was written with',
        hintCode: 'data-key-mismatch',
        cause: bound,
      });
    }
  }
}

export function needsKey(parameters: readonly ParameterSpec[] | undefined, scripts: readonly { sensitive?: boolean; encrypted?: unknown }[] | undefined): boolean {
  return (parameters ?? []).some((p) => p.sensitive && p.default !== undefined) || (scripts ?? []).some((s) => s.sensitive || s.encrypted !== undefined);
}

/** Whether a version holds anything sealed (a sensitive script, or an encrypted default). */
export function hasSealed(m: { parameters: readonly ParameterSpec[]; scripts: readonly { sensitive?: boolean }[] }): boolean {
  return hasEncryptedDefaults(m.parameters) || m.scripts.some((s) => s.sensitive);
}

/**
 * Parameters as given to create/update, with sensitive defaults in plaintext: a default that is
 * already an envelope is opened — as this playbook's (`playbookId`, when it exists already), as
 * the store's older format, or as an export bundle's (both: AAD "param:<name>").
 */
export function openParameters(parameters: readonly ParameterSpec[], key: Buffer | undefined, playbookId: string | undefined): ParameterSpec[] {
  return parameters.map((p) => {
    if (!p.sensitive || !isEncryptedValue(p.default)) return { ...p };
    if (!key) throw new ValidationError(`Parameter "${p.name}" is sensitive but no data key is available`);
    const legacy = bundleParamAad(p.name);
    const bytes = playbookId === undefined ? decryptBytes(key, p.default, legacy) : openStored(key, p.default, paramAad(playbookId, p.name), legacy).plain;
    return { ...p, default: parseJson(bytes, p.name) };
  });
}

/** Parameters as they go on disk for `playbookId`: sensitive defaults sealed (expects openParameters' output). */
export function sealParameters(parameters: readonly ParameterSpec[], key: Buffer | undefined, playbookId: string): ParameterSpec[] {
  return parameters.map((p) => {
    if (!p.sensitive || p.default === undefined) return { ...p };
    if (!key) throw new ValidationError(`Parameter "${p.name}" is sensitive but no data key is available`);
    return { ...p, default: encryptBytes(key, Buffer.from(JSON.stringify(p.default), 'utf8'), paramAad(playbookId, p.name)) };
  });
}

/** Plaintext view of stored parameters (for running a playbook or editing it); needs the key only if something is encrypted. */
export function decryptParameters(parameters: readonly ParameterSpec[], key: Buffer, playbookId: string): ParameterSpec[] {
  return openParameters(parameters, key, playbookId);
}

/** The stored parameters' envelopes re-sealed under `playbookId`; `legacy` counts those that were in the older format. */
export function resealParameters(parameters: readonly ParameterSpec[], key: Buffer, playbookId: string): { parameters: ParameterSpec[]; legacy: number } {
  let legacy = 0;
  const out = parameters.map((p) => {
    if (!p.sensitive || !isEncryptedValue(p.default)) return { ...p };
    const opened = openStored(key, p.default, paramAad(playbookId, p.name), bundleParamAad(p.name));
    if (opened.legacy) legacy++;
    return { ...p, default: encryptBytes(key, opened.plain, paramAad(playbookId, p.name)) };
  });
  return { parameters: out, legacy };
}

export function hasEncryptedDefaults(parameters: readonly ParameterSpec[]): boolean {
  return parameters.some((p) => p.sensitive && isEncryptedValue(p.default));
}

/** A script's bytes as they go on disk for `playbookId` (the JSON envelope). */
export function encryptScript(key: Buffer, playbookId: string, path: string, plaintext: Uint8Array): Buffer {
  return Buffer.from(JSON.stringify(encryptBytes(key, plaintext, scriptAad(playbookId, path))), 'utf8');
}

/** Opens a stored sensitive script (bound to `playbookId`, or in the older format). */
export function decryptScript(key: Buffer, playbookId: string, path: string, onDisk: Buffer): Opened {
  let envelope: unknown;
  try {
    envelope = JSON.parse(onDisk.toString('utf8'));
  } catch {
    envelope = undefined;
  }
  return openStored(key, envelope, scriptAad(playbookId, path), bundleScriptAad(path));
}

function parseJson(bytes: Buffer, name: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (e) {
    throw new CryptoError(`Encrypted default of parameter "${name}" does not hold JSON`, { cause: e });
  }
}
