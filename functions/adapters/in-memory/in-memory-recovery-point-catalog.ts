import type { RecoveryPoint } from '../../core/recovery-point.js';
import {
  matchesRecoveryPointQuery,
  newestFirst,
  type RecoveryPointCatalog,
  type RecoveryPointQuery,
} from '../../ports/recovery-point-catalog.js';
import {
  pageOf,
  pageWindowOf,
  type RecoveryPointPage,
  type RecoveryPointPageQuery,
} from '../../ports/recovery-point-page.js';

/** The catalog's in-memory twin, held to the same behavioural suite as the DynamoDB adapter. */
export class InMemoryRecoveryPointCatalog implements RecoveryPointCatalog {
  private readonly points = new Map<string, RecoveryPoint>();

  async put(points: readonly RecoveryPoint[]): Promise<void> {
    for (const point of points) this.points.set(point.id, structuredClone(point));
  }

  async get(id: string): Promise<RecoveryPoint | undefined> {
    const point = this.points.get(id);
    return point ? structuredClone(point) : undefined;
  }

  async list(query: RecoveryPointQuery): Promise<RecoveryPoint[]> {
    return [...this.points.values()]
      .filter((point) => matchesRecoveryPointQuery(point, query))
      .sort(newestFirst)
      .map((point) => structuredClone(point));
  }

  async listPage(query: RecoveryPointPageQuery): Promise<RecoveryPointPage> {
    const inWindow = pageWindowOf(query);
    const matching = [...this.points.values()].filter(
      (point) => matchesRecoveryPointQuery(point, query) && inWindow(point),
    );
    return structuredClone(pageOf(matching, query));
  }
}
