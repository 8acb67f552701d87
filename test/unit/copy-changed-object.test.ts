import { InMemoryObjectCloud } from '../../functions/adapters/in-memory/in-memory-object-store.js';
import { BucketCopyOptionsSchema } from '../../functions/core/config.js';
import type { CopyDecision, ManifestEntry, ObjectEntry } from '../../functions/core/object-sync.js';
import {
  copyChangedObject,
  type ObjectCopyContext,
  type SyncOutcome,
} from '../../functions/steps/copy-changed-object.js';

const item = {
  bucket: 'src',
  region: 'us-west-2',
  backupBucket: 'bak',
  expiresAt: '2026-12-01T00:00:00.000Z',
};

function setUp() {
  const cloud = new InMemoryObjectCloud();
  cloud.createBucket('src');
  cloud.createBucket('bak');
  const store = cloud.store();
  const context: ObjectCopyContext = {
    source: store,
    backup: store,
    item,
    prefix: 'src/',
    options: BucketCopyOptionsSchema.parse({ multipartThresholdMiB: 5, partSizeMiB: 5 }),
    runId: 'run-2',
  };
  const listed = async (key: string): Promise<ObjectEntry> => {
    for await (const page of store.listObjects('src', key))
      for (const entry of page) if (entry.key === key) return entry;
    throw new Error(`${key} is not listed`);
  };
  const heads = () => cloud.calls.HeadObject ?? 0;
  return { cloud, context, listed, heads };
}

/** The decision the sync makes for a key its previous run copied (`previous`), listed anew. */
function changed(source: ObjectEntry, previous: ManifestEntry): CopyDecision {
  return {
    kind: 'copy',
    reason: 'modified-after-copy',
    key: source.key,
    source,
    destination: { ...source, key: source.key, lastModified: previous.sourceLastModified },
    previous,
  };
}

function line(outcome: SyncOutcome): ManifestEntry {
  if (outcome.kind !== 'line') throw new Error(`expected a line, got ${JSON.stringify(outcome)}`);
  return outcome.entry;
}

/** A first copy of `key` (new to the backup), then the same key rewritten with `body`. */
async function copiedThenRewritten(key: string, first: string, body: string) {
  const fixture = setUp();
  fixture.cloud.put('src', key, first);
  const before = line(
    await copyChangedObject(
      { kind: 'copy', reason: 'new', key, source: await fixture.listed(key) },
      { ...fixture.context, runId: 'run-1' },
    ),
  );
  fixture.cloud.put('src', key, body);
  return { ...fixture, previous: before, decision: changed(await fixture.listed(key), before) };
}

describe('copyChangedObject: requests per changed object', () => {
  it('a new object costs one HEAD and one copy, verified against the HEAD’s checksum', async () => {
    const { cloud, context, listed, heads } = setUp();
    cloud.put('src', 'k', 'body');
    const outcome = await copyChangedObject(
      { kind: 'copy', reason: 'new', key: 'k', source: await listed('k') },
      context,
    );
    expect(outcome).toMatchObject({ kind: 'line', verified: true, requests: 2 });
    expect(heads()).toBe(1);
    expect(line(outcome).checksum).toEqual({
      algorithm: 'SHA256',
      value: cloud.latest('src', 'k')!.sha256,
    });
  });

  it('the version the previous run copied and verified (same bytes, newer time) costs the copy alone', async () => {
    const { cloud, context, heads, previous, decision } = await copiedThenRewritten(
      'k',
      'same bytes',
      'same bytes',
    );
    const headsBefore = heads();
    const outcome = await copyChangedObject(decision, context);
    expect(outcome).toMatchObject({ kind: 'line', verified: true, requests: 1 });
    expect(heads()).toBe(headsBefore);
    expect(line(outcome)).toMatchObject({
      sourceEtag: previous.sourceEtag,
      checksum: previous.checksum,
      copiedInRun: 'run-2',
      versionId: cloud.latest('bak', 'src/k')!.versionId,
    });
  });

  it('a mismatch there is retried once against the checksum a HEAD reads afresh; a second fails the object', async () => {
    const retried = await copiedThenRewritten('k', 'same bytes', 'same bytes');
    retried.cloud.corruptNextCopies = 1;
    const outcome = await copyChangedObject(retried.decision, retried.context);
    // The copy, the HEAD, the copy again.
    expect(outcome).toMatchObject({ kind: 'line', verified: true, requests: 3 });

    const failed = await copiedThenRewritten('k', 'same bytes', 'same bytes');
    failed.cloud.corruptNextCopies = 2;
    const failure = await copyChangedObject(failed.decision, failed.context);
    expect(failure).toMatchObject({
      kind: 'failed',
      failure: { name: 'ChecksumMismatchError' },
      keep: failed.previous,
      requests: 3,
    });
  });

  it('a source rewritten after the listing is described and copied as it is now', async () => {
    const { cloud, context, decision } = await copiedThenRewritten('k', 'same', 'same');
    cloud.put('src', 'k', 'rewritten after the listing');
    const outcome = await copyChangedObject(decision, context);
    // The refused copy (ETag no longer the listed one), the HEAD, the copy.
    expect(outcome).toMatchObject({ kind: 'line', verified: true, requests: 3 });
    expect(line(outcome).sourceEtag).toBe(cloud.latest('src', 'k')!.etag);
    expect(cloud.latest('bak', 'src/k')!.body.toString()).toBe('rewritten after the listing');
  });

  it('new bytes, a listing without the checksum algorithm or a manifest line without a checksum take the HEAD', async () => {
    const rewritten = await copiedThenRewritten('k', 'old bytes', 'new bytes');
    const headsBefore = rewritten.heads();
    expect(await copyChangedObject(rewritten.decision, rewritten.context)).toMatchObject({
      verified: true,
      requests: 2,
    });
    expect(rewritten.heads()).toBe(headsBefore + 1);

    const same = await copiedThenRewritten('k', 'same', 'same');
    const { checksumAlgorithm: _unlisted, ...unlisted } = same.decision.source;
    const withoutAlgorithm = { ...same.decision, source: unlisted };
    expect(await copyChangedObject(withoutAlgorithm, same.context)).toMatchObject({
      requests: 2,
    });
    const { checksum: _none, ...unchecked } = same.previous;
    const withoutChecksum = { ...same.decision, previous: unchecked };
    expect(await copyChangedObject(withoutChecksum, same.context)).toMatchObject({ requests: 2 });
  });

  it('a multipart copy makes one HEAD, for its verification and for the upload’s type and metadata', async () => {
    const { cloud, context, listed, heads } = setUp();
    cloud.put('src', 'big', Buffer.alloc(11 * 1024 * 1024, 3), {
      contentType: 'application/x-big',
      metadata: { origin: 'test' },
    });
    const outcome = await copyChangedObject(
      { kind: 'copy', reason: 'new', key: 'big', source: await listed('big') },
      context,
    );
    // HEAD, GetObjectTagging, CreateMultipartUpload, 3 × UploadPartCopy, CompleteMultipartUpload.
    expect(outcome).toMatchObject({ kind: 'line', requests: 7 });
    expect(heads()).toBe(1);
    expect(cloud.latest('bak', 'src/big')).toMatchObject({
      contentType: 'application/x-big',
      metadata: { origin: 'test' },
    });
  });
});
