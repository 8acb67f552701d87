import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { InMemoryEc2RecoveryPoints } from '../../functions/adapters/in-memory/in-memory-ec2-recovery-points.js';
import { InMemoryObjectCloud } from '../../functions/adapters/in-memory/in-memory-object-store.js';
import { InMemoryRecoveryPointCatalog } from '../../functions/adapters/in-memory/in-memory-recovery-point-catalog.js';
import { versionsOnlyIn } from '../../functions/core/manifest-version-diff.js';
import type { ManifestEntry } from '../../functions/core/object-sync.js';
import type { PruneRegionState } from '../../functions/core/run-state/prune-run.js';
import { ThrottledError } from '../../functions/ports/errors/aws-request-errors.js';
import { parseConfig, type Retention } from '../../functions/core/config.js';
import { planPrune } from '../../functions/steps/plan-prune.js';
import { pruneRegionTurn } from '../../functions/steps/prune-region.js';

const region = 'us-east-1';
const now = new Date('2026-11-22T12:00:00Z');
const dayMs = 86_400_000;
const at = (d: number) => new Date(now.getTime() - d * dayMs - 11 * 3_600_000).toISOString();

function tags(source: string, d: number, extra: Record<string, string> = {}) {
  return {
    'backup:managed-by': 'backup-orchestrator',
    'backup:policy': 'daily',
    'backup:source': source,
    'backup:created-at': at(d),
    ...extra,
  };
}

function start(retention: Retention = { keepLast: 2 }, backupBucket?: string): PruneRegionState {
  return {
    prune: {
      runId: 'prune-1',
      policyName: 'daily',
      now: now.toISOString(),
      timezone: 'UTC',
      maxDeleteFraction: 1,
      force: false,
    },
    target: { region, retention, ...(backupBucket ? { backupBucket } : {}) },
    turns: 0,
    done: false,
    gaveUp: [],
    failures: [],
  };
}

function world() {
  const ec2 = new InMemoryEc2RecoveryPoints();
  const objects = new InMemoryObjectCloud();
  const catalog = new InMemoryRecoveryPointCatalog();
  let timeLeft = Number.POSITIVE_INFINITY;
  const deps = {
    ec2: ec2.store(region),
    objects: objects.store(),
    catalog,
    hasTime: () => timeLeft-- > 0,
  };
  return { ec2, objects, catalog, deps, setTurnBudget: (steps: number) => (timeLeft = steps) };
}

async function untilDone(state: PruneRegionState, deps: Parameters<typeof pruneRegionTurn>[1]) {
  let current = state;
  for (let turn = 0; turn < 50 && !current.done; turn++)
    current = await pruneRegionTurn(current, deps);
  return current;
}

describe('pruneRegionTurn (in-memory twins)', () => {
  it('a turn stopped by its time budget is finished by the next ones, deleting each point once', async () => {
    const { ec2, deps, setTurnBudget } = world();
    for (let d = 0; d < 10; d++) ec2.addSnapshot(region, tags('vol-1', d));
    setTurnBudget(3);
    const first = await pruneRegionTurn(start(), deps);
    expect(first.done).toBe(false);
    expect(first.totals?.snapshotsDeleted).toBe(3);
    setTurnBudget(Number.POSITIVE_INFINITY);
    const last = await untilDone(first, deps);
    expect(last.totals?.snapshotsDeleted).toBe(8);
    expect(ec2.calls.deleteSnapshot).toBe(8);
    // The plan summary is the first turn's: what was due before anything was deleted.
    expect(last.plan).toMatchObject({ points: 10, keep: 2, delete: 8 });
    expect(
      [...ec2.snapshots.values()].map((snapshot) => snapshot.tags['backup:created-at']),
    ).toEqual([at(0), at(1)]);
  });

  it('an image whose deletion stopped after the deregistration has its snapshots finished next turn', async () => {
    const { ec2, deps } = world();
    const snapshotsOf = (d: number) => [
      ec2.addSnapshot(region, tags('i-1', d)),
      ec2.addSnapshot(region, tags('i-1', d)),
    ];
    const images = [0, 1, 2].map((d) => ec2.addImage(region, tags('i-1', d), snapshotsOf(d)));
    const doomed = ec2.images.get(images[2]!)!.snapshotIds;
    const store = deps.ec2;
    let throttleOnce = true;
    const throttling = {
      ...store,
      deleteSnapshot: async (id: string) => {
        if (throttleOnce) {
          throttleOnce = false;
          throw new ThrottledError('DeleteSnapshot', 'RequestLimitExceeded');
        }
        return store.deleteSnapshot(id);
      },
    };
    const first = await pruneRegionTurn(start(), { ...deps, ec2: throttling });
    expect(first.done).toBe(false);
    expect(ec2.images.has(images[2]!)).toBe(false);
    expect(
      doomed.every((id) => ec2.snapshots.get(id)?.tags['backup:pruned-with-image'] === images[2]),
    ).toBe(true);

    const second = await pruneRegionTurn(first, { ...deps, ec2: throttling });
    expect(second.done).toBe(true);
    expect(doomed.some((id) => ec2.snapshots.has(id))).toBe(false);
    expect(second.totals).toMatchObject({ imagesDeregistered: 1, imageSnapshotsDeleted: 2 });
    // The leftovers were finished, never planned as recovery points of their own.
    expect(second.plan?.points).toBe(3);
    expect(ec2.images.size).toBe(2);
  });

  it('keeps what it did not make, what backs another image, what is locked or held, and bad tags', async () => {
    const { ec2, deps } = world();
    ec2.addSnapshot(region, tags('vol-1', 0));
    ec2.addSnapshot(region, tags('vol-1', 1));
    const foreign = ec2.addSnapshot(region, {
      ...tags('vol-1', 5),
      'backup:managed-by': 'someone',
    });
    const backing = ec2.addSnapshot(region, tags('vol-1', 6));
    ec2.addImage(region, { Name: 'not ours' }, [backing]);
    const locked = ec2.addSnapshot(region, tags('vol-1', 7));
    ec2.locked.add(locked);
    const held = ec2.addSnapshot(region, tags('vol-1', 8, { 'backup:legal-hold': 'case-1' }));
    const badTag = ec2.addSnapshot(region, tags('vol-1', 9, { 'backup:expires-at': 'soon' }));
    const doomed = ec2.addSnapshot(region, tags('vol-1', 10));

    const state = await untilDone(start(), deps);
    expect(state.failures).toEqual([]);
    expect(ec2.snapshots.has(doomed)).toBe(false);
    for (const kept of [foreign, backing, locked, held, badTag])
      expect(ec2.snapshots.has(kept)).toBe(true);
    expect(state.plan?.keptBy).toMatchObject({
      'not managed by this product': 1,
      'backs a registered image': 1,
      locked: 1,
      'legal hold': 1,
      'malformed tag backup:expires-at': 1,
    });
    expect(state.plan?.problems).toEqual([`${badTag}: malformed tag backup:expires-at="soon"`]);
  });

  it('finishes an image’s leftover snapshots only when they are the product’s own, unheld and marked with an AMI id', async () => {
    const { ec2, deps } = world();
    ec2.addSnapshot(region, tags('vol-1', 0));
    const leftover = ec2.addSnapshot(
      region,
      tags('i-1', 3, { 'backup:pruned-with-image': 'ami-0123456789abcdef0' }),
    );
    const held = ec2.addSnapshot(
      region,
      tags('vol-1', 1, {
        'backup:legal-hold': 'case-7',
        'backup:pruned-with-image': 'ami-0123456789abcdef0',
      }),
    );
    const foreign = ec2.addSnapshot(region, {
      'backup:policy': 'daily',
      'backup:source': 'vol-2',
      'backup:pruned-with-image': 'ami-0123456789abcdef0',
    });
    const notAnAmi = ec2.addSnapshot(region, tags('vol-1', 2, { 'backup:pruned-with-image': 'x' }));
    const state = await untilDone(start({ keepLast: 5 }), deps);
    expect(ec2.snapshots.has(leftover)).toBe(false);
    expect(state.totals?.imageSnapshotsDeleted).toBe(1);
    for (const kept of [held, foreign, notAnAmi]) expect(ec2.snapshots.has(kept)).toBe(true);
  });

  it('a created-at that only a lenient parser reads, or a missing source, keeps the point and is reported', async () => {
    const { ec2, deps } = world();
    ec2.addSnapshot(region, tags('vol-1', 0));
    const weekTwelve = ec2.addSnapshot(region, {
      ...tags('vol-1', 1),
      'backup:created-at': 'week 12',
    });
    const noOffset = ec2.addSnapshot(region, {
      ...tags('vol-1', 1),
      'backup:created-at': '2026-01-01T00:00:00',
    });
    const { 'backup:source': _source, ...withoutSource } = tags('vol-9', 40);
    const lonely = [ec2.addSnapshot(region, withoutSource), ec2.addSnapshot(region, withoutSource)];
    const state = await untilDone(start({ keepLast: 1, maxAgeDays: 30 }), deps);
    for (const kept of [weekTwelve, noOffset, ...lonely])
      expect(ec2.snapshots.has(kept)).toBe(true);
    expect(state.plan?.problems).toEqual(
      expect.arrayContaining([
        `${weekTwelve}: malformed createdAt="week 12"`,
        `${noOffset}: malformed createdAt="2026-01-01T00:00:00"`,
        `${lonely[0]}: missing tag backup:source`,
        `${lonely[1]}: missing tag backup:source`,
      ]),
    );
  });

  it('keeps an image whose snapshot is locked, and one whose snapshot is under a legal hold', async () => {
    const { ec2, deps } = world();
    ec2.addImage(region, tags('i-1', 0), [ec2.addSnapshot(region, tags('i-1', 0))]);
    const lockedSnapshot = ec2.addSnapshot(region, tags('i-1', 5));
    ec2.locked.add(lockedSnapshot);
    const locked = ec2.addImage(region, tags('i-1', 5), [lockedSnapshot]);
    const heldSnapshot = ec2.addSnapshot(region, tags('i-1', 6, { 'backup:legal-hold': 'case-9' }));
    const held = ec2.addImage(region, tags('i-1', 6), [heldSnapshot]);
    const doomed = ec2.addImage(region, tags('i-1', 7), [ec2.addSnapshot(region, tags('i-1', 7))]);
    const state = await untilDone(start({ keepLast: 1 }), deps);
    expect(state.failures).toEqual([]);
    expect(ec2.images.has(locked) && ec2.images.has(held)).toBe(true);
    expect(ec2.snapshots.has(lockedSnapshot) && ec2.snapshots.has(heldSnapshot)).toBe(true);
    expect(ec2.images.has(doomed)).toBe(false);
    expect(state.plan?.keptBy).toMatchObject({ locked: 1, 'legal hold': 1 });
  });

  it('a deletion the cloud refuses is reported once and not retried by later turns', async () => {
    const { ec2, deps } = world();
    for (let d = 0; d < 4; d++) ec2.addSnapshot(region, tags('vol-1', d));
    const refusing = {
      ...deps.ec2,
      deleteSnapshot: async () => {
        throw Object.assign(new Error('UnauthorizedOperation'), { name: 'AwsRequestError' });
      },
    };
    const state = await untilDone(start(), { ...deps, ec2: refusing });
    expect(state.done).toBe(true);
    expect(state.failures.map((failure) => failure.name)).toEqual([
      'AwsRequestError',
      'AwsRequestError',
    ]);
    expect(ec2.snapshots.size).toBe(4);
  });

  it('marks pruned points expired in the catalog, with the rule that decided', async () => {
    const { ec2, catalog, deps } = world();
    const ids = [0, 1, 2].map((d) => ec2.addSnapshot(region, tags('vol-1', d)));
    await catalog.put(
      ids.map((id, d) => ({
        id,
        kind: 'volume-snapshot' as const,
        sourceId: 'vol-1',
        region,
        policy: 'daily',
        runId: `r${d}`,
        createdAt: at(d),
        expiresAt: 'never',
        state: 'available' as const,
      })),
    );
    await untilDone(start(), deps);
    expect((await catalog.get(ids[2]!))?.state).toBe('expired');
    expect((await catalog.get(ids[2]!))?.pruned).toEqual({
      at: now.toISOString(),
      reasons: ['kept by no rule'],
    });
    expect((await catalog.get(ids[0]!))?.state).toBe('available');
  });

  it('an image’s exports go with it: every version of the artifact, and the catalog entry', async () => {
    const { ec2, objects, catalog, deps } = world();
    objects.createBucket('exports');
    const images = [0, 1, 2].map((d) =>
      ec2.addImage(region, tags('i-1', d, { 'backup:run': `run-${d}` }), [
        ec2.addSnapshot(region, tags('i-1', d, { 'backup:run': `run-${d}` })),
      ]),
    );
    const exportOf = (d: number) => ({
      id: `s3://exports/exports/daily/export-ami-${d}.vmdk`,
      kind: 'image-export' as const,
      sourceId: 'i-1',
      region,
      policy: 'daily',
      runId: `run-${d}`,
      createdAt: at(d),
      expiresAt: 'never',
      state: 'available' as const,
      artifact: {
        bucket: 'exports',
        key: `exports/daily/export-ami-${d}.vmdk`,
        format: 'VMDK',
        sizeBytes: 4,
      },
    });
    for (const d of [0, 2]) {
      objects.put('exports', `exports/daily/export-ami-${d}.vmdk`, 'disk');
      objects.put('exports', `exports/daily/export-ami-${d}.vmdk`, 'disk, again');
    }
    await catalog.put([exportOf(0), exportOf(2)]);

    const state = await untilDone(start(), deps);
    expect(state.failures).toEqual([]);
    expect(ec2.images.has(images[2]!)).toBe(false);
    expect(state.totals).toMatchObject({ imagesDeregistered: 1, exportsDeleted: 1 });
    expect(objects.versionsOf('exports', 'exports/daily/export-ami-2.vmdk')).toEqual([]);
    expect(objects.versionsOf('exports', 'exports/daily/export-ami-0.vmdk')).toHaveLength(2);
    expect((await catalog.get(exportOf(2).id))?.state).toBe('expired');
    expect((await catalog.get(exportOf(0).id))?.state).toBe('available');
  });

  it('a bucket-copy run whose copy S3 refuses to delete (Object Lock) keeps its manifest and is reported', async () => {
    const { objects, deps } = world();
    objects.createBucket('backup');
    const runs = [2, 1, 0].map((d) => {
      objects.put('backup', 'src/a.txt', `a at ${d}`);
      const version = objects.latest('backup', 'src/a.txt')!;
      if (d === 2) version.retainUntil = '2027-01-01T00:00:00.000Z';
      const prefix = `.manifests/src/run-${d}/`;
      const entry = {
        key: 'a.txt',
        size: 1,
        sourceEtag: '"e"',
        sourceLastModified: at(d),
        versionId: version.versionId,
        copiedInRun: `run-${d}`,
      };
      objects.put('backup', `${prefix}part-0.jsonl.gz`, gzipSync(`${JSON.stringify(entry)}\n`));
      objects.put(
        'backup',
        `${prefix}index.json`,
        JSON.stringify({
          format: 'backup-orchestrator/bucket-manifest@1',
          runId: `run-${d}`,
          policy: 'daily',
          sourceBucket: 'src',
          region,
          backupBucket: 'backup',
          keyPrefix: 'src/',
          createdAt: at(d),
          finishedAt: at(d),
          expiresAt: 'never',
          parts: [
            { key: `${prefix}part-0.jsonl.gz`, firstKey: 'a.txt', lastKey: 'a.txt', lines: 1 },
          ],
          totals: {},
        }),
      );
      return version.versionId;
    });
    const state = await untilDone(start({ keepLast: 2 }, 'backup'), deps);
    expect(state.failures).toHaveLength(1);
    expect(state.failures[0]).toMatchObject({
      id: 's3://backup/.manifests/src/run-2/index.json',
      name: 'BucketRunNotExpiredError',
    });
    expect(objects.latest('backup', '.manifests/src/run-2/index.json')).toBeDefined();
    expect(objects.versionsOf('backup', 'src/a.txt').map((version) => version.versionId)).toEqual(
      runs,
    );
  });
});

describe('planPrune', () => {
  const config = parseConfig({
    primaryRegion: 'us-east-1',
    policies: {
      daily: {
        schedule: 'cron(0 3 * * ? *)',
        timezone: 'Europe/Berlin',
        retention: { daily: 7 },
        copyTo: [{ region: 'us-west-2', retention: { keepLast: 2 } }],
        prune: { maxDeleteFraction: 0.25 },
      },
    },
  });
  const event = (now?: string) => ({
    request: { policyName: 'daily', config, ...(now ? { now } : {}) },
    executionName: 'prune-1',
    executionStartTime: '2026-11-22T03:00:00.000Z',
  });

  it('plans each region with its own retention, the policy’s time zone and fraction', () => {
    const { prune, regions } = planPrune(event(), { 'us-west-2': 'backup-west' });
    expect(prune).toMatchObject({
      now: '2026-11-22T03:00:00.000Z',
      timezone: 'Europe/Berlin',
      maxDeleteFraction: 0.25,
      force: false,
    });
    expect(regions.map((region) => region.target)).toEqual([
      { region: 'us-east-1', retention: { daily: 7 } },
      { region: 'us-west-2', retention: { keepLast: 2 }, backupBucket: 'backup-west' },
    ]);
  });

  it('refuses to prune from the future; a dry run may look ahead', () => {
    expect(() => planPrune(event('2026-12-22T03:00:00.000Z'))).toThrow(
      expect.objectContaining({ name: 'InvalidInputError' }),
    );
    expect(planPrune(event('2026-12-22T03:00:00.000Z'), {}, { preview: true }).prune.now).toBe(
      '2026-12-22T03:00:00.000Z',
    );
  });
});

describe('versionsOnlyIn', () => {
  /** A history of runs over a few keys: each run changes, keeps or drops each key. */
  const history = fc.array(
    fc.array(fc.constantFrom('same', 'change', 'drop'), { minLength: 4, maxLength: 4 }),
    {
      minLength: 1,
      maxLength: 12,
    },
  );

  it('equals "listed by the expiring run and by no kept run", with only the nearest kept runs read', async () => {
    await fc.assert(
      fc.asyncProperty(
        history,
        fc.nat(),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        async (steps, pick, keptMask) => {
          const keys = ['a', 'b c', 'b+', 'ü'].sort();
          const state = new Map<string, string>();
          let version = 0;
          const runs: ManifestEntry[][] = steps.map((step, run) => {
            step.forEach((action, index) => {
              const key = keys[index]!;
              if (action === 'drop') state.delete(key);
              else if (action === 'change' || !state.has(key)) state.set(key, `v${++version}`);
            });
            return [...state]
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([key, versionId]) => ({
                key,
                versionId,
                size: 1,
                sourceEtag: '',
                sourceLastModified: '',
                copiedInRun: `${run}`,
              }));
          });
          const expiring = pick % runs.length;
          const kept = runs.map((_, index) => index !== expiring && keptMask[index]!);
          const before = kept.slice(0, expiring).lastIndexOf(true);
          const after = kept.indexOf(true, expiring + 1);
          const neighbours = [before, after]
            .filter((index) => index >= 0)
            .map((index) => runs[index]!);
          const listedByKept = new Set(
            runs.flatMap((entries, index) =>
              kept[index] ? entries.map((entry) => `${entry.key} ${entry.versionId}`) : [],
            ),
          );
          const expected = runs[expiring]!.filter(
            (entry) => !listedByKept.has(`${entry.key} ${entry.versionId}`),
          );
          const actual: ManifestEntry[] = [];
          for await (const entry of versionsOnlyIn(stream(runs[expiring]!), neighbours.map(stream)))
            actual.push(entry);
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

async function* stream(entries: ManifestEntry[]): AsyncIterable<ManifestEntry> {
  for (const entry of entries) yield entry;
}
