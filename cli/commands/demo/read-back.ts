import { exportArtifacts, imagesOfRun, snapshotsOfRun } from '../../../emulator/demo-estate.js';
import { DynamoDbRecoveryPointCatalog } from '../../../functions/adapters/dynamodb-recovery-point-catalog.js';
import { catalogTable, demoConfig, drRegion, exportBucket, firstRunId } from './demo-config.js';

export type Snapshots = Awaited<ReturnType<typeof snapshotsOfRun>>;

/** Chapter 4: what the first run left in the cloud, read straight from it, not through the product. */
export interface DemoReadBack {
  primaryRegion: string;
  drRegion: string;
  primary: Snapshots;
  copies: Snapshots;
  images: Awaited<ReturnType<typeof imagesOfRun>>;
  imageCopies: Awaited<ReturnType<typeof imagesOfRun>>;
  artifacts: Awaited<ReturnType<typeof exportArtifacts>>;
  catalogEntries: number;
}

export async function readBackDemo(): Promise<DemoReadBack> {
  const { primaryRegion } = demoConfig;
  const primary = await volumeSnapshotsOfFirstRun(primaryRegion);
  const copies = await volumeSnapshotsOfFirstRun(drRegion);
  const images = await imagesOfRun(primaryRegion, firstRunId);
  const imageCopies = await imagesOfRun(drRegion, firstRunId);
  const artifacts = await exportArtifacts(primaryRegion, exportBucket);
  const catalog = await new DynamoDbRecoveryPointCatalog(catalogTable).list({ policy: 'daily' });
  return {
    primaryRegion,
    drRegion,
    primary,
    copies,
    images,
    imageCopies,
    artifacts,
    catalogEntries: catalog.length,
  };
}

/** The first run's snapshots of volumes in the region (not those behind its image). */
export async function volumeSnapshotsOfFirstRun(region: string): Promise<Snapshots> {
  return (await snapshotsOfRun(region, firstRunId)).filter((snapshot) =>
    (snapshot.tags['backup:source'] ?? '').startsWith('vol-'),
  );
}
