/** The core logs through this; the CLI writes to stderr, the extension to its output channel. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const SIG = /([?&](?:sig|signature|token|X-Amz-Signature)=)[^&\s]+/gi;

/** Strips bearer tokens and URL signatures from anything about to be logged or shown. */
export function redact(text: string): string {
  return text.replace(BEARER, '$1[redacted]').replace(SIG, '$1[redacted]');
}
