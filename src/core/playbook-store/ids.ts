import { PLAYBOOK_ID } from '../shared/safe-path';

/**
 * Playbook ids are generated from the name: readable, lower-case, hyphen-separated.
 *
 * Case changes are word boundaries only in identifiers, never in prose:
 * - A name without whitespace is an identifier (an AWS runbook, a file name) and is split at
 *   its case changes: "AWS-RestartEC2Instance" -> "aws-restart-ec2-instance",
 *   "AWSConfigRemediation-DeleteUnusedENIs" -> "aws-config-remediation-delete-unused-enis".
 * - In a name with spaces the words are already separated, and a word with one inner capital is
 *   a brand or an acronym plural: "CloudWatch alarm on high Lambda errors" ->
 *   "cloudwatch-alarm-on-high-lambda-errors", "Deallocate idle Azure VMs" ->
 *   "deallocate-idle-azure-vms". Only a word with two or more humps ("RestartEC2Instance" pasted
 *   into a sentence) is split as an identifier.
 * Inside an identifier an all-caps run stays whole when a plural "s" or a version "v2" follows
 * it ("ENIs" -> "enis", "IMDSv2" -> "imdsv2"), and ends before a capitalised word ("KMSKey" ->
 * "kms-key"). Accents are folded; anything else non-alphanumeric collapses into single hyphens.
 * The slug is capped (at a hyphen when one is near) so a "-<n>" collision suffix up to "-999"
 * still fits in the 64-character id limit; long runbook names that differ only past the cap get
 * "-2", "-3"… from allocateId.
 */
const MAX_BASE = 60;
const MAX_ID = 64;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;
/** lower-case letter or digit followed by a capital: one hump. */
const HUMP = /([a-z0-9])([A-Z])/g;

export function slugify(name: string): string {
  const folded = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const prose = /\s/.test(folded.trim());
  const words = folded.split(/\s+/).map((w) => (!prose || (w.match(HUMP)?.length ?? 0) >= 2 ? splitIdentifier(w) : w));
  let slug = words
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  slug = cut(slug);
  if (slug === '' || WINDOWS_RESERVED.test(slug)) return slug === '' ? 'playbook' : `${slug}-playbook`;
  return slug;
}

/** "RestartEC2Instance" -> "Restart-EC2-Instance"; "DeleteUnusedENIs" -> "Delete-Unused-enis"; "IMDSv2" -> "imdsv2". */
function splitIdentifier(word: string): string {
  return word
    .replace(HUMP, '$1-$2')
    .replace(/([A-Z]{2,})(s(?![a-z])|v(?=\d))/g, (_m, caps: string, tail: string) => caps.toLowerCase() + tail)
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2');
}

/** Caps the slug at MAX_BASE characters, at a word (hyphen) boundary when one is near. */
function cut(slug: string, max = MAX_BASE): string {
  if (slug.length <= max) return slug;
  const head = slug.slice(0, max + 1);
  const at = head.lastIndexOf('-');
  return (at >= max / 2 ? head.slice(0, at) : slug.slice(0, max)).replace(/-+$/g, '');
}

/** First candidate id for which `taken` is false: base, base-2, base-3, … */
export async function allocateId(name: string, taken: (id: string) => Promise<boolean>): Promise<string> {
  for (const id of idCandidates(slugify(name))) if (!(await taken(id))) return id;
  throw new Error('unreachable: the candidates never end');
}

/** The ids a playbook whose base id is `base` may get, in order: base, base-2, base-3, … (endless). */
export function* idCandidates(base: string): Generator<string> {
  for (let n = 1; ; n++) {
    // Past "-999" a long base is shortened further so the id stays within 64 characters.
    const id = n === 1 ? base : `${cut(base, MAX_ID - 1 - String(n).length)}-${n}`;
    if (PLAYBOOK_ID.test(id)) yield id;
  }
}
