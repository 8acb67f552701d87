import { InMemoryObjectCloud } from '../../functions/adapters/in-memory/in-memory-object-store.js';
import { ObjectsRestoreRequestSchema } from '../../functions/core/restore/restore-request.js';
import { preflightObjectsRestore } from '../../functions/steps/restore/objects-preflight.js';
import { backedUpInTwin } from '../support/twin-bucket-copy.js';

async function preflight(body: object, ports: { allowedTargetBuckets?: string[] } = {}) {
  const cloud = new InMemoryObjectCloud();
  const point = await backedUpInTwin(cloud, ['a', 'b']);
  cloud.createBucket('elsewhere');
  cloud.put('target', 'b', 'already here');
  const request = ObjectsRestoreRequestSchema.parse({
    kind: 'objects',
    recoveryPointId: point.id,
    ...body,
  });
  const problems = await preflightObjectsRestore(request, point, {
    backup: cloud.store(),
    target: cloud.store(),
    backupBuckets: new Set(['dr-backup-bucket']),
    ...ports,
  });
  return { problems, copies: cloud.calls.CopyObject ?? 0 };
}

describe('objects restore preflight (twins)', () => {
  it('passes a restore into an existing bucket, and copies nothing', async () => {
    expect(await preflight({ target: { bucket: 'target' } })).toEqual({ problems: [], copies: 0 });
  });

  it('names the target bucket when it is missing, a backup bucket, or not on the allow-list', async () => {
    const codes = async (body: object, ports = {}) =>
      (await preflight(body, ports)).problems.map(({ path, code }) => `${path} ${code}`);
    expect(await codes({ target: { bucket: 'nowhere' } })).toEqual([
      'target.bucket target-bucket-not-found',
    ]);
    expect(await codes({ target: { bucket: 'dr-backup-bucket' } })).toEqual([
      'target.bucket target-is-backup-bucket',
    ]);
    expect(await codes({ target: { bucket: 'backup' } })).toEqual([
      'target.bucket target-is-backup-bucket',
    ]);
    expect(
      await codes({ target: { bucket: 'elsewhere' } }, { allowedTargetBuckets: ['target'] }),
    ).toEqual(['target.bucket target-bucket-not-allowed']);
    expect(
      await codes({ target: { bucket: 'target' } }, { allowedTargetBuckets: ['target'] }),
    ).toEqual([]);
  });

  it('with fail, reports existing keys of the selection; skip does not look', async () => {
    const failing = await preflight({ target: { bucket: 'target' }, existingObjects: 'fail' });
    expect(failing.problems).toEqual([
      expect.objectContaining({
        path: 'existingObjects',
        code: 'target-objects-exist',
        message: expect.stringContaining('b'),
      }),
    ]);
    expect(
      (await preflight({ target: { bucket: 'target' }, existingObjects: 'fail', prefixes: ['a'] }))
        .problems,
    ).toEqual([]);
  });
});
