/**
 * Tampering that always tampers: a hex string with one digit replaced by a DIFFERENT digit.
 * (Writing a fixed digit, e.g. '0', leaves the string unchanged whenever it already was that
 * digit: one time in sixteen, a "bad signature" test then sent the good one.)
 */
export function tamperHex(hex: string, at = 0): string {
  const c = hex[at];
  if (c === undefined || !/[0-9a-f]/i.test(c)) throw new Error(`tamperHex: no hex digit at ${at} of "${hex}"`);
  return hex.slice(0, at) + (c.toLowerCase() === '0' ? '1' : '0') + hex.slice(at + 1);
}
