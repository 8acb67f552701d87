import type { Tags } from '../core/tag-keys.js';

export interface VolumeRecord {
  volumeId: string;
  availabilityZone: string;
  sizeGiB: number;
  state: string;
  encrypted: boolean;
  tags: Tags;
}

/** Lists EBS volumes that carry a `backup:policy` tag, page by page (server-side tag filter). */
export interface VolumeInventory {
  listOptedInVolumes(): AsyncIterable<VolumeRecord[]>;
}
