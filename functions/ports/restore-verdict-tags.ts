import type { Tags } from '../core/tag-keys.js';

/** Where a restore test's verdict is written on the tested image (functions/ports/restore-lab.ts). */
export interface RestoreVerdictTags {
  readonly region: string;
  /** Adds or replaces tags on an image. */
  tagImage(imageId: string, tags: Tags): Promise<void>;
}
