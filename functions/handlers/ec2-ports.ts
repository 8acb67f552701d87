import { Ec2ImageExporter } from '../adapters/ec2-image-exporter.js';
import { Ec2ImageStore } from '../adapters/ec2-image-store.js';
import { Ec2RecoveryPointStoreAdapter } from '../adapters/ec2-recovery-point-store.js';
import { Ec2SnapshotStore } from '../adapters/ec2-snapshot-store.js';
import type { Ec2RecoveryPointStore } from '../ports/ec2-recovery-point-store.js';
import type { ImageExporter } from '../ports/image-exporter.js';
import type { ImageStore } from '../ports/image-store.js';
import type { SnapshotStore } from '../ports/snapshot-store.js';
import { perRegion } from './per-region.js';

/** The EC2 ports (snapshots, images, exports, the prune survey), one per region, made on first use. */
export const snapshotStoreFor: (region: string) => SnapshotStore = /* @__PURE__ */ perRegion(
  (region) => new Ec2SnapshotStore(region),
);
export const imageStoreFor: (region: string) => ImageStore = /* @__PURE__ */ perRegion(
  (region) => new Ec2ImageStore(region),
);
export const imageExporterFor: (region: string) => ImageExporter = /* @__PURE__ */ perRegion(
  (region) => new Ec2ImageExporter(region),
);
export const ec2RecoveryPointStoreFor: (region: string) => Ec2RecoveryPointStore =
  /* @__PURE__ */ perRegion((region) => new Ec2RecoveryPointStoreAdapter(region));
