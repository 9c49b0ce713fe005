import { PLAYBOOK_ID } from '../shared/safe-path';

/**
 * Playbook ids are generated from the name: "AWS-ASGEnterStandby" -> "aws-asg-enter-standby".
 * CamelCase boundaries become hyphens, accents are folded, anything else non-alphanumeric
 * collapses into single hyphens. The slug is capped so a "-<n>" collision suffix still fits in
 * the 64-character id limit.
 */
const MAX_BASE = 56;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

export function slugify(name: string): string {
  let slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  slug = cut(slug);
  if (slug === '' || WINDOWS_RESERVED.test(slug)) return slug === '' ? 'playbook' : `${slug}-playbook`;
  return slug;
}

/** Caps the slug at MAX_BASE characters, at a word (hyphen) boundary when one is near. */
function cut(slug: string): string {
  if (slug.length <= MAX_BASE) return slug;
  const head = slug.slice(0, MAX_BASE + 1);
  const at = head.lastIndexOf('-');
  return (at >= MAX_BASE / 2 ? head.slice(0, at) : slug.slice(0, MAX_BASE)).replace(/-+$/g, '');
}

/** First candidate id for which `taken` is false: base, base-2, base-3, … */
export async function allocateId(name: string, taken: (id: string) => Promise<boolean>): Promise<string> {
  const base = slugify(name);
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if (!PLAYBOOK_ID.test(id)) continue;
    if (!(await taken(id))) return id;
  }
}
