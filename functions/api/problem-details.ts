import { BackupError } from '../core/errors.js';
import {
  IdempotencyConflictError,
  RecoveryPointNotFoundError,
  RestoreNotCancellableError,
  RestoreNotFoundError,
  RestoreValidationError,
  type RestoreProblem,
} from '../core/restore/restore-errors.js';
import { ThrottledError, TransientAwsError } from '../ports/errors/aws-request-errors.js';
import { InvalidPageTokenError } from '../ports/recovery-point-page.js';
import { InvalidApiRequestError } from './api-errors.js';

/** An RFC 9457 problem, as every error of the restore API is answered. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Stable, machine-readable. */
  code: string;
  requestId: string;
  errors?: RestoreProblem[];
}

/** An error the routes raise for HTTP-level reasons (no body, unsigned, unknown route). */
export class HttpProblemError extends BackupError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems?: RestoreProblem[],
  ) {
    super(message);
  }
}

const titles: Record<number, string> = {
  400: 'Bad request',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Content too large',
  422: 'Unprocessable content',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** What an error means to a client: status, stable code, and problems by field where known. */
function classify(error: unknown): { status: number; code: string; problems?: RestoreProblem[] } {
  if (error instanceof HttpProblemError) {
    return {
      status: error.status,
      code: error.code,
      ...(error.problems ? { problems: error.problems } : {}),
    };
  }
  if (error instanceof InvalidApiRequestError)
    return { status: 400, code: 'invalid-request', problems: error.problems };
  if (error instanceof InvalidPageTokenError) {
    return {
      status: 400,
      code: 'invalid-next-token',
      problems: [{ path: 'nextToken', code: 'invalid-next-token', message: error.message }],
    };
  }
  if (error instanceof RestoreValidationError)
    return { status: 422, code: 'restore-not-possible', problems: error.problems };
  if (error instanceof IdempotencyConflictError)
    return { status: 422, code: 'idempotency-conflict' };
  if (error instanceof RestoreNotFoundError) return { status: 404, code: 'restore-not-found' };
  if (error instanceof RecoveryPointNotFoundError)
    return { status: 404, code: 'recovery-point-not-found' };
  if (error instanceof RestoreNotCancellableError)
    return { status: 409, code: 'restore-not-cancellable' };
  if (error instanceof ThrottledError || error instanceof TransientAwsError)
    return { status: 503, code: 'try-again-later' };
  return { status: 500, code: 'internal-error' };
}

/** The problem an error is answered with; a 5xx does not echo internal messages. */
export function problemOf(error: unknown, requestId: string): Problem {
  const { status, code, problems } = classify(error);
  const detail =
    status >= 500
      ? `the restore API could not answer (${code}); request ${requestId}`
      : error instanceof Error
        ? error.message
        : String(error);
  return {
    type: `urn:backup-orchestrator:problem:${code}`,
    title: titles[status] ?? 'Error',
    status,
    detail,
    code,
    requestId,
    ...(problems ? { errors: problems } : {}),
  };
}
