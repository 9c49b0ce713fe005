import type { EscherApi } from '../../core/escher-api/types';
import type { PlaybookConfig } from '../../core/shared/config';
import type { SecretStore } from '../../core/shared/secrets';
import type { CoreModule } from '../core-loader';

/** A server client with the reviewer's token; closed by the caller. */
export type ReviewerApi = Pick<EscherApi, 'reviewQueue' | 'review' | 'getRecord'> & { close(): void };

/**
 * The reviewer's side of the server: the reviewer token from VS Code's SecretStorage
 * (`escher.reviewerToken`, stored by Sign In as Reviewer — never settings), apart from the tenant
 * token, so publishing never runs with reviewer rights and reviewing never with an author's.
 */
export class ReviewerAccess {
  constructor(
    private readonly secrets: SecretStore,
    private readonly config: () => PlaybookConfig,
    private readonly core: () => CoreModule,
  ) {}

  async signedIn(): Promise<boolean> {
    return (await this.secrets.get('escher.reviewerToken')) !== undefined;
  }

  /** A client for the configured server and tenant with the reviewer token; undefined when there is none. */
  async api(token?: string): Promise<ReviewerApi | undefined> {
    token ??= await this.secrets.get('escher.reviewerToken');
    const { serverUrl, tenantId } = this.config();
    if (!token || !serverUrl || !tenantId) return undefined;
    return new (this.core().HttpEscherApi)({ serverUrl, tenantId, token });
  }

  /** Throws the server's refusal (401, 403) unless `token` reads this tenant's review queue. */
  async check(token: string): Promise<void> {
    const api = await this.api(token);
    if (!api) throw Object.assign(new Error('No Escher server and tenant are configured'), { code: 'CONFIG', hintCode: 'server-not-configured' });
    try {
      await api.reviewQueue();
    } finally {
      api.close();
    }
  }

  async store(token: string): Promise<void> {
    await this.secrets.set('escher.reviewerToken', token);
  }

  async forget(): Promise<void> {
    await this.secrets.delete('escher.reviewerToken');
  }
}
