import { isIP } from 'node:net';
import { UnsafeUrlError } from '../shared/errors';
import { redact } from '../shared/logger';

/**
 * Where the client is willing to send a token or fetch a script from. Plain http is accepted only
 * on loopback (127.0.0.0/8, ::1, localhost): anything else on the network could read the bearer
 * token or swap a script. Download URLs must also be on the API server's own host and port, so a
 * compromised or confused server response cannot point us at an arbitrary host.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

function parse(kind: string, raw: string, secretHint?: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError(`${kind} "${redact(raw)}" is not a valid URL`, { hint: 'use a full URL such as https://escher.example.com', hintCode: 'invalid-server-url' });
  }
  if (url.username || url.password) {
    throw new UnsafeUrlError(`${kind} must not carry credentials in the URL`, secretHint ? { hint: secretHint } : { hint: 'give the token where the token is asked for', hintCode: 'credentials-in-url' });
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  if (url.protocol === 'http:') {
    throw new UnsafeUrlError(`${kind} ${url.origin} uses plain http on a non-loopback host`, {
      hint: 'use https:// (plain http is only allowed for 127.0.0.1, ::1 and localhost)',
      hintCode: 'https-required',
    });
  }
  throw new UnsafeUrlError(`${kind} ${url.protocol} URLs are not supported`, { hint: 'use https://', hintCode: 'invalid-server-url' });
}

/**
 * The Qdrant URL of the search mirror, by the same rule: its API key and the playbooks it mirrors
 * travel over https, or over plain http only to this machine (loopback).
 */
export function assertSafeQdrantUrl(raw: string): URL {
  return parse('Qdrant URL', raw, 'set the API key with ESCHER_QDRANT_API_KEY (or the secret store), not in the URL');
}

/** Validates the configured server URL; returns it normalised without a trailing slash. */
export function assertSafeServerUrl(raw: string): string {
  const url = parse('Server URL', raw);
  if (url.search || url.hash) throw new UnsafeUrlError('Server URL must not have a query or fragment', { hint: 'use the base URL, e.g. https://escher.example.com', hintCode: 'invalid-server-url' });
  return url.href.replace(/\/+$/, '');
}

function effectivePort(u: URL): string {
  return u.port || (u.protocol === 'https:' ? '443' : '80');
}

/**
 * A pre-signed download URL the server handed out: https (or loopback http) AND the same host and
 * port as the API server. Returns the parsed URL.
 */
export function assertSafeDownloadUrl(raw: string, serverUrl: string): URL {
  const url = parse('Download URL', raw);
  const server = new URL(serverUrl);
  if (url.hostname.toLowerCase() !== server.hostname.toLowerCase() || effectivePort(url) !== effectivePort(server)) {
    throw new UnsafeUrlError(`Download URL points at ${url.host}, not at the Escher server ${server.host}`, {
      hint: 'the server returned a link to another host; refusing it (check the server URL, or report the server)',
      hintCode: 'foreign-download-url',
    });
  }
  if (url.protocol !== server.protocol && url.protocol !== 'https:') {
    throw new UnsafeUrlError(`Download URL downgrades ${server.protocol} to ${url.protocol}`);
  }
  return url;
}
