import { promises as fs } from 'node:fs';
import type { EscherApi } from '../escher-api/types';
import { assertSafeDownloadUrl } from '../escher-api/url-safety';
import { IntegrityError } from '../shared/errors';
import { sha256 } from '../shared/hash';
import type { ScriptFetcher } from './local-writer';

/**
 * Default script fetcher for applying server-side changes locally: asks for a download ticket,
 * fetches the pre-signed URL (only from the API server's own host), and verifies size and
 * sha256 against what the metadata promised before a byte reaches the store.
 */
export function ticketScriptFetcher(api: EscherApi, serverUrl: string, timeoutMs = 30_000): ScriptFetcher {
  return async (script) => {
    const ticket = await api.requestDownload(script.s3_path);
    const url = assertSafeDownloadUrl(ticket.url, serverUrl);
    // Loaded on first download: building the publisher (and the extension) never pays for axios.
    const { default: axios } = await import('axios');
    const res = await axios.get<ArrayBuffer>(url.toString(), {
      responseType: 'arraybuffer',
      timeout: timeoutMs,
      maxContentLength: script.size + 1,
      maxRedirects: 0,
      validateStatus: (s) => s === 200,
    });
    const bytes = Buffer.from(res.data);
    if (bytes.length !== script.size || sha256(bytes) !== script.sha256) {
      throw new IntegrityError(`Downloaded ${script.s3_path} does not match its sha256/size`, { hint: 'the server or the network changed the bytes; sync again later' });
    }
    return bytes;
  };
}

/**
 * A fetcher over a downloader that returns a local file (the script manager's verified cache):
 * the bytes are read back and checked against what the metadata promised once more, since
 * the downloader verified them against the server's ticket, not against our metadata.
 */
export function fileScriptFetcher(download: (s3Path: string) => Promise<string>): ScriptFetcher {
  return async (script) => {
    const bytes = await fs.readFile(await download(script.s3_path));
    if (bytes.length !== script.size || sha256(bytes) !== script.sha256) {
      throw new IntegrityError(`Script ${script.s3_path} does not match the sha256/size in the server's metadata`, { hint: 'sync again later; if it persists the server holds other bytes than it published' });
    }
    return bytes;
  };
}
