import type { BucketCopyManifestRef } from '../../core/recovery-point.js';
import { compareKeys, type ManifestEntry } from '../../core/object-sync.js';
import {
  firstSelectedPrefix,
  type ObjectSelection,
} from '../../core/restore/objects-restore-plan.js';
import type { ObjectStore } from '../../ports/object-store.js';
import { manifestPartsOf } from '../manifest-index.js';
import { readManifestParts } from '../manifest-stream.js';

/**
 * The manifest entries a selection takes, in key order, after `startAfter`. Parts that end before
 * the first selected prefix are not read, and reading stops once no later key can be selected
 * (past every prefix); stopping early closes the part being read (manifest-stream.ts).
 */
export async function* selectedEntries(
  backup: ObjectStore,
  manifest: BucketCopyManifestRef,
  selection: ObjectSelection,
  startAfter?: string,
): AsyncIterable<ManifestEntry> {
  const first = firstSelectedPrefix(selection);
  const parts = (await manifestPartsOf(backup, manifest)).filter(
    (part) => part.lastKey === undefined || first === '' || compareKeys(part.lastKey, first) >= 0,
  );
  for await (const entry of readManifestParts(backup, manifest.bucket, parts, startAfter)) {
    if (selection.endedAfter(entry.key)) return;
    if (selection.matches(entry.key)) yield entry;
  }
}

/** Where the backup holds the entry's copy: the manifest's key prefix and version. */
export function backupCopyOf(manifest: BucketCopyManifestRef, entry: ManifestEntry) {
  return {
    bucket: manifest.bucket,
    key: manifest.keyPrefix + entry.key,
    ...(entry.versionId ? { versionId: entry.versionId } : {}),
  };
}
