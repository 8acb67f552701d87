import { pointAtOrBefore } from '../../functions/core/restore/point-selection.js';
import { RestoreValidationError } from '../../functions/core/restore/restore-errors.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';

function point(
  id: string,
  createdAt: string,
  overrides: Partial<RecoveryPoint> = {},
): RecoveryPoint {
  return {
    id,
    kind: 'bucket-copy',
    sourceId: 'photos',
    region: 'us-east-1',
    policy: 'daily',
    runId: 'run-1',
    createdAt,
    expiresAt: 'never',
    state: 'available',
    ...overrides,
  };
}

const points = [
  point('copy-1', '2026-11-01T03:00:00.000Z'),
  point('copy-2', '2026-11-02T03:00:00.000Z'),
  point('copy-3-failed', '2026-11-03T03:00:00.000Z', { state: 'failed' }),
  point('copy-3-west', '2026-11-03T03:00:00.000Z', { region: 'us-west-2' }),
  point('snap-x', '2026-11-03T04:00:00.000Z', { kind: 'volume-snapshot' }),
  point('copy-other', '2026-11-03T05:00:00.000Z', { sourceId: 'logs' }),
];
const now = new Date('2026-12-01T00:00:00.000Z');
const wanted = { sourceId: 'photos', kind: 'bucket-copy' as const, region: 'us-east-1' };

function problemsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof RestoreValidationError) return error.problems;
    throw error;
  }
  throw new Error('no RestoreValidationError');
}

describe('pointAtOrBefore', () => {
  it('picks the newest available point of the source, kind and region at or before the time', () => {
    expect(pointAtOrBefore(points, { ...wanted, at: '2026-11-30T00:00:00Z' }, now).id).toBe(
      'copy-2',
    );
    expect(pointAtOrBefore(points, { ...wanted, at: '2026-11-02T03:00:00Z' }, now).id).toBe(
      'copy-2',
    );
    expect(pointAtOrBefore(points, { ...wanted, at: '2026-11-02T04:59:59+02:00' }, now).id).toBe(
      'copy-1',
    );
    expect(
      pointAtOrBefore(points, { ...wanted, region: 'us-west-2', at: '2026-11-30T00:00:00Z' }, now)
        .id,
    ).toBe('copy-3-west');
  });

  it('names the newest point when at is in the future, the oldest when before the first', () => {
    const future = problemsOf(() =>
      pointAtOrBefore(points, { ...wanted, at: '2026-12-24T00:00:00Z' }, now),
    );
    expect(future).toEqual([expect.objectContaining({ path: 'at', code: 'at-in-the-future' })]);
    expect(future[0]?.message).toMatch(/newest .* is copy-2, created 2026-11-02T03:00:00.000Z/);
    const early = problemsOf(() =>
      pointAtOrBefore(points, { ...wanted, at: '2026-10-01T00:00:00Z' }, now),
    );
    expect(early).toEqual([expect.objectContaining({ path: 'at', code: 'at-before-first-point' })]);
    expect(early[0]?.message).toMatch(/oldest is copy-1, created 2026-11-01T03:00:00.000Z/);
  });

  it('says so on sourceId when the source has no available point of the kind', () => {
    expect(
      problemsOf(() =>
        pointAtOrBefore(points, { ...wanted, sourceId: 'nope', at: '2026-11-30T00:00:00Z' }, now),
      ),
    ).toEqual([expect.objectContaining({ path: 'sourceId', code: 'no-recovery-point' })]);
  });
});
