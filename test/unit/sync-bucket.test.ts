import { InMemoryInventoryReports } from '../../functions/adapters/in-memory/in-memory-inventory-reports.js';
import { InMemoryObjectCloud } from '../../functions/adapters/in-memory/in-memory-object-store.js';
import { InMemoryRecoveryPointCatalog } from '../../functions/adapters/in-memory/in-memory-recovery-point-catalog.js';
import type { BucketCopyState } from '../../functions/core/run-state/bucket-copy.js';
import { BucketCopyOptionsSchema } from '../../functions/core/config.js';
import { compareKeys } from '../../functions/core/object-sync.js';
import { PacingSchema, type RunContext } from '../../functions/core/run-state/backup-run.js';
import type { InventoryReports } from '../../functions/ports/inventory-reports.js';
import { planBucketCopies } from '../../functions/steps/plan-bucket-copies.js';
import { recordBucketCopies } from '../../functions/steps/record-bucket-copies.js';
import { restoreBucketCopy } from '../support/restore-bucket-copy.js';
import { syncBucket } from '../../functions/steps/sync-bucket.js';

const item = {
  bucket: 'src',
  region: 'us-west-2',
  backupBucket: 'bak',
  expiresAt: '2026-12-01T00:00:00.000Z',
};

function run(runId: string, concurrency = 2): RunContext {
  return {
    runId,
    policyName: 'daily',
    primaryRegion: 'us-east-1',
    startedAt: `2026-11-2${runId.slice(-1)}T03:00:00.000Z`,
    expiresAt: '2026-12-01T00:00:00.000Z',
    copyTargets: [],
    pacing: PacingSchema.parse({}),
    image: { noReboot: true },
    buckets: BucketCopyOptionsSchema.parse({
      concurrency,
      multipartThresholdMiB: 5,
      partSizeMiB: 5,
    }),
  };
}

/**
 * A whole bucket copy as the workflow runs it: plan ranges, run each range's turns, record. With
 * `shortTurns` every turn stops after its first chunk, as near a timeout.
 */
async function copyRun(
  cloud: InMemoryObjectCloud,
  catalog: InMemoryRecoveryPointCatalog,
  runId: string,
  shortTurns = false,
  overrides: Partial<RunContext['buckets']> = {},
  inventory?: InventoryReports,
  limits: { inlinePartsLimit?: number; spillPartsAt?: number } = {},
) {
  const store = cloud.store();
  const context = { ...run(runId), buckets: { ...run(runId).buckets, ...overrides } };
  const { rangeItems } = await planBucketCopies(
    { run: context, bucketItems: [item] },
    { catalog, backupFor: () => store, ...limits, ...(inventory ? { inventory } : {}) },
  );
  const deps = { source: store, backup: store, hasTime: () => !shortTurns, ...limits };
  const states: BucketCopyState[] = [];
  let turns = 0;
  for (const rangeItem of rangeItems) {
    let state: BucketCopyState = await syncBucket({ run: context, ...rangeItem }, deps);
    turns += 1;
    while (!state.done) {
      state = await syncBucket(state, deps);
      turns += 1;
    }
    states.push(state);
  }
  const [result] = await recordBucketCopies(
    { run: context, results: states },
    { storeFor: () => store, catalog, now: new Date('2026-11-22T04:00:00Z'), ...limits },
  );
  return {
    states,
    rangeItems,
    state: states[states.length - 1]!,
    result: result!,
    turns,
    ranges: rangeItems.length,
  };
}

function estate(objects = 20) {
  const cloud = new InMemoryObjectCloud();
  cloud.createBucket('src');
  cloud.createBucket('bak');
  for (let index = 0; index < objects; index += 1)
    cloud.put('src', `k/${String(index).padStart(3, '0')}`, `body ${index}`);
  return { cloud, catalog: new InMemoryRecoveryPointCatalog() };
}

describe('syncBucket and recordBucketCopy', () => {
  it('copies everything once, verified, and resumes across turns without copying twice', async () => {
    const { cloud, catalog } = estate(20);
    // Each turn stops after one chunk (concurrency 2 → 8 keys): 20 keys take 3 turns.
    const { state, result, turns } = await copyRun(cloud, catalog, 'run-1', true);
    expect(turns).toBe(3);
    expect(result).toMatchObject({ objects: 20, copied: 20, verified: 20, failed: 0 });
    expect(cloud.calls.CopyObject).toBe(20);
    // One part per turn; a finished range hands them on in a list object, not in its result.
    expect(state.parts).toEqual([]);
    expect(state.partLists).toHaveLength(1);
    const [point] = await catalog.list({ sourceId: 'src', kind: 'bucket-copy' });
    expect(point?.manifest).toMatchObject({
      objects: 20,
      copied: 20,
      keyPrefix: 'src/',
      partCount: turns,
    });
  });

  it('a no-change run reads no object and keeps every version id from the previous manifest', async () => {
    const { cloud, catalog } = estate(5);
    await copyRun(cloud, catalog, 'run-1');
    const before = { ...cloud.calls };
    const { result } = await copyRun(cloud, catalog, 'run-2');
    expect(result).toMatchObject({ copied: 0, kept: 5 });
    expect((cloud.calls.HeadObject ?? 0) - (before.HeadObject ?? 0)).toBe(0);
    expect((cloud.calls.CopyObject ?? 0) - (before.CopyObject ?? 0)).toBe(0);
    // Restoring run 2 (which copied nothing) brings back the versions run 1 made.
    cloud.createBucket('restored');
    const [point] = await catalog.list({ sourceId: 'src', kind: 'bucket-copy' });
    const restored = await restoreBucketCopy(
      { point: point!, targetBucket: 'restored' },
      { backup: cloud.store(), target: cloud.store() },
    );
    expect(restored).toMatchObject({ restored: 5, failures: [] });
    expect(cloud.latest('restored', 'k/003')?.body.toString()).toBe('body 3');
  });

  it('copies only changed and new objects; deleted keys stay restorable from the earlier run', async () => {
    const { cloud, catalog } = estate(5);
    await copyRun(cloud, catalog, 'run-1');
    cloud.put('src', 'k/001', 'changed body 1');
    cloud.put('src', 'k/999', 'new');
    cloud.delete('src', 'k/004');
    const before = cloud.calls.CopyObject ?? 0;
    const { result } = await copyRun(cloud, catalog, 'run-2');
    expect(result).toMatchObject({ copied: 2, kept: 3, deletedAtSource: 1 });
    expect((cloud.calls.CopyObject ?? 0) - before).toBe(2);
    const first = (await catalog.list({ sourceId: 'src' })).find(
      (point) => point.runId === 'run-1',
    )!;
    cloud.createBucket('restored');
    await restoreBucketCopy(
      { point: first, targetBucket: 'restored', prefix: 'k/004' },
      { backup: cloud.store(), target: cloud.store() },
    );
    expect(cloud.latest('restored', 'k/004')?.body.toString()).toBe('body 4');
  });

  it('a checksum mismatch is retried once, then fails that object and keeps the previous copy in the manifest', async () => {
    const { cloud, catalog } = estate(3);
    await copyRun(cloud, catalog, 'run-1');
    cloud.put('src', 'k/000', 'rewritten');
    cloud.corruptNextCopies = 2;
    const { result } = await copyRun(cloud, catalog, 'run-2');
    expect(result).toMatchObject({ copied: 0, failed: 1 });
    expect(result.failures[0]).toMatchObject({
      name: 'ChecksumMismatchError',
      message: expect.stringContaining('k/000'),
    });
    const second = (await catalog.list({ sourceId: 'src' })).find(
      (point) => point.runId === 'run-2',
    )!;
    cloud.createBucket('restored');
    await restoreBucketCopy(
      { point: second, targetBucket: 'restored' },
      { backup: cloud.store(), target: cloud.store() },
    );
    expect(cloud.latest('restored', 'k/000')?.body.toString()).toBe('body 0');
  });

  it('multipart above the threshold; objects without a checksum are copied but counted unverified', async () => {
    const { cloud, catalog } = estate(0);
    cloud.put('src', 'big', Buffer.alloc(11 * 1024 * 1024, 1));
    cloud.put('src', 'plain', 'no checksum', { checksum: false });
    const { result } = await copyRun(cloud, catalog, 'run-1');
    expect(result).toMatchObject({ copied: 2, verified: 0, failed: 0 });
    expect(cloud.calls.UploadPartCopy).toBe(1);
  });

  it('splits a later run into key ranges along the previous manifest parts, covering every key once', async () => {
    const { cloud, catalog } = estate(30);
    // First run: parts of at most 8 keys (one per chunk of 8 with concurrency 2).
    await copyRun(cloud, catalog, 'run-1', false, { objectsPerPart: 8 });
    const [firstPoint] = await catalog.list({ sourceId: 'src', kind: 'bucket-copy' });
    expect(firstPoint?.manifest?.partCount).toBe(4);
    cloud.put('src', 'k/005', 'changed 5');
    cloud.put('src', 'k/025', 'changed 25');
    cloud.put('src', 'k/0125', 'new, between two boundaries');
    cloud.put('src', 'zz-after-everything', 'new, after the last key');
    const second = await copyRun(cloud, catalog, 'run-2', false, {
      objectsPerPart: 8,
      objectsPerRange: 16,
    });
    expect(second.ranges).toBe(2);
    expect(second.result).toMatchObject({ objects: 32, copied: 4, kept: 28, failed: 0 });
    cloud.createBucket('restored');
    const [point] = await catalog.list({ sourceId: 'src', kind: 'bucket-copy' });
    expect(point?.runId).toBe('run-2');
    const restored = await restoreBucketCopy(
      { point: point!, targetBucket: 'restored' },
      { backup: cloud.store(), target: cloud.store() },
    );
    expect(restored.restored).toBe(32);
    expect(cloud.latest('restored', 'k/005')?.body.toString()).toBe('changed 5');
    expect(cloud.latest('restored', 'k/006')?.body.toString()).toBe('body 6');
  });

  it('splits a first copy along an inventory report’s key distribution; later runs split along the manifest', async () => {
    const { cloud, catalog } = estate(100);
    const inventory = new InMemoryInventoryReports();
    // A report lists keys in no particular order, and is older than the bucket: 10 keys came since.
    const reported = Array.from(
      { length: 90 },
      (_, index) => `k/${String(index).padStart(3, '0')}`,
    );
    inventory.deliver('src', [...reported].reverse(), 25);
    const first = await copyRun(
      cloud,
      catalog,
      'run-1',
      false,
      { objectsPerRange: 30, objectsPerPart: 10 },
      inventory,
    );
    expect(first.ranges).toBe(3);
    expect(first.result).toMatchObject({ objects: 100, copied: 100, failed: 0 });
    // Ranges are contiguous and meet: each ends where the next starts.
    const ranges = first.states.map((state) => state.range);
    expect(ranges[0]?.startAfter).toBeUndefined();
    expect(ranges.at(-1)?.endAt).toBeUndefined();
    for (let index = 1; index < ranges.length; index++)
      expect(ranges[index]?.startAfter).toBe(ranges[index - 1]?.endAt);
    // Roughly even: no range holds more than half the keys.
    for (const state of first.states) expect(state.totals.objects).toBeLessThan(50);
    expect(inventory.filesRead).toHaveLength(4);

    const second = await copyRun(
      cloud,
      catalog,
      'run-2',
      false,
      { objectsPerRange: 30, objectsPerPart: 10 },
      inventory,
    );
    // 100 keys in parts of 10, grouped into ranges of 30: 4 ranges, and the report is not read again.
    expect(second.ranges).toBe(4);
    expect(second.result).toMatchObject({ objects: 100, copied: 0, kept: 100 });
    expect(inventory.filesRead).toHaveLength(4);
  });

  it('a report that cannot be read leaves a first copy as one range; a lost index falls back to the run before', async () => {
    const { cloud, catalog } = estate(40);
    const store = cloud.store();
    const broken: InventoryReports = {
      latestReport: async () => {
        throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
      },
      keysIn: async function* () {},
    };
    const first = await copyRun(
      cloud,
      catalog,
      'run-1',
      false,
      { objectsPerRange: 10, objectsPerPart: 8 },
      broken,
    );
    expect(first.ranges).toBe(1);
    expect(first.result).toMatchObject({ copied: 40, failed: 0 });
    // Manifests by reference (the catalog holds no parts): the planner reads each index.
    const byReference = { inlinePartsLimit: 1 };
    await copyRun(
      cloud,
      catalog,
      'run-2',
      false,
      { objectsPerRange: 10, objectsPerPart: 8 },
      undefined,
      byReference,
    );
    // run-2's index is lost (deleted by hand): run-3 plans along run-1's manifest instead.
    const run2Index = '.manifests/src/run-2/index.json';
    await store.deleteObjectVersions(
      'bak',
      cloud
        .versionsOf('bak', run2Index)
        .map((version) => ({ key: run2Index, versionId: version.versionId })),
    );
    const third = await copyRun(cloud, catalog, 'run-3', false, {
      objectsPerRange: 10,
      objectsPerPart: 8,
    });
    expect(third.rangeItems.every((rangeItem) => rangeItem.previousRunId === 'run-1')).toBe(true);
    expect(third.ranges).toBeGreaterThan(1);
    expect(third.result).toMatchObject({ objects: 40, failed: 0 });
  });

  it('shares one range budget among the buckets and regions of a run', async () => {
    const catalog = new InMemoryRecoveryPointCatalog();
    const inventory = new InMemoryInventoryReports();
    const keys = Array.from({ length: 100 }, (_, index) => `k/${String(index).padStart(3, '0')}`);
    inventory.deliver('a', keys);
    inventory.deliver('b', keys);
    const items = ['a', 'b'].flatMap((bucket) =>
      ['us-west-2', 'eu-west-1'].map((region) => ({ ...item, bucket, region })),
    );
    const context = { ...run('run-1'), buckets: { ...run('run-1').buckets, objectsPerRange: 5 } };
    const { rangeItems } = await planBucketCopies(
      { run: context, bucketItems: items },
      { catalog, backupFor: () => new InMemoryObjectCloud().store(), inventory, rangesPerRun: 8 },
    );
    // 100 keys would make 20 ranges of 5 per bucket and region; 8 are shared by 4 items.
    expect(rangeItems).toHaveLength(8);
    for (const each of items)
      expect(
        rangeItems.filter(
          (rangeItem) =>
            rangeItem.item.bucket === each.bucket && rangeItem.item.region === each.region,
        ),
      ).toHaveLength(2);
  });

  it('a long manifest travels by reference: no parts in the Map items, the state or the catalog item', async () => {
    const { cloud, catalog } = estate(60);
    const limits = { inlinePartsLimit: 3, spillPartsAt: 4 };
    // 60 keys in parts of 8 (a turn ends after the chunk that fills its part): one range of 8
    // turns, spilled to a list object every 4 parts.
    const first = await copyRun(
      cloud,
      catalog,
      'run-1',
      false,
      { objectsPerPart: 5 },
      undefined,
      limits,
    );
    expect(first.turns).toBe(8);
    expect(first.state.partLists).toHaveLength(2);
    expect(first.state.parts).toEqual([]);
    const [point] = await catalog.list({ sourceId: 'src', kind: 'bucket-copy' });
    expect(point?.manifest).toMatchObject({ parts: [], partCount: 8 });

    cloud.put('src', 'k/007', 'changed 7');
    cloud.put('src', 'k/051', 'changed 51');
    const second = await copyRun(
      cloud,
      catalog,
      'run-2',
      false,
      { objectsPerPart: 5, objectsPerRange: 20 },
      undefined,
      limits,
    );
    // Split along the 8 parts read from the index; each range read its own parts from it.
    expect(second.rangeItems).toHaveLength(3);
    for (const rangeItem of second.rangeItems) {
      expect(rangeItem.previousParts).toEqual([]);
      expect(rangeItem.previousIndexKey).toBe('.manifests/src/run-1/index.json');
    }
    expect(second.result).toMatchObject({ objects: 60, copied: 2, kept: 58, failed: 0 });

    cloud.createBucket('restored');
    const [latest] = await catalog.list({ sourceId: 'src', kind: 'bucket-copy' });
    const restored = await restoreBucketCopy(
      { point: latest!, targetBucket: 'restored' },
      { backup: cloud.store(), target: cloud.store() },
    );
    expect(restored.restored).toBe(60);
    expect(cloud.latest('restored', 'k/007')?.body.toString()).toBe('changed 7');
  });

  it('a new key whose copy failed verification is copied again on the next run, not trusted', async () => {
    const { cloud, catalog } = estate(2);
    await copyRun(cloud, catalog, 'run-1');
    cloud.put('src', 'k/new', 'fresh');
    cloud.corruptNextCopies = 2;
    const second = await copyRun(cloud, catalog, 'run-2');
    expect(second.result).toMatchObject({ failed: 1 });
    const third = await copyRun(cloud, catalog, 'run-3');
    expect(third.result).toMatchObject({ copied: 1, verified: 1, failed: 0 });
  });

  it('after a range stops early, later runs still plan ordered ranges and restore every key once', async () => {
    const { cloud, catalog } = estate(30);
    const store = cloud.store();
    // One copy at a time: parts of 4 keys, ranges of 4 parts.
    const sizes = { objectsPerPart: 4, objectsPerRange: 16, concurrency: 1 };
    await copyRun(cloud, catalog, 'run-1', false, sizes);
    // Run 2: the first range stops after one turn (the source denies access), the second completes.
    const context = { ...run('run-2'), buckets: { ...run('run-2').buckets, ...sizes } };
    const { rangeItems } = await planBucketCopies(
      { run: context, bucketItems: [item] },
      { catalog, backupFor: () => store },
    );
    expect(rangeItems).toHaveLength(2);
    // Three turns (up to k/011), then the source denies access: k/012..k/015 are not reached.
    const short = { source: store, backup: store, hasTime: () => false };
    let stopped = await syncBucket({ run: context, ...rangeItems[0]! }, short);
    for (let turn = 1; turn < 3; turn++) stopped = await syncBucket(stopped, short);
    expect(stopped.startAfter).toBe('k/011');
    cloud.denied.add('src');
    stopped = await syncBucket(stopped, short);
    cloud.denied.delete('src');
    expect(stopped.rangeError?.name).toBe('SourceBucketUnavailableError');
    const full = { source: store, backup: store, hasTime: () => true };
    let second = await syncBucket({ run: context, ...rangeItems[1]! }, full);
    while (!second.done) second = await syncBucket(second, full);
    await recordBucketCopies(
      { run: context, results: [stopped, second] },
      { storeFor: () => store, catalog, now: new Date('2026-11-22T05:00:00Z') },
    );

    for (const runId of ['run-3', 'run-4']) {
      const next = await copyRun(cloud, catalog, runId, false, sizes);
      const bounds = next.rangeItems
        .map((rangeItem) => rangeItem.range.endAt)
        .filter((key): key is string => key !== undefined);
      expect([...bounds].sort(compareKeys)).toEqual(bounds);
      expect(new Set(bounds).size).toBe(bounds.length);
      expect(next.result).toMatchObject({ objects: 30, copied: 0, kept: 30, failed: 0 });
    }
    cloud.createBucket('restored');
    const [latest] = await catalog.list({ sourceId: 'src', kind: 'bucket-copy' });
    const restored = await restoreBucketCopy(
      { point: latest!, targetBucket: 'restored' },
      { backup: store, target: store },
    );
    expect(restored).toMatchObject({ restored: 30, failures: [] });
  });

  it('a range that stops on an error keeps what it copied and lets the previous copies stand in for the rest', async () => {
    const { cloud, catalog } = estate(20);
    await copyRun(cloud, catalog, 'run-1');
    cloud.put('src', 'k/000', 'changed 0');
    cloud.put('src', 'k/019', 'changed 19');
    const store = cloud.store();
    const context = run('run-2');
    const { rangeItems } = await planBucketCopies(
      { run: context, bucketItems: [item] },
      { catalog, backupFor: () => store },
    );
    const deps = { source: store, backup: store, hasTime: () => false };
    const firstTurn = await syncBucket({ run: context, ...rangeItems[0]! }, deps);
    expect(firstTurn.done).toBe(false);
    cloud.denied.add('src');
    const stopped = await syncBucket(firstTurn, deps);
    expect(stopped).toMatchObject({
      done: true,
      rangeError: { name: 'SourceBucketUnavailableError' },
    });
    const [result] = await recordBucketCopies(
      { run: context, results: [stopped] },
      { storeFor: () => store, catalog, now: new Date('2026-11-22T05:00:00Z') },
    );
    expect(result?.failures).toEqual([
      expect.objectContaining({
        name: 'SourceBucketUnavailableError',
        message: expect.stringContaining('previous copies stand in'),
      }),
    ]);

    cloud.denied.delete('src');
    cloud.createBucket('restored');
    const point = (await catalog.list({ sourceId: 'src' })).find(
      (candidate) => candidate.runId === 'run-2',
    )!;
    const restored = await restoreBucketCopy(
      { point, targetBucket: 'restored' },
      { backup: store, target: store },
    );
    expect(restored).toMatchObject({ restored: 20, failures: [] });
    expect(cloud.latest('restored', 'k/000')?.body.toString()).toBe('changed 0');
    // Not reached by run 2: restored as run 1 copied it.
    expect(cloud.latest('restored', 'k/019')?.body.toString()).toBe('body 19');
  });
});
