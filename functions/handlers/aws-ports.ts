import { DynamoDbRecoveryPointCatalog } from '../adapters/dynamodb-recovery-point-catalog.js';
import { Ec2ImageExporter } from '../adapters/ec2-image-exporter.js';
import { Ec2ImageStore } from '../adapters/ec2-image-store.js';
import { Ec2RecoveryPointStoreAdapter } from '../adapters/ec2-recovery-point-store.js';
import { Ec2SnapshotStore } from '../adapters/ec2-snapshot-store.js';
import { S3ArtifactStore } from '../adapters/s3-artifact-store.js';
import { S3InventoryReports } from '../adapters/s3-inventory-reports.js';
import { S3ObjectStore } from '../adapters/s3-object-store.js';
import type { Context } from 'aws-lambda';
import { catalogEnvironment } from '../environment/catalog-environment.js';
import { environmentOf } from './lambda-handler.js';
import type { ArtifactStore } from '../ports/artifact-store.js';
import type { Ec2RecoveryPointStore } from '../ports/ec2-recovery-point-store.js';
import type { InventoryReports } from '../ports/inventory-reports.js';
import type { ImageExporter } from '../ports/image-exporter.js';
import type { ImageStore } from '../ports/image-store.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { SnapshotStore } from '../ports/snapshot-store.js';

/** Ports wired to AWS, created once per Lambda container (per region) and reused across invocations. */
function perRegion<T>(create: (region: string) => T): (region: string) => T {
  const cache = new Map<string, T>();
  return (region) => {
    let value = cache.get(region);
    if (!value) {
      value = create(region);
      cache.set(region, value);
    }
    return value;
  };
}

export const snapshotStoreFor: (region: string) => SnapshotStore = perRegion(
  (region) => new Ec2SnapshotStore(region),
);
export const imageStoreFor: (region: string) => ImageStore = perRegion(
  (region) => new Ec2ImageStore(region),
);
export const imageExporterFor: (region: string) => ImageExporter = perRegion(
  (region) => new Ec2ImageExporter(region),
);
export const artifactStoreFor: (region: string) => ArtifactStore = perRegion(
  (region) => new S3ArtifactStore(region),
);
export const objectStoreFor: (region: string) => ObjectStore = perRegion(
  (region) => new S3ObjectStore(region),
);

export const ec2RecoveryPointStoreFor: (region: string) => Ec2RecoveryPointStore = perRegion(
  (region) => new Ec2RecoveryPointStoreAdapter(region),
);

export const inventoryReportsFor: (region: string) => InventoryReports = perRegion(
  (region) => new S3InventoryReports(region),
);

const catalogs = new Map<string, DynamoDbRecoveryPointCatalog>();

/** The catalog the function's environment names (functions/environment/catalog-environment.ts). */
export function recoveryPointCatalog(context: Context): DynamoDbRecoveryPointCatalog {
  const { tableName, region } = catalogEnvironment.read(environmentOf(context));
  const key = `${region}/${tableName}`;
  let catalog = catalogs.get(key);
  if (!catalog) {
    catalog = DynamoDbRecoveryPointCatalog.inRegion(tableName, region);
    catalogs.set(key, catalog);
  }
  return catalog;
}
