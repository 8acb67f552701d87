import type { RecoveryPoint } from '../../core/recovery-point.js';
import type { RestoreProblem } from '../../core/restore/restore-errors.js';
import type { RestoreKind, RestoreRequest } from '../../core/restore/restore-request.js';

/** One kind's preflight with its ports bound: every problem, nothing created. */
export type KindPreflight<Kind extends RestoreKind> = (
  request: Extract<RestoreRequest, { kind: Kind }>,
  point: RecoveryPoint,
) => Promise<RestoreProblem[]>;

/**
 * The preflight of each kind (functions/steps/restore/<kind>-preflight.ts with its ports; the
 * API's composition binds the real ones, tests bind twins). A kind without one is not supported
 * yet, and says so as a problem on `kind`.
 */
export type RestorePreflights = { readonly [Kind in RestoreKind]?: KindPreflight<Kind> };

/**
 * Runs the preflight of the request's kind (docs/adr/0012-restore-api.md, decision 2): every
 * check before anything is created. A preflight that throws is not a pass: the error goes up,
 * so a check that cannot be made fails closed.
 */
export async function preflightRestore(
  request: RestoreRequest,
  point: RecoveryPoint,
  preflights: RestorePreflights,
): Promise<RestoreProblem[]> {
  const preflight = preflights[request.kind] as KindPreflight<RestoreKind> | undefined;
  if (!preflight) {
    return [
      {
        path: 'kind',
        code: 'kind-not-supported',
        message: `${request.kind} restores are not supported yet`,
      },
    ];
  }
  return preflight(request, point);
}
