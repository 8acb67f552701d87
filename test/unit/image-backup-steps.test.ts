import { InMemoryImageCloud } from '../../functions/adapters/in-memory/in-memory-image-cloud.js';
import { InMemoryRecoveryPointCatalog } from '../../functions/adapters/in-memory/in-memory-recovery-point-catalog.js';
import { BucketCopyOptionsSchema } from '../../functions/core/config.js';
import type { ImageBatchState } from '../../functions/core/run-state/image-batch.js';
import { exportBlockers } from '../../functions/core/image-exportability.js';
import { PacingSchema, type RunContext } from '../../functions/core/run-state/backup-run.js';
import { ThrottledError } from '../../functions/ports/errors/aws-request-errors.js';
import { copyImages } from '../../functions/steps/copy-images.js';
import { exportImages } from '../../functions/steps/export-images.js';
import { imageInstances } from '../../functions/steps/image-instances.js';
import { recordImages } from '../../functions/steps/record-images.js';

const unpaced = <T>(call: () => Promise<T>) => call();
const always = () => true;
const bucket = 'exports';

function run(overrides: Partial<RunContext> = {}): RunContext {
  return {
    buckets: BucketCopyOptionsSchema.parse({}),
    runId: 'run-1',
    policyName: 'daily',
    primaryRegion: 'us-east-1',
    startedAt: '2026-11-22T03:00:00.000Z',
    expiresAt: '2026-11-29T03:00:00.000Z',
    copyTargets: [
      { region: 'us-west-2', kmsKeyId: 'alias/dr', expiresAt: '2026-11-25T03:00:00.000Z' },
    ],
    pacing: PacingSchema.parse({}),
    image: {
      noReboot: true,
      export: { format: 'VMDK', bucket, prefix: 'exports/daily/', roleName: 'vmimport' },
    },
    ...overrides,
  };
}

function cloudWith(instances: number): { cloud: InMemoryImageCloud; ids: string[] } {
  const cloud = new InMemoryImageCloud();
  cloud.buckets.add(bucket);
  const ids = Array.from(
    { length: instances },
    (_, index) => `i-${String(index).padStart(17, '0')}`,
  );
  for (const id of ids) cloud.instances.add(id);
  return { cloud, ids };
}

async function untilSettled(
  first: Promise<ImageBatchState>,
  next: (state: ImageBatchState) => Promise<ImageBatchState>,
) {
  let state = await first;
  let turns = 1;
  while (!state.loop.settled) {
    state = await next(state);
    turns += 1;
  }
  return { state, turns };
}

async function imaged(cloud: InMemoryImageCloud, ids: string[], context = run()) {
  const deps = { store: cloud.imageStore('us-east-1'), pace: unpaced, hasTime: always };
  return untilSettled(
    imageInstances(
      { run: context, batchIndex: 0, instances: ids.map((instanceId) => ({ instanceId })) },
      deps,
    ),
    (state) => imageInstances(state, deps),
  );
}

describe('imageInstances', () => {
  it('creates one tagged image per instance and polls them with one Describe per turn', async () => {
    const { cloud, ids } = cloudWith(3);
    cloud.pendingPolls = 2;
    const { state, turns } = await imaged(cloud, ids);
    expect(turns).toBe(3);
    expect(cloud.calls.describeImages).toBe(3);
    expect(state.items.map((item) => item.image.status)).toEqual([
      'completed',
      'completed',
      'completed',
    ]);
    const image = cloud.images.get(state.items[0]?.image.id ?? '');
    expect(image?.name).toBe(`backup-daily-${ids[0]}-run-1`);
    expect(image?.tags).toMatchObject({
      'backup:source': ids[0],
      'backup:run': 'run-1',
      'backup:expires-at': '2026-11-29T03:00:00.000Z',
    });
    expect(state.items[0]?.snapshotIds).toHaveLength(1);
  });

  it('adopts its own images on a re-run, keeps throttled starts queued, and fails a vanished instance alone', async () => {
    const { cloud, ids } = cloudWith(3);
    cloud.instances.delete(ids[2]!);
    cloud.failNext.createImage.push(new ThrottledError('CreateImage', 'RequestLimitExceeded'));
    const first = await imaged(cloud, ids);
    // The throttled start was retried on the next turn (two attempts); the error is cleared.
    expect(
      first.state.items.map((item) => [
        item.image.status,
        item.image.attempts,
        item.image.error?.name,
      ]),
    ).toEqual([
      ['completed', 2, undefined],
      ['completed', 1, undefined],
      ['failed', 1, 'InstanceNotImageableError'],
    ]);
    await imaged(cloud, ids);
    // The re-run adopts both images; only the vanished instance is tried (and fails) again.
    expect(cloud.calls.createImage).toBe(5);
    expect(cloud.images.size).toBe(2);
  });
});

describe('copyImages', () => {
  it('copies every completed image to each DR region with the region key and tags the copy at once', async () => {
    const { cloud, ids } = cloudWith(2);
    const { state: images } = await imaged(cloud, ids);
    const deps = {
      storeFor: (region: string) => cloud.imageStore(region),
      pace: unpaced,
      hasTime: always,
    };
    const { state } = await untilSettled(copyImages(images, deps), (next) =>
      copyImages(next, deps),
    );
    const copies = [...cloud.images.values()].filter((image) => image.region === 'us-west-2');
    expect(copies).toHaveLength(2);
    expect(
      copies.every((copy) => copy.snapshots.every((snapshot) => snapshot.kmsKeyId === 'alias/dr')),
    ).toBe(true);
    expect(cloud.tagged.get(copies[0]!.imageId)).toMatchObject({
      'backup:copy-of': expect.stringMatching(/^arn:aws:ec2:us-east-1::image\/ami-/),
    });
    expect(state.items.flatMap((item) => item.copies.map((copy) => copy.status))).toEqual([
      'completed',
      'completed',
    ]);
  });
});

describe('exportImages', () => {
  it('exports each image, verifies the artifact and records its facts; a repeat run adopts the task', async () => {
    const { cloud, ids } = cloudWith(1);
    cloud.pendingPolls = 1;
    const { state: images } = await imaged(cloud, ids);
    const deps = {
      images: cloud.imageStore('us-east-1'),
      exporter: cloud.exporter('us-east-1'),
      artifacts: cloud.artifactStore(),
      hasTime: always,
    };
    const { state } = await untilSettled(exportImages({ ...images }, deps), (next) =>
      exportImages(next, deps),
    );
    expect(state.items[0]?.export).toMatchObject({
      status: 'completed',
      artifact: {
        bucket,
        format: 'VMDK',
        sizeBytes: 65_536,
        key: expect.stringMatching(/^exports\/daily\/export-ami-.*\.vmdk$/),
      },
    });
    const [object] = [...cloud.objects.values()];
    expect(object?.tags).toMatchObject({
      'backup:source': ids[0],
      'backup:expires-at': '2026-11-29T03:00:00.000Z',
    });
    await untilSettled(exportImages({ ...images }, deps), (next) => exportImages(next, deps));
    expect(cloud.tasks.size).toBe(1);
  });

  it('skips an image with product codes before calling the service', async () => {
    const { cloud, ids } = cloudWith(1);
    const { state: images } = await imaged(cloud, ids);
    cloud.images.get(images.items[0]?.image.id ?? '')!.productCodes = ['marketplace-1'];
    const deps = {
      images: cloud.imageStore('us-east-1'),
      exporter: cloud.exporter('us-east-1'),
      artifacts: cloud.artifactStore(),
      hasTime: always,
    };
    const state = await exportImages(images, deps);
    expect(state.loop.settled).toBe(true);
    expect(state.items[0]?.export).toMatchObject({
      status: 'skipped',
      error: { name: 'ImageNotExportableError' },
    });
    expect(cloud.calls.startExport ?? 0).toBe(0);
  });

  it('settles at once when the policy exports nothing', async () => {
    const { cloud, ids } = cloudWith(1);
    const { state: images } = await imaged(cloud, ids, run({ image: { noReboot: true } }));
    const deps = {
      images: cloud.imageStore('us-east-1'),
      exporter: cloud.exporter('us-east-1'),
      artifacts: cloud.artifactStore(),
      hasTime: always,
    };
    const state = await exportImages(images, deps);
    expect(state.loop.settled).toBe(true);
    expect(state.items[0]?.export).toBeUndefined();
  });
});

describe('recordImages', () => {
  it('tags image snapshots, deprecates images at expiry, and catalogs images, copies and exports', async () => {
    const { cloud, ids } = cloudWith(1);
    const { state: images } = await imaged(cloud, ids);
    const copyDeps = {
      storeFor: (region: string) => cloud.imageStore(region),
      pace: unpaced,
      hasTime: always,
    };
    const { state: copied } = await untilSettled(copyImages(images, copyDeps), (next) =>
      copyImages(next, copyDeps),
    );
    const exportDeps = {
      images: cloud.imageStore('us-east-1'),
      exporter: cloud.exporter('us-east-1'),
      artifacts: cloud.artifactStore(),
      hasTime: always,
    };
    const { state } = await untilSettled(exportImages(copied, exportDeps), (next) =>
      exportImages(next, exportDeps),
    );
    const catalog = new InMemoryRecoveryPointCatalog();
    const result = await recordImages(state, {
      storeFor: (region) => cloud.imageStore(region),
      catalog,
      now: new Date('2026-11-22T03:10:00Z'),
    });

    expect(result.failures).toEqual([]);
    expect(
      (await catalog.list({ sourceId: ids[0] })).map((point) => [point.kind, point.region]).sort(),
    ).toEqual([
      ['image', 'us-east-1'],
      ['image', 'us-west-2'],
      ['image-export', 'us-east-1'],
    ]);
    const imageId = state.items[0]?.image.id ?? '';
    expect(cloud.deprecations.get(imageId)).toEqual(new Date('2026-11-29T03:00:00.000Z'));
    expect(cloud.tagged.get(state.items[0]?.snapshotIds[0] ?? '')).toMatchObject({
      'backup:source': ids[0],
    });
  });
});

describe('exportBlockers', () => {
  const base = { imageId: 'ami-1', productCodes: [], encryptedSnapshots: [] };
  it('allows a plain image and names each reason otherwise', () => {
    expect(exportBlockers(base, 'export-image')).toEqual([]);
    expect(exportBlockers({ ...base, encryptedSnapshots: ['snap-1'] }, 'export-image')).toEqual([
      expect.stringMatching(/encrypted snapshots \(snap-1\).*STORE_TASK/),
    ]);
    expect(exportBlockers({ ...base, encryptedSnapshots: ['snap-1'] }, 'store-image-task')).toEqual(
      [],
    );
    expect(exportBlockers({ ...base, platform: 'windows' }, 'export-image')).toEqual([
      expect.stringMatching(/Windows/),
    ]);
    expect(exportBlockers({ ...base, productCodes: ['abc'] }, 'store-image-task')).toEqual([
      expect.stringMatching(/product codes \(abc\)/),
    ]);
  });
});
