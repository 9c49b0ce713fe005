import type { PlaybookRecord } from '../core/escher-api/types';

/**
 * A failure the server reports as `{"error": {"code", "message"}, "current"?}` with an HTTP status.
 * `current` is sent with 409/412 so the client can merge without another round trip.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly current?: PlaybookRecord | null,
  ) {
    super(message);
  }

  body(): { error: { code: string; message: string }; current?: PlaybookRecord | null } {
    return this.current === undefined ? { error: { code: this.code, message: this.message } } : { error: { code: this.code, message: this.message }, current: this.current };
  }
}

export const badRequest = (message: string, code = 'BAD_REQUEST'): ApiError => new ApiError(400, code, message);
export const notFound = (message: string): ApiError => new ApiError(404, 'NOT_FOUND', message);
export const unprocessable = (code: string, message: string): ApiError => new ApiError(422, code, message);
