import { partsWithin } from '../core/bucket-key-ranges.js';
import type { KeyRange, ManifestPart } from '../core/run-state/bucket-copy.js';
import type { ObjectStore } from '../ports/object-store.js';
import { readManifestIndex } from './manifest-index.js';

/**
 * The previous run's manifest parts that overlap a range: carried in the payload, or, for a large
 * previous manifest passed by reference (BucketCopyInput.previousIndexKey), read from its index.
 * Used by the sync turn (sync-bucket.ts) and by the stand-ins of a stopped range (record-bucket-copies.ts).
 */
export async function previousPartsOf(
  backup: ObjectStore,
  backupBucket: string,
  of: { previousIndexKey: string; previousParts: ManifestPart[]; range: KeyRange },
): Promise<ManifestPart[]> {
  if (of.previousIndexKey === '' || of.previousParts.length > 0) return of.previousParts;
  return partsWithin(
    (await readManifestIndex(backup, backupBucket, of.previousIndexKey)).parts,
    of.range,
  );
}
