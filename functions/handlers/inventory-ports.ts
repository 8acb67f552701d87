import { Ec2InstanceInventory } from '../adapters/ec2-instance-inventory.js';
import { Ec2VolumeInventory } from '../adapters/ec2-volume-inventory.js';
import { TaggingBucketInventory } from '../adapters/tagging-bucket-inventory.js';
import type { BucketInventory } from '../ports/bucket-inventory.js';
import type { InstanceInventory } from '../ports/instance-inventory.js';
import type { VolumeInventory } from '../ports/volume-inventory.js';
import { perRegion } from './per-region.js';

/** The inventories discovery surveys (volumes, instances, tagged buckets), one per region, made on first use. */
export const volumeInventoryFor: (region: string) => VolumeInventory = /* @__PURE__ */ perRegion(
  (region) => new Ec2VolumeInventory(region),
);
export const instanceInventoryFor: (region: string) => InstanceInventory =
  /* @__PURE__ */ perRegion((region) => new Ec2InstanceInventory(region));
export const bucketInventoryFor: (region: string) => BucketInventory = /* @__PURE__ */ perRegion(
  (region) => new TaggingBucketInventory(region),
);
