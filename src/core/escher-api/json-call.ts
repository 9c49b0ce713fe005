import type { Readable } from 'node:stream';
import type { AxiosInstance, AxiosResponse, Method } from 'axios';
import type { EscherError } from '../shared/errors';
import { type Logger, redact } from '../shared/logger';
import { errorForStatus, invalidResponse, networkError, readErrorBody } from './http-errors';
import { isRetryableStatus, retryDelay, type RetryPolicy } from './retry';
import { wireIssues } from './wire-validate';

export interface CallSpec {
  what: string;
  method: Method;
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** A fresh request body per attempt (streams cannot be replayed). */
  stream?: () => Readable;
  headers?: Record<string, string>;
  retry: boolean;
  /** Wire schema name the 2xx body must match, or a check returning its issues. */
  schema: string | ((value: unknown) => string[]);
  /** Statuses passed to the caller instead of thrown (e.g. 404 for getRecord, 304 for a conditional GET). */
  passStatus?: number[];
  /** The caller's own deadline or cancellation, for the whole call (retries included). */
  signal?: AbortSignal;
}

export interface JsonCallerOptions {
  http: AxiosInstance;
  token: string;
  tenantId: string;
  retry: RetryPolicy;
  logger: Logger;
  random: () => number;
  deadlineMs: number;
}

export type CallResult<T> = { status: number; data: T; headers: AxiosResponse['headers'] };

/**
 * One logical JSON call of the Escher API: attempts, retry decisions, status mapping, JSON + shape
 * validation. Kept apart from the client's endpoint methods so each file has one concern.
 */
export class JsonCaller {
  constructor(private readonly o: JsonCallerOptions) {}

  async call<T>(spec: CallSpec): Promise<CallResult<T>> {
    const maxAttempts = spec.retry ? this.o.retry.retries + 1 : 1;
    for (let attempt = 0; ; attempt++) {
      let res: AxiosResponse<string>;
      const stream = spec.stream?.();
      try {
        res = await this.o.http.request<string>({
          method: spec.method,
          url: spec.path,
          params: spec.query,
          data: stream ?? spec.body,
          headers: { authorization: `Bearer ${this.o.token}`, 'x-escher-tenant': this.o.tenantId, accept: 'application/json', ...spec.headers },
          signal: callSignal(spec, this.o.deadlineMs),
        });
      } catch (e) {
        const err = networkError(spec.what, e);
        if (attempt + 1 < maxAttempts && !spec.signal?.aborted) {
          await this.pause(spec, attempt, err);
          if (!spec.signal?.aborted) continue;
        }
        throw err;
      } finally {
        // A failed upload attempt must not leave its file descriptor open.
        stream?.destroy();
      }
      const parsed = parseJson(res.data);
      if (res.status >= 200 && res.status < 300) {
        if (!parsed.ok) throw invalidResponse(spec.what, res.status, 'invalid JSON');
        const issues = typeof spec.schema === 'string' ? wireIssues(spec.schema, parsed.value) : spec.schema(parsed.value);
        if (issues.length) throw invalidResponse(spec.what, res.status, `an invalid shape (${issues.slice(0, 3).join('; ')})`);
        return { status: res.status, data: parsed.value as T, headers: res.headers };
      }
      if (spec.passStatus?.includes(res.status)) return { status: res.status, data: undefined as T, headers: res.headers };
      const err = errorForStatus(spec.what, res.status, readErrorBody(parsed.ok ? parsed.value : undefined), { tenant: this.o.tenantId });
      if (isRetryableStatus(res.status) && attempt + 1 < maxAttempts) {
        await this.pause(spec, attempt, err, Number(res.headers['retry-after']));
        continue;
      }
      throw err;
    }
  }

  private async pause(spec: CallSpec, attempt: number, err: EscherError, retryAfter?: number): Promise<void> {
    const ms = retryDelay(this.o.retry, attempt + 1, this.o.random, retryAfter);
    this.o.logger.debug(redact(`escher-api: ${spec.what} attempt ${attempt + 1} failed (${err.message}); retrying in ${ms} ms`));
    await new Promise((r) => setTimeout(r, ms));
  }
}

/** Each attempt of a JSON call has the whole-call deadline; the caller's signal, when given, cuts it shorter. */
function callSignal(spec: CallSpec, deadlineMs: number): AbortSignal | undefined {
  if (spec.stream) return spec.signal;
  const deadline = AbortSignal.timeout(deadlineMs);
  return spec.signal ? AbortSignal.any([deadline, spec.signal]) : deadline;
}
function parseJson(text: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof text !== 'string' || text.length === 0) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
