import type { RecoveryPoint, RecoveryPointKind } from '../core/recovery-point.js';
import { pointAtOrBefore } from '../core/restore/point-selection.js';
import { RestoreValidationError } from '../core/restore/restore-errors.js';
import type { RestoreKind, RestoreRequest } from '../core/restore/restore-request.js';
import type { RecoveryPointCatalog } from '../ports/recovery-point-catalog.js';

/** The kind of point each restore kind restores from (issue 11). */
export const pointKindOfRestore: Readonly<Record<RestoreKind, RecoveryPointKind>> = {
  volume: 'volume-snapshot',
  instance: 'image',
  objects: 'bucket-copy',
  image: 'image-export',
};

/**
 * The point a request restores from: its `recoveryPointId` (in the catalog, of the kind's point
 * kind, available), or the newest available point of `sourceId` at or before `at` in the region.
 * Every reason it cannot be had is a RestoreValidationError on the field concerned.
 */
export async function resolveRecoveryPoint(
  request: RestoreRequest,
  catalog: RecoveryPointCatalog,
  region: string,
  now: Date,
): Promise<RecoveryPoint> {
  const kind = pointKindOfRestore[request.kind];
  if (request.recoveryPointId === undefined) {
    const sourceId = request.sourceId as string;
    const points = await catalog.list({ sourceId, kind });
    return pointAtOrBefore(points, { sourceId, kind, at: request.at as string, region }, now);
  }
  const point = await catalog.get(request.recoveryPointId);
  const problem = (code: string, message: string) =>
    new RestoreValidationError([{ path: 'recoveryPointId', code, message }]);
  if (!point) {
    throw problem(
      'recovery-point-not-found',
      `recovery point ${request.recoveryPointId} is not in the catalog`,
    );
  }
  if (point.kind !== kind) {
    throw problem(
      'wrong-point-kind',
      `${point.id} is a ${point.kind} point; a ${request.kind} restore needs a ${kind} point`,
    );
  }
  if (point.state !== 'available') {
    throw problem('recovery-point-not-available', `${point.id} is ${point.state}, not available`);
  }
  return point;
}
