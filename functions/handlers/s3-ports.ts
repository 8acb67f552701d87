import { S3ArtifactStore } from '../adapters/s3-artifact-store.js';
import { S3InventoryReports } from '../adapters/s3-inventory-reports.js';
import { S3ObjectStore } from '../adapters/s3-object-store.js';
import type { ArtifactStore } from '../ports/artifact-store.js';
import type { InventoryReports } from '../ports/inventory-reports.js';
import type { ObjectStore } from '../ports/object-store.js';
import { perRegion } from './per-region.js';

/** The S3 ports (objects, export artifacts, inventory reports), one per region, made on first use. */
export const objectStoreFor: (region: string) => ObjectStore = /* @__PURE__ */ perRegion(
  (region) => new S3ObjectStore(region),
);
export const artifactStoreFor: (region: string) => ArtifactStore = /* @__PURE__ */ perRegion(
  (region) => new S3ArtifactStore(region),
);
export const inventoryReportsFor: (region: string) => InventoryReports = /* @__PURE__ */ perRegion(
  (region) => new S3InventoryReports(region),
);
