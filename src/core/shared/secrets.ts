/**
 * Where secrets live: VS Code SecretStorage in the extension; for the CLI an environment variable
 * or a 0600 file under $ESCHER_HOME. The core only sees this interface.
 */
export interface SecretStore {
  get(key: SecretKey): Promise<string | undefined>;
  set(key: SecretKey, value: string): Promise<void>;
  delete(key: SecretKey): Promise<void>;
}

/**
 * `escher.token`: the tenant bearer token. `escher.reviewerToken`: a reviewer's token, used by the
 * review commands instead of `escher.token` when set. `escher.dataKey`: base64 32-byte AES key for sensitive fields.
 */
export type SecretKey = 'escher.token' | 'escher.reviewerToken' | 'escher.dataKey' | 'escher.qdrantApiKey';
