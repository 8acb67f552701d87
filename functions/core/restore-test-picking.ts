import type { RecoveryPoint } from './recovery-point.js';
import type { ImageRef } from './run-state/restore-test-run.js';

export interface PickCriteria {
  policy: string;
  /** Only images in this region are tested (the primary region). */
  region: string;
  /** Test this many sources, those tested longest ago first; all when absent. */
  sample?: number;
}

export interface Pick {
  /** Every source with a testable image, its newest one. */
  candidates: ImageRef[];
  selected: ImageRef[];
}

/**
 * Which images a restore test boots: per source (instance), the newest image of the policy that
 * is available in the region (not a copy). With a sample, the sources whose last restore test
 * (of any of their images) is oldest go first, never-tested ones before all, ties by source id.
 */
export function selectRestoreCandidates(
  points: readonly RecoveryPoint[],
  criteria: PickCriteria,
): Pick {
  const lastTested = new Map<string, string>();
  for (const point of points) {
    const testedAt = point.restoreTest?.testedAt;
    if (point.kind !== 'image' || !testedAt) continue;
    const previous = lastTested.get(point.sourceId);
    if (!previous || testedAt > previous) lastTested.set(point.sourceId, testedAt);
  }

  const newest = new Map<string, RecoveryPoint>();
  for (const point of points) {
    if (
      point.kind !== 'image' ||
      point.state !== 'available' ||
      point.policy !== criteria.policy ||
      point.region !== criteria.region ||
      point.copyOf !== undefined
    ) {
      continue;
    }
    const current = newest.get(point.sourceId);
    if (
      !current ||
      point.createdAt > current.createdAt ||
      (point.createdAt === current.createdAt && point.id > current.id)
    ) {
      newest.set(point.sourceId, point);
    }
  }

  const candidates = [...newest.values()]
    .map((point): ImageRef => {
      const testedAt = lastTested.get(point.sourceId);
      return {
        imageId: point.id,
        sourceId: point.sourceId,
        createdAt: point.createdAt,
        ...(testedAt ? { lastTestedAt: testedAt } : {}),
      };
    })
    .sort((a, b) => a.sourceId.localeCompare(b.sourceId));
  if (criteria.sample === undefined) return { candidates, selected: candidates };
  const byStaleness = [...candidates].sort(
    (a, b) =>
      (a.lastTestedAt ?? '').localeCompare(b.lastTestedAt ?? '') ||
      a.sourceId.localeCompare(b.sourceId),
  );
  return { candidates, selected: byStaleness.slice(0, criteria.sample) };
}
