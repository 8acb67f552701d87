import { InMemoryInstanceRestoreTarget } from '../../functions/adapters/in-memory/in-memory-instance-restore-target.js';
import { InMemoryRestoreLab } from '../../functions/adapters/in-memory/in-memory-restore-lab.js';
import { InMemoryRestoreStore } from '../../functions/adapters/in-memory/in-memory-restore-store.js';
import type { RestoreRecord } from '../../functions/core/restore/restore-record.js';
import { InstanceRestoreRequestSchema } from '../../functions/core/restore/restore-request.js';
import { checkRestoredInstance } from '../../functions/steps/check-restored-instance.js';
import { launchRestoredInstance } from '../../functions/steps/launch-restored-instance.js';

const region = 'us-east-1';
const clock = () => new Date('2026-12-02T12:00:00.000Z');

async function world(
  status: RestoreRecord['status'] = 'RUNNING',
  imageTags: Record<string, string> = {},
) {
  const instances = new InMemoryInstanceRestoreTarget(region);
  instances.pendingPolls = 1;
  const imageId = instances.addImage({ tags: imageTags });
  const { subnetId } = instances.addNetwork();
  instances.sourceTypes.set('i-source', 't3.small');
  const store = new InMemoryRestoreStore();
  const request = InstanceRestoreRequestSchema.parse({
    kind: 'instance',
    recoveryPointId: imageId,
    target: { subnetId },
  });
  await store.create({
    restoreId: 'r-1',
    kind: 'instance',
    status,
    request,
    recoveryPointId: imageId,
    recoveryPointKind: 'image',
    sourceId: 'i-source',
    region,
    createdResources: [],
    errors: [],
    requestHash: 'h',
    createdAt: clock().toISOString(),
    updatedAt: clock().toISOString(),
  });
  const event = {
    restoreId: 'r-1',
    request,
    region,
    recoveryPoint: { id: imageId, kind: 'image' as const, sourceId: 'i-source', region },
  };
  const deps = { instances, store, clock, observer: new InMemoryRestoreLab(region) };
  return { instances, store, event, deps };
}

describe('instance restore steps, on the twins', () => {
  it('launch once under a retry, with the type recorded on the image and no public IP', async () => {
    const { instances, store, event, deps } = await world('RUNNING', {
      'backup:instance-type': 'm5.large',
    });
    const first = await launchRestoredInstance(event, deps);
    const again = await launchRestoredInstance(event, deps);
    expect(again.instanceId).toBe(first.instanceId);
    expect(instances.launches).toHaveLength(1);
    expect(instances.launches[0]).toMatchObject({
      instanceType: 'm5.large',
      associatePublicIpAddress: false,
      clientToken: 'r-1',
    });
    expect((await store.get('r-1'))?.createdResources.map((resource) => resource.id)).toEqual([
      first.instanceId,
    ]);
  });

  it("default to the source instance's type, wait for running, and end without verification when not asked", async () => {
    const { instances, event, deps } = await world();
    let state = await launchRestoredInstance(event, deps);
    expect(instances.launches[0]?.instanceType).toBe('t3.small');
    state = await checkRestoredInstance(state, deps);
    expect(state.phase).toBe('starting');
    state = await checkRestoredInstance(state, deps);
    expect(state.phase).toBe('done');
  });

  it('fail an instance that stops on its own, and stop a cancelled restore before it launches', async () => {
    const { instances, event, deps } = await world();
    const state = await launchRestoredInstance(event, deps);
    instances.instances.get(state.instanceId)!.state = 'stopped';
    await expect(checkRestoredInstance(state, deps)).rejects.toMatchObject({
      name: 'RestoredResourceFailedError',
    });
    const cancelled = await world('CANCELLED');
    await expect(launchRestoredInstance(cancelled.event, cancelled.deps)).rejects.toMatchObject({
      name: 'RestoreCancelledError',
    });
    expect(cancelled.instances.launches).toEqual([]);
  });
});
