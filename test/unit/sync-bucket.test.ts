import { InMemoryObjectCloud } from '../../functions/adapters/in-memory/in-memory-object-store.js';
import { InMemoryRecoveryPointCatalog } from '../../functions/adapters/in-memory/in-memory-recovery-point-catalog.js';
import type { BucketCopyState } from '../../functions/core/bucket-copy-state.js';
import { BucketCopyOptionsSchema } from '../../functions/core/config.js';
import { PacingSchema, type RunContext } from '../../functions/core/volume-backup-state.js';
import { recordBucketCopy } from '../../functions/steps/record-bucket-copy.js';
import { restoreBucketCopy } from '../../functions/steps/restore-bucket-copy.js';
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

/** A run of turns; with `shortTurns` every turn stops after its first chunk, as near a timeout. */
async function copyRun(
  cloud: InMemoryObjectCloud,
  catalog: InMemoryRecoveryPointCatalog,
  runId: string,
  shortTurns = false,
) {
  const store = cloud.store();
  const deps = { source: store, backup: store, catalog, hasTime: () => !shortTurns };
  let state: BucketCopyState = await syncBucket({ run: run(runId), item }, deps);
  let turns = 1;
  while (!state.done) {
    state = await syncBucket(state, deps);
    turns += 1;
  }
  const result = await recordBucketCopy(state, {
    backup: store,
    catalog,
    now: new Date('2026-11-22T04:00:00Z'),
  });
  return { state, result, turns };
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
    expect(state.parts).toHaveLength(turns);
    const [point] = await catalog.list({ sourceId: 'src', kind: 'bucket-copy' });
    expect(point?.manifest).toMatchObject({ objects: 20, copied: 20, keyPrefix: 'src/' });
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
});
