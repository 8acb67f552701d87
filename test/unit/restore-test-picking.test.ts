import { parseConfig } from '../../functions/core/config.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import { selectRestoreCandidates } from '../../functions/core/restore-test-picking.js';

function image(
  id: string,
  sourceId: string,
  createdAt: string,
  extra: Partial<RecoveryPoint> = {},
): RecoveryPoint {
  return {
    id,
    kind: 'image',
    sourceId,
    region: 'us-east-1',
    policy: 'daily',
    runId: 'run',
    createdAt,
    expiresAt: 'never',
    state: 'available',
    ...extra,
  };
}
const criteria = { policy: 'daily', region: 'us-east-1' };

describe('selectRestoreCandidates', () => {
  it('takes the newest available image per instance in the primary region, not copies or other kinds', () => {
    const points = [
      image('ami-old', 'i-a', '2026-01-01T00:00:00.000Z'),
      image('ami-new', 'i-a', '2026-01-02T00:00:00.000Z'),
      image('ami-newest-but-creating', 'i-a', '2026-01-03T00:00:00.000Z', { state: 'creating' }),
      image('ami-failed', 'i-b', '2026-01-03T00:00:00.000Z', { state: 'failed' }),
      image('ami-b', 'i-b', '2026-01-01T00:00:00.000Z'),
      image('ami-dr', 'i-c', '2026-01-02T00:00:00.000Z', {
        region: 'us-west-2',
        copyOf: { id: 'ami-x', region: 'us-east-1' },
      }),
      image('ami-other-policy', 'i-d', '2026-01-02T00:00:00.000Z', { policy: 'weekly' }),
      image('snap-1', 'vol-1', '2026-01-02T00:00:00.000Z', { kind: 'volume-snapshot' }),
    ];
    const { candidates, selected } = selectRestoreCandidates(points, criteria);
    expect(selected.map((ref) => ref.imageId)).toEqual(['ami-new', 'ami-b']);
    expect(candidates).toEqual(selected);
  });

  it('with a sample, tests never-tested sources first, then the longest untested, ties by source id', () => {
    const tested = (at: string) => ({ restoreTest: { verdict: 'passed' as const, testedAt: at } });
    const points = [
      image('ami-a1', 'i-a', '2026-01-01T00:00:00.000Z', tested('2026-01-05T00:00:00.000Z')),
      image('ami-a2', 'i-a', '2026-01-06T00:00:00.000Z'),
      image('ami-b', 'i-b', '2026-01-06T00:00:00.000Z', tested('2026-01-02T00:00:00.000Z')),
      image('ami-c', 'i-c', '2026-01-06T00:00:00.000Z'),
      image('ami-d', 'i-d', '2026-01-06T00:00:00.000Z'),
    ];
    const pick = (sample: number) =>
      selectRestoreCandidates(points, { ...criteria, sample }).selected.map((ref) => ref.sourceId);
    expect(pick(2)).toEqual(['i-c', 'i-d']);
    expect(pick(3)).toEqual(['i-c', 'i-d', 'i-b']);
    expect(pick(10)).toEqual(['i-c', 'i-d', 'i-b', 'i-a']);
    const a = selectRestoreCandidates(points, { ...criteria, sample: 4 }).selected.find(
      (ref) => ref.sourceId === 'i-a',
    );
    expect(a).toEqual({
      imageId: 'ami-a2',
      sourceId: 'i-a',
      createdAt: '2026-01-06T00:00:00.000Z',
      lastTestedAt: '2026-01-05T00:00:00.000Z',
    });
  });
});

describe('restoreTest configuration', () => {
  const base = (restoreTest: unknown) => ({
    primaryRegion: 'us-east-1',
    policies: { daily: { schedule: 'rate(1 day)', retention: { daily: 7 }, restoreTest } },
  });

  it('defaults the timeout and the instance type', () => {
    expect(
      parseConfig(base({ schedule: 'cron(0 6 ? * SUN *)' })).policies.daily?.restoreTest,
    ).toEqual({
      schedule: 'cron(0 6 ? * SUN *)',
      timeoutMinutes: 20,
      instanceType: 't3.micro',
    });
  });

  it('lists every bad field by path', () => {
    expect(() =>
      parseConfig(
        base({ schedule: 'whenever', sample: 0, timeoutMinutes: 1.5, instanceType: 'big' }),
      ),
    ).toThrow(
      expect.objectContaining({
        issues: expect.arrayContaining([
          expect.objectContaining({ path: 'policies.daily.restoreTest.schedule' }),
          {
            path: 'policies.daily.restoreTest.sample',
            message: 'expected a whole number >= 1, got 0',
          },
          expect.objectContaining({
            path: 'policies.daily.restoreTest.timeoutMinutes',
            message: expect.stringContaining('got 1.5'),
          }),
          expect.objectContaining({
            path: 'policies.daily.restoreTest.instanceType',
            message: expect.stringContaining('got "big"'),
          }),
        ]),
      }),
    );
  });
});
