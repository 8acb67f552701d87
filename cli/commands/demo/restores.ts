import { randomUUID } from 'node:crypto';
import { createDemoRestoreBucket, restoredResources } from '../../../emulator/demo-restores.js';
import type { TestCloud } from '../../../emulator/index.js';
import type { RecoveryPoint } from '../../../functions/core/recovery-point.js';
import type { RestoreRecord } from '../../../functions/core/restore/restore-record.js';
import type { RestoreRequest } from '../../../functions/core/restore/restore-request.js';
import { TagKeys } from '../../../functions/core/tag-keys.js';
import { LocalRestoreWorkflows } from '../../../statemachines/local/local-restore-workflows.js';
import { followRestore } from '../../follow-restore.js';
import { listenOnLoopback, localRestoreApi } from '../../local-restore-api.js';
import { apiRestoreClient, RestoreApiClient } from '../../restore-api-client.js';
import type { RestoreClient } from '../../restore-client.js';
import { catalogTable, demoConfig, sourceBucket } from './demo-config.js';
import type { DemoEstates } from './estate.js';

/** The bucket the demo restores a prefix of the source bucket into. */
export const restoredBucket = 'app-assets-restored-demo';

export interface DemoRestores {
  /** Where the restore API listened (`backupctl serve`'s app, SigV4 checked). */
  apiUrl: string;
  volume: RestoreRecord;
  instance: RestoreRecord;
  objects: RestoreRecord;
  /** Per restore: wall time from the POST to its end state, and the requests the cloud received. */
  measured: Record<'volume' | 'instance' | 'objects', RestoreFigures>;
  /** Read back independently: what the cloud holds with each restore's tag. */
  readBack: { volumes: string[]; runningInstances: string[]; restoredKeys: number };
}

/**
 * Chapter 8: restores through the restore API over HTTP — a volume from the first run's snapshot,
 * the instance from its image (verified, with its RTO) and the source bucket's `assets/` prefix
 * into a new bucket — each followed to its end, then read back from the cloud.
 */
export async function runDemoRestores(
  estates: DemoEstates,
  testCloud: TestCloud,
): Promise<DemoRestores> {
  const region = demoConfig.primaryRegion;
  await createDemoRestoreBucket(region, restoredBucket);
  const { app, workflows } = await localRestoreApi({
    region,
    catalogTable,
    allowLists: demoConfig.restore,
  });
  const listening = await listenOnLoopback(app);
  try {
    const client = apiRestoreClient(listening.baseUrl, region);
    const points = await newestPoints(new RestoreApiClient(listening.baseUrl, region), region);
    const network = estates.instanceEstate.network;
    // One after another, so the test cloud's counts are each restore's own.
    const measured = measuring(testCloud);
    const volume = await measured('volume', () =>
      restore(client, {
        kind: 'volume',
        recoveryPointId: points.snapshot.id,
        target: { availabilityZone: `${region}a`, volumeType: 'gp3' },
        tags: { purpose: 'demo-restore' },
      }),
    );
    const instance = await measured('instance', () =>
      restore(client, {
        kind: 'instance',
        recoveryPointId: points.image.id,
        target: {
          subnetId: network.subnetId,
          securityGroupIds: [network.securityGroupId],
          instanceProfile: network.instanceProfile,
        },
        verify: true,
        tags: { purpose: 'demo-restore' },
      }),
    );
    const objects = await measured('objects', () =>
      restore(client, {
        kind: 'objects',
        recoveryPointId: points.bucketCopy.id,
        target: { bucket: restoredBucket, region },
        prefixes: ['assets/'],
      }),
    );
    return {
      apiUrl: listening.baseUrl,
      measured: measured.figures,
      volume,
      instance,
      objects,
      readBack: await restoredResources(
        region,
        TagKeys.restoreId,
        [volume.restoreId, instance.restoreId],
        restoredBucket,
      ),
    };
  } finally {
    await listening.close();
    if (workflows instanceof LocalRestoreWorkflows) await workflows.stopAll();
  }
}

export interface RestoreFigures {
  wallSeconds: number;
  requests: number;
  byOperation: Record<string, number>;
}

/** Runs one restore with the test cloud's counts reset before it: its wall time and requests. */
function measuring(testCloud: TestCloud) {
  const figures = {} as DemoRestores['measured'];
  const measure = async (
    kind: keyof DemoRestores['measured'],
    run: () => Promise<RestoreRecord>,
  ) => {
    testCloud.resetCounts();
    const started = performance.now();
    const record = await run();
    const counts = testCloud.counts();
    figures[kind] = {
      wallSeconds: Math.round((performance.now() - started) / 100) / 10,
      requests: counts.total,
      byOperation: counts.byOperation,
    };
    return record;
  };
  return Object.assign(measure, { figures });
}

async function restore(client: RestoreClient, request: RestoreRequest): Promise<RestoreRecord> {
  const started = await client.start(request, randomUUID());
  if (started.dryRun) throw new Error('the demo asked for a real restore');
  return followRestore(client, started.restoreId, { intervalMs: 200 });
}

/** The newest primary-region snapshot, image and bucket copy, as `GET /v1/recovery-points` lists them. */
async function newestPoints(api: RestoreApiClient, region: string) {
  const newest = async (kind: RecoveryPoint['kind'], sourceId?: string, pointRegion?: string) => {
    const page = await api.listRecoveryPoints({
      kind,
      ...(sourceId ? { sourceId } : {}),
      ...(pointRegion ? { region: pointRegion } : {}),
    });
    const point = page.items.find((item) => item.state === 'available');
    if (!point) throw new Error(`the demo's catalog holds no available ${kind}`);
    return point;
  };
  return {
    snapshot: await newest('volume-snapshot', undefined, region),
    image: await newest('image', undefined, region),
    bucketCopy: await newest('bucket-copy', sourceBucket),
  };
}
