import type { RecoveryPoint } from '../core/recovery-point.js';
import type { RecoveryPointPage, RecoveryPointPageQuery } from './recovery-point-page.js';

export interface RecoveryPointQuery {
  sourceId?: string;
  policy?: string;
  kind?: RecoveryPoint['kind'];
  region?: string;
}

/** The index of recovery points (DynamoDB in AWS); rebuildable from recovery-point tags. */
export interface RecoveryPointCatalog {
  /** Inserts or replaces by id; idempotent. */
  put(points: readonly RecoveryPoint[]): Promise<void>;
  get(id: string): Promise<RecoveryPoint | undefined>;
  /** Newest first. */
  list(query: RecoveryPointQuery): Promise<RecoveryPoint[]>;
  /**
   * One page of a listing, newest first (ties by id), with the time window and limit of the
   * query; throws InvalidPageTokenError for a token it did not hand out.
   */
  listPage(query: RecoveryPointPageQuery): Promise<RecoveryPointPage>;
}

/** The filter every catalog implementation applies, so they agree on what a query means. */
export function matchesRecoveryPointQuery(
  point: RecoveryPoint,
  query: RecoveryPointQuery,
): boolean {
  return (
    (query.sourceId === undefined || point.sourceId === query.sourceId) &&
    (query.policy === undefined || point.policy === query.policy) &&
    (query.kind === undefined || point.kind === query.kind) &&
    (query.region === undefined || point.region === query.region)
  );
}

/** Newest first; ties broken by id so listings are stable. */
export function newestFirst(a: RecoveryPoint, b: RecoveryPoint): number {
  return b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id);
}
