import type { Tags } from '../core/tag-keys.js';

export interface InstanceRecord {
  instanceId: string;
  state: string;
  imageId?: string;
  platform?: string;
  /** Recorded on its images (`backup:instance-type`): the default type of an instance restore. */
  instanceType?: string;
  tags: Tags;
}

/** Lists EC2 instances that carry a `backup:policy` tag, page by page (server-side tag filter). */
export interface InstanceInventory {
  listOptedInInstances(): AsyncIterable<InstanceRecord[]>;
}
