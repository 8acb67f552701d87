import { signApiRequest } from '../functions/adapters/sigv4-requests.js';
import type { StartedRestore } from '../functions/api/restore-service.js';
import { BackupError } from '../functions/core/errors.js';
import type { RecoveryPoint } from '../functions/core/recovery-point.js';
import {
  RecoveryPointNotFoundError,
  RestoreNotFoundError,
  RestoreValidationError,
  type RestoreProblem,
} from '../functions/core/restore/restore-errors.js';
import type { RestoreRecord } from '../functions/core/restore/restore-record.js';
import type { RestoreRequest } from '../functions/core/restore/restore-request.js';
import type {
  RecoveryPointPage,
  RecoveryPointPageQuery,
} from '../functions/ports/recovery-point-page.js';
import type { RestoreListQuery, RestorePage } from '../functions/ports/restore-store.js';
import type { RestoreClient } from './restore-client.js';

/** A problem+json answer the client has no domain error for (403, 409, 5xx, a key conflict). */
export class RestoreApiError extends BackupError {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly problems: RestoreProblem[] = [],
  ) {
    super(`restore API ${status} ${code}: ${detail}`);
  }
}

/** A refusal the service raised with a domain error; its name and message as the API gave them. */
export class RestoreApiRefusal extends BackupError {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface ProblemBody {
  code?: string;
  detail?: string;
  errors?: RestoreProblem[];
}

/**
 * The restore API over HTTP, every request signed with SigV4 (execute-api, the primary region)
 * with the configured credentials: what `backupctl restore --api URL` uses. `baseUrl` ends in
 * `/v1`. Problems come back as the errors the service raises, so the CLI shows them alike.
 */
export class RestoreApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly region: string,
  ) {}

  async send<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}${path}`;
    const text = body === undefined ? '' : JSON.stringify(body);
    const signed = await signApiRequest(
      {
        method,
        url,
        headers: { ...headers, ...(text ? { 'content-type': 'application/json' } : {}) },
        body: text,
      },
      this.region,
    );
    const { host: _host, ...sent } = signed;
    const response = await fetch(url, { method, headers: sent, ...(text ? { body: text } : {}) });
    const answer = (await response.json()) as unknown;
    if (response.status >= 400) throw errorOf(response.status, answer as ProblemBody);
    return { status: response.status, body: answer as T, headers: response.headers };
  }

  async startRestore(request: RestoreRequest, idempotencyKey: string): Promise<StartedRestore> {
    const { body } = await this.send<Record<string, unknown>>('POST', '/restores', request, {
      'idempotency-key': idempotencyKey,
    });
    return body.dryRun === true
      ? (body as unknown as StartedRestore)
      : {
          dryRun: false,
          restoreId: String(body.restoreId),
          status: body.status as RestoreRecord['status'],
        };
  }

  async getRestore(restoreId: string): Promise<RestoreRecord> {
    return (await this.send<RestoreRecord>('GET', `/restores/${encodeURIComponent(restoreId)}`))
      .body;
  }

  async listRestores(query: RestoreListQuery): Promise<RestorePage> {
    return (await this.send<RestorePage>('GET', `/restores${queryString(query)}`)).body;
  }

  async cancelRestore(restoreId: string): Promise<RestoreRecord> {
    return (
      await this.send<RestoreRecord>('POST', `/restores/${encodeURIComponent(restoreId)}/cancel`)
    ).body;
  }

  async getRecoveryPoint(id: string): Promise<RecoveryPoint> {
    return (await this.send<RecoveryPoint>('GET', `/recovery-points/${encodeURIComponent(id)}`))
      .body;
  }

  async listRecoveryPoints(query: RecoveryPointPageQuery): Promise<RecoveryPointPage> {
    const { sourceId, ...rest } = query;
    const params = { ...rest, ...(sourceId !== undefined ? { source: sourceId } : {}) };
    return (await this.send<RecoveryPointPage>('GET', `/recovery-points${queryString(params)}`))
      .body;
  }
}

/** The CLI's RestoreClient over the API (`--api URL`). */
export function apiRestoreClient(baseUrl: string, region: string): RestoreClient {
  const api = new RestoreApiClient(baseUrl, region);
  return {
    start: (request, key) => api.startRestore(request, key),
    get: (id) => api.getRestore(id),
    list: (query) => api.listRestores(query),
    cancel: (id) => api.cancelRestore(id),
    recoveryPoint: (id) => api.getRecoveryPoint(id),
  };
}

function queryString(query: object): string {
  const entries = Object.entries(query).filter(([, value]) => value !== undefined);
  return entries.length === 0
    ? ''
    : `?${new URLSearchParams(entries.map(([key, value]): [string, string] => [key, String(value)]))}`;
}

function errorOf(status: number, problem: ProblemBody): Error {
  const code = problem.code ?? 'unknown';
  const detail = problem.detail ?? '';
  if (code === 'restore-not-found') return new RestoreNotFoundError(detail.split(' ')[1] ?? detail);
  if (code === 'recovery-point-not-found')
    return new RecoveryPointNotFoundError(detail.split(' ')[2] ?? detail);
  // The API's answers for a restore refused as it stands: the CLI exits 2 on them as it does locally.
  if (code === 'restore-not-cancellable')
    return new RestoreApiRefusal('RestoreNotCancellableError', detail);
  if (code === 'idempotency-conflict')
    return new RestoreApiRefusal('IdempotencyConflictError', detail);
  if (problem.errors?.length && (status === 400 || status === 422))
    return new RestoreValidationError(problem.errors);
  return new RestoreApiError(status, code, detail, problem.errors);
}
