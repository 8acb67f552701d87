import { InMemoryInstanceRestoreTarget } from '../../functions/adapters/in-memory/in-memory-instance-restore-target.js';
import { InMemoryRestoreStore } from '../../functions/adapters/in-memory/in-memory-restore-store.js';
import { InMemoryVolumeRestoreTarget } from '../../functions/adapters/in-memory/in-memory-volume-restore-target.js';
import { restorePollSchedule } from '../../functions/core/restore/restore-poll.js';
import type { RestoreRecord } from '../../functions/core/restore/restore-record.js';
import { VolumeRestoreRequestSchema } from '../../functions/core/restore/restore-request.js';
import type { VolumeRestoreState } from '../../functions/core/run-state/restore-run.js';
import { attachRestoredVolume } from '../../functions/steps/attach-restored-volume.js';
import { beginVolumeRestore } from '../../functions/steps/begin-volume-restore.js';
import { checkRestoredVolume } from '../../functions/steps/check-restored-volume.js';
import { createRestoredVolume } from '../../functions/steps/create-restored-volume.js';
import { failVolumeRestore } from '../../functions/steps/fail-volume-restore.js';
import { cleanUpRestore } from '../../functions/steps/restore/clean-up-restore.js';

const region = 'us-east-1';
const clock = () => new Date('2026-12-02T12:00:00.000Z');

function world(pendingPolls = 0) {
  const volumes = new InMemoryVolumeRestoreTarget(region);
  volumes.pendingPolls = pendingPolls;
  const snapshotId = volumes.addSnapshot({
    sizeGiB: 10,
    tags: { Name: 'db', 'backup:policy': 'daily' },
  });
  const instanceId = volumes.addInstance();
  const store = new InMemoryRestoreStore();
  const request = VolumeRestoreRequestSchema.parse({
    kind: 'volume',
    recoveryPointId: snapshotId,
    target: { availabilityZone: 'us-east-1a', attach: { instanceId, device: '/dev/sdf' } },
  });
  const event = {
    restoreId: 'r-1',
    request,
    region,
    recoveryPoint: { id: snapshotId, kind: 'volume-snapshot' as const, sourceId: 'vol-1', region },
  };
  const record: RestoreRecord = {
    restoreId: 'r-1',
    kind: 'volume',
    status: 'PENDING',
    request,
    recoveryPointId: snapshotId,
    recoveryPointKind: 'volume-snapshot',
    sourceId: 'vol-1',
    region,
    createdResources: [],
    errors: [],
    requestHash: 'h',
    createdAt: clock().toISOString(),
    updatedAt: clock().toISOString(),
  };
  return { volumes, store, event, record, deps: { volumes, store, clock } };
}

async function untilSettled(state: VolumeRestoreState, deps: ReturnType<typeof world>['deps']) {
  let current = state;
  while (current.phase !== 'done') {
    current =
      current.phase === 'attach'
        ? await attachRestoredVolume(current, deps)
        : await checkRestoredVolume(current, deps);
  }
  return current;
}

describe('volume restore steps, on the twins', () => {
  it('go from PENDING to an attached volume, recording the volume and the attachment as they are made', async () => {
    const { store, event, record, deps, volumes } = world(2);
    await store.create(record);
    await beginVolumeRestore(event, deps);
    const created = await createRestoredVolume(event, deps);
    expect((await store.get('r-1'))?.createdResources.map((resource) => resource.type)).toEqual([
      'volume',
    ]);
    const done = await untilSettled(created, deps);
    expect(volumes.volumes.get(done.volumeId)).toMatchObject({
      state: 'in-use',
      tags: { Name: 'db', 'backup:restore-id': 'r-1' },
    });
    expect(volumes.volumes.get(done.volumeId)?.tags).not.toHaveProperty('backup:policy');
    expect((await store.get('r-1'))?.createdResources.map((resource) => resource.type)).toEqual([
      'volume',
      'volume-attachment',
    ]);
  });

  it('stop with RestoreCancelledError once the restore was cancelled, creating nothing more', async () => {
    const { store, event, record, deps, volumes } = world();
    await store.create({ ...record, status: 'CANCELLED' });
    await expect(createRestoredVolume(event, deps)).rejects.toMatchObject({
      name: 'RestoreCancelledError',
    });
    expect(volumes.volumes.size).toBe(0);
  });

  it('time out by name after the longest wait, and fail a volume EC2 put in error', async () => {
    const { store, event, record, deps, volumes } = world(10_000);
    await store.create(record);
    let state = await createRestoredVolume(event, deps);
    let error: unknown;
    for (let poll = 0; poll < 200 && !error; poll += 1) {
      state = await checkRestoredVolume(state, deps).catch(
        (caught: unknown) => ((error = caught), state),
      );
    }
    expect(error).toMatchObject({
      name: 'RestoreTimedOutError',
      waitedSeconds: expect.any(Number),
    });
    expect((error as { waitedSeconds: number }).waitedSeconds).toBeGreaterThanOrEqual(
      restorePollSchedule.maxWaitSeconds,
    );
    volumes.volumes.get(state.volumeId)!.state = 'error';
    await expect(checkRestoredVolume(state, deps)).rejects.toMatchObject({
      name: 'RestoredResourceFailedError',
    });
  });

  it('attach once under a retry, and on failure delete the attached volume and record the error', async () => {
    const { store, event, record, deps, volumes } = world();
    await store.create(record);
    await beginVolumeRestore(event, deps);
    const available = await checkRestoredVolume(await createRestoredVolume(event, deps), deps);
    await attachRestoredVolume(available, deps);
    await attachRestoredVolume(available, deps);
    expect(volumes.calls.attachVolume).toBe(1);
    await failVolumeRestore(
      { restoreId: 'r-1', region, error: { Error: 'Boom', Cause: '{"errorMessage":"it broke"}' } },
      deps,
    );
    const stored = await store.get('r-1');
    expect(stored).toMatchObject({
      status: 'FAILED',
      errors: [{ name: 'Boom', message: 'it broke' }],
    });
    expect(stored?.createdResources.find((resource) => resource.type === 'volume')).toMatchObject({
      cleanedUp: true,
    });
    expect(volumes.volumes.get(available.volumeId)?.state).toBe('deleted');
  });
});

describe('cleanUpRestore', () => {
  it("terminates the restore's instances, deletes its other volumes, reports each, and a failed removal as not cleaned up", async () => {
    const volumes = new InMemoryVolumeRestoreTarget(region);
    const instances = new InMemoryInstanceRestoreTarget(region);
    const launched = await instances.launch({
      imageId: instances.addImage(),
      instanceType: 't3.micro',
      subnetId: 'subnet-1',
      securityGroupIds: [],
      associatePublicIpAddress: false,
      clientToken: 'r-9',
      tags: { 'backup:restore-id': 'r-9' },
    });
    const snapshotId = volumes.addSnapshot();
    const loose = await volumes.createVolume({
      snapshotId,
      availabilityZone: 'us-east-1a',
      volumeType: 'gp3',
      sizeGiB: 8,
      tags: { 'backup:restore-id': 'r-9' },
      clientToken: 'a',
    });
    const stuck = await volumes.createVolume({
      snapshotId,
      availabilityZone: 'us-east-1a',
      volumeType: 'gp3',
      sizeGiB: 8,
      tags: { 'backup:restore-id': 'r-9' },
      clientToken: 'b',
    });
    volumes.deleteVolume = async (volumeId) => {
      if (volumeId === stuck.volumeId) throw new Error('VolumeInUse');
      volumes.volumes.get(volumeId)!.state = 'deleted';
    };
    const cleaned = await cleanUpRestore('r-9', region, { instances, volumes });
    expect(cleaned.map(({ type, id, cleanedUp }) => ({ type, id, cleanedUp }))).toEqual([
      { type: 'instance', id: launched.instanceId, cleanedUp: true },
      { type: 'volume', id: loose.volumeId, cleanedUp: true },
      { type: 'volume', id: stuck.volumeId, cleanedUp: false },
    ]);
    expect(instances.instances.get(launched.instanceId)?.state).toBe('terminated');
    expect(cleaned[0]?.arn).toBe(
      `arn:aws:ec2:us-east-1:123456789012:instance/${launched.instanceId}`,
    );
  });
});
