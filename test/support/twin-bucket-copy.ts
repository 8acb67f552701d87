import type { InMemoryObjectCloud } from '../../functions/adapters/in-memory/in-memory-object-store.js';
import type { ManifestEntry } from '../../functions/core/object-sync.js';
import type { RecoveryPoint } from '../../functions/core/recovery-point.js';
import { openManifestPart } from '../../functions/steps/manifest-stream.js';

/**
 * A bucket copy point in the twin: buckets `backup` and `target`, one copy per key (body
 * `body of <key>`) under `src/`, and a one-part manifest listing them. Keys must ascend.
 */
export async function backedUpInTwin(
  cloud: InMemoryObjectCloud,
  keys: readonly string[],
): Promise<RecoveryPoint> {
  cloud.createBucket('backup');
  cloud.createBucket('target');
  const part = openManifestPart(cloud.store(), 'backup', '.manifests/src/r1/part-0.jsonl.gz');
  for (const key of keys) {
    cloud.put('backup', `src/${key}`, `body of ${key}`);
    const copy = cloud.latest('backup', `src/${key}`)!;
    const entry: ManifestEntry = {
      key,
      size: copy.body.length,
      sourceEtag: copy.etag,
      sourceLastModified: copy.lastModified.toISOString(),
      versionId: copy.versionId,
      checksum: { algorithm: 'SHA256', value: copy.sha256! },
      copiedInRun: 'r1',
    };
    await part.write(entry);
  }
  await part.close();
  return {
    id: 's3://backup/.manifests/src/r1/index.json',
    kind: 'bucket-copy',
    sourceId: 'src',
    region: 'us-west-2',
    policy: 'daily',
    runId: 'r1',
    createdAt: '2026-12-01T03:00:00.000Z',
    expiresAt: 'never',
    state: 'available',
    manifest: {
      bucket: 'backup',
      indexKey: '.manifests/src/r1/index.json',
      parts: [
        {
          key: '.manifests/src/r1/part-0.jsonl.gz',
          firstKey: keys[0],
          lastKey: keys.at(-1),
          lines: keys.length,
        },
      ],
      keyPrefix: 'src/',
      objects: keys.length,
      bytes: 0,
      copied: keys.length,
      failed: 0,
    },
  };
}
