import { InMemoryObjectCloud } from '../../functions/adapters/in-memory/in-memory-object-store.js';
import { restoreBucketCopy } from '../support/restore-bucket-copy.js';
import { backedUpInTwin } from '../support/twin-bucket-copy.js';

const keys = ['a', 'b', 'c/d', 'c/e'];

describe('restoreBucketCopy (the local restore)', () => {
  it('leaves every object the target holds by default: no silent overwrite', async () => {
    const cloud = new InMemoryObjectCloud();
    const point = await backedUpInTwin(cloud, keys);
    cloud.put('target', 'a', 'newer data');
    const result = await restoreBucketCopy(
      { point, targetBucket: 'target' },
      { backup: cloud.store(), target: cloud.store() },
    );
    expect(result).toMatchObject({ restored: 3, leftExisting: 1, failures: [] });
    expect(cloud.versionsOf('target', 'a').map((version) => version.body.toString())).toEqual([
      'newer data',
    ]);
    expect(cloud.latest('target', 'c/e')?.body.toString()).toBe('body of c/e');
  });

  it('overwrites only different objects when asked, and with fail copies nothing', async () => {
    const cloud = new InMemoryObjectCloud();
    const point = await backedUpInTwin(cloud, keys);
    cloud.put('target', 'a', 'newer data');
    cloud.put('target', 'b', 'body of b');
    const stores = { backup: cloud.store(), target: cloud.store() };
    const failed = await restoreBucketCopy(
      { point, targetBucket: 'target', existingObjects: 'fail' },
      stores,
    );
    expect(failed).toMatchObject({ restored: 0, conflicts: ['a', 'b'] });
    expect(cloud.calls.CopyObject).toBeUndefined();
    const overwritten = await restoreBucketCopy(
      { point, targetBucket: 'target', prefix: 'a', existingObjects: 'overwrite-if-different' },
      stores,
    );
    expect(overwritten).toMatchObject({ restored: 1 });
    expect(cloud.latest('target', 'a')?.body.toString()).toBe('body of a');
    const again = await restoreBucketCopy(
      { point, targetBucket: 'target', existingObjects: 'overwrite-if-different' },
      stores,
    );
    expect(again).toMatchObject({ restored: 2, leftIdentical: 2 });
    expect(cloud.versionsOf('target', 'b')).toHaveLength(1);
  });
});
