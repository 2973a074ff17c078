import type { ErrorBody } from '../../shared/wire.js';
import { ApiError } from '../errors.js';

/** Calls the app's own marketer API with the admin token: the dashboard is built on the API. */
export type ApiFetch = (path: string, init?: RequestInit) => Promise<Response>;

/** The API's error, rethrown as is: unhandled, it answers the page request the same way. */
export class ApiCallError extends ApiError {
  constructor(
    status: number,
    readonly body: ErrorBody['error'],
  ) {
    super(status as ApiError['status'], body.code, body.message, body.details);
  }
}

export function createApiClient(fetchApi: ApiFetch) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetchApi(`/api/v1${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
    if (res.status === 204) return undefined as T;
    const json = (await res.json()) as T | ErrorBody;
    if (!res.ok) throw new ApiCallError(res.status, (json as ErrorBody).error);
    return json as T;
  }
  return {
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body: unknown) => call<T>('POST', path, body),
    patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
    delete: (path: string) => call<void>('DELETE', path),
    /** The API's response as is (exports stream through). */
    raw: (path: string) => fetchApi(`/api/v1${path}`),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
