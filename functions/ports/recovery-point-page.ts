import { BackupError } from '../core/errors.js';
import type { RecoveryPoint } from '../core/recovery-point.js';
import { newestFirst, type RecoveryPointQuery } from './recovery-point-catalog.js';

/** A page of the catalog, newest first (`GET /v1/recovery-points`). */
export interface RecoveryPointPageQuery extends RecoveryPointQuery {
  /** Only points created at or before this ISO time (normalised to `toISOString()`). */
  before?: string;
  /** Only points created at or after this ISO time. */
  after?: string;
  /** Default 50, at most 1,000. */
  limit?: number;
  /** From the previous page: the listing goes on after that page's last point. */
  nextToken?: string;
}

export interface RecoveryPointPage {
  items: RecoveryPoint[];
  nextToken?: string;
}

/** A nextToken this listing did not hand out (the API answers 400). */
export class InvalidPageTokenError extends BackupError {
  constructor(readonly token: string) {
    super(`nextToken "${token}" is not a token this listing handed out`);
  }
}

export interface Place {
  createdAt: string;
  id: string;
}

export function pageLimitOf(query: { limit?: number }): number {
  return Math.max(1, Math.min(query.limit ?? 50, 1_000));
}

/** The place the page token points at (the previous page's last point), if any. */
export function pageCursorOf(query: RecoveryPointPageQuery): Place | undefined {
  return query.nextToken === undefined ? undefined : decodePlace(query.nextToken);
}

/**
 * Whether a point passes the time window and comes after the page token's place. Decodes the
 * token once: an invalid one throws InvalidPageTokenError here, before anything is read.
 */
export function pageWindowOf(query: RecoveryPointPageQuery): (point: RecoveryPoint) => boolean {
  const cursor = pageCursorOf(query);
  return (point) =>
    (query.before === undefined || point.createdAt <= query.before) &&
    (query.after === undefined || point.createdAt >= query.after) &&
    (cursor === undefined || newestFirst(cursor as RecoveryPoint, point) < 0);
}

/**
 * The page of `matching` (every point in the window after the token, in any order, complete at
 * least through the first `limit` places newest first) that the query asks for. Both catalogs
 * page with this rule, so they hand out the same pages and tokens.
 */
export function pageOf(
  matching: RecoveryPoint[],
  query: RecoveryPointPageQuery,
): RecoveryPointPage {
  const limit = pageLimitOf(query);
  const sorted = [...matching].sort(newestFirst);
  const items = sorted.slice(0, limit);
  const last = items.at(-1);
  return last && sorted.length > limit
    ? { items, nextToken: encodePlace({ createdAt: last.createdAt, id: last.id }) }
    : { items };
}

function encodePlace(place: Place): string {
  return Buffer.from(JSON.stringify([place.createdAt, place.id])).toString('base64url');
}

function decodePlace(token: string): Place {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString()) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      value.every((part) => typeof part === 'string')
    ) {
      return { createdAt: value[0] as string, id: value[1] as string };
    }
  } catch {
    // falls through to the error below
  }
  throw new InvalidPageTokenError(token);
}
