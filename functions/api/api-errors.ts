import type { RestoreProblem } from '../core/restore/restore-errors.js';
import { RestoreValidationError } from '../core/restore/restore-errors.js';
import type * as z from 'zod';

/**
 * A request the API cannot read as its schema says (the body, a query string, a header): every
 * problem by path. Answered 400, where a RestoreValidationError of the preflight is a 422.
 */
export class InvalidApiRequestError extends RestoreValidationError {}

/** The problems of a zod parse, each at its dotted path, under `prefix` (`query`) when given. */
export function problemsOfZod(error: z.ZodError, prefix = ''): RestoreProblem[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.'),
    code: issue.code,
    message: issue.message,
  }));
}
