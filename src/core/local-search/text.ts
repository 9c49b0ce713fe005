/**
 * Text normalisation shared by the keyword index, the query parser and the embedding text, so a
 * query and a document are cut into words the same way.
 */

/** "AWSConfigRemediation-EnableRDSClusterDeletionProtection" -> "AWS Config Remediation Enable RDS Cluster Deletion Protection". */
export function splitIdentifier(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_\-./:]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Words that carry no meaning in a search box (the keyword index drops them on both sides). */
export const STOP_WORDS = new Set(
  'a an and are as at be by can cant do does for from how i if in into is it its me my of on or our out the their this to too up use using we what when with you your want need please get'.split(' '),
);

/**
 * Light English normalisation: lower case, then fold the plural and verb endings that differ
 * between how people ask ("snapshots", "rotating") and how runbooks are written ("snapshot",
 * "rotate"). Deliberately conservative (no full stemmer): it only strips endings when a stem of
 * at least 3 letters remains.
 */
export function normalizeTerm(term: string): string {
  let t = term.toLowerCase();
  if (t.length > 4 && t.endsWith('ies')) t = t.slice(0, -3) + 'y';
  else if (t.length > 4 && /(ss|us|is)$/.test(t)) return t;
  else if (t.length > 4 && /(ches|shes|xes|sses)$/.test(t)) t = t.slice(0, -2);
  else if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss')) t = t.slice(0, -1);
  return t;
}

/** Lower-cased words of a text (identifiers split first), punctuation dropped. */
export function words(text: string): string[] {
  return splitIdentifier(text)
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}
