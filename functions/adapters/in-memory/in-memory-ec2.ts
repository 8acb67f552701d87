import { TagKeys, type Tags } from '../../core/tag-keys.js';
import { SnapshotNotFoundError, VolumeNotFoundError } from '../../ports/errors/snapshot-errors.js';
import type {
  CopySnapshotRequest,
  CreateSnapshotRequest,
  SnapshotRecord,
  SnapshotStore,
} from '../../ports/snapshot-store.js';
import type { InstanceInventory, InstanceRecord } from '../../ports/instance-inventory.js';
import type { VolumeInventory, VolumeRecord } from '../../ports/volume-inventory.js';

interface StoredSnapshot extends SnapshotRecord {
  region: string;
  /** Describe calls left before it reports "completed". */
  pendingPolls: number;
}

/**
 * EC2's in-memory twin for volumes and snapshots across regions: the same port contract as the
 * SDK adapters (one suite runs against both), plus knobs for what the emulator cannot do:
 * snapshots that stay pending for N polls, and failures injected per operation.
 */
export class InMemoryEc2 {
  readonly volumes = new Map<string, VolumeRecord & { region: string }>();
  readonly instances = new Map<string, InstanceRecord & { region: string }>();
  readonly snapshots = new Map<string, StoredSnapshot>();
  /** Polls a new snapshot or copy stays pending. */
  pendingPolls = 0;
  /** Errors thrown by the next calls of an operation, in order. */
  readonly failNext: Record<'createSnapshot' | 'copySnapshot' | 'describeSnapshots', Error[]> = {
    createSnapshot: [],
    copySnapshot: [],
    describeSnapshots: [],
  };
  readonly calls: Record<string, number> = {};
  private sequence = 0;

  addVolume(region: string, tags: Tags, overrides: Partial<VolumeRecord> = {}): string {
    const volumeId =
      overrides.volumeId ?? `vol-${(++this.sequence).toString(16).padStart(17, '0')}`;
    this.volumes.set(volumeId, {
      volumeId,
      availabilityZone: `${region}a`,
      sizeGiB: 8,
      state: 'available',
      encrypted: false,
      ...overrides,
      tags,
      region,
    });
    return volumeId;
  }

  addInstance(region: string, tags: Tags, overrides: Partial<InstanceRecord> = {}): string {
    const instanceId =
      overrides.instanceId ?? `i-${(++this.sequence).toString(16).padStart(17, '0')}`;
    this.instances.set(instanceId, { instanceId, state: 'running', ...overrides, tags, region });
    return instanceId;
  }

  instanceInventory(region: string): InstanceInventory {
    const instances = this.instances;
    return {
      listOptedInInstances: async function* () {
        yield [...instances.values()]
          .filter(
            (instance) => instance.region === region && instance.tags[TagKeys.policy] !== undefined,
          )
          .map(({ region: _region, ...instance }) => structuredClone(instance));
      },
    };
  }

  inventory(region: string, pageSize = 2): VolumeInventory {
    return {
      listOptedInVolumes: async function* (this: InMemoryEc2) {
        const tagged = [...this.volumes.values()].filter(
          (volume) => volume.region === region && volume.tags[TagKeys.policy] !== undefined,
        );
        for (let start = 0; start < tagged.length; start += pageSize) {
          yield tagged
            .slice(start, start + pageSize)
            .map(({ region: _region, ...volume }) => structuredClone(volume));
        }
      }.bind(this),
    };
  }

  store(region: string): SnapshotStore {
    const count = (operation: string) => {
      this.calls[operation] = (this.calls[operation] ?? 0) + 1;
    };
    const inRegion = () =>
      [...this.snapshots.values()].filter((snapshot) => snapshot.region === region);
    const view = ({
      region: _region,
      pendingPolls: _polls,
      ...record
    }: StoredSnapshot): SnapshotRecord => structuredClone(record);
    return {
      region,
      findRunSnapshots: async (runId, policy) => {
        count('findRunSnapshots');
        return inRegion()
          .filter(
            (snapshot) =>
              snapshot.tags[TagKeys.run] === runId && snapshot.tags[TagKeys.policy] === policy,
          )
          .map(view);
      },
      createSnapshot: async (request: CreateSnapshotRequest) => {
        count('createSnapshot');
        const failure = this.failNext.createSnapshot.shift();
        if (failure) throw failure;
        const volume = this.volumes.get(request.volumeId);
        if (!volume || volume.region !== region) throw new VolumeNotFoundError(request.volumeId);
        return view(
          this.addSnapshot(region, {
            volumeId: request.volumeId,
            sizeGiB: volume.sizeGiB,
            tags: request.tags,
          }),
        );
      },
      describeSnapshots: async (snapshotIds) => {
        count('describeSnapshots');
        const failure = this.failNext.describeSnapshots.shift();
        if (failure) throw failure;
        return inRegion()
          .filter((snapshot) => snapshotIds.includes(snapshot.snapshotId))
          .map((snapshot) => {
            if (snapshot.state === 'pending' && snapshot.pendingPolls-- <= 0) {
              snapshot.state = 'completed';
              snapshot.progress = '100%';
            }
            return view(snapshot);
          });
      },
      copySnapshot: async (request: CopySnapshotRequest) => {
        count('copySnapshot');
        const failure = this.failNext.copySnapshot.shift();
        if (failure) throw failure;
        const source = this.snapshots.get(request.sourceSnapshotId);
        if (!source || source.region !== request.sourceRegion) {
          throw new SnapshotNotFoundError(request.sourceSnapshotId, request.sourceRegion);
        }
        return view(
          this.addSnapshot(region, {
            volumeId: source.volumeId,
            tags: request.tags,
            ...(source.sizeGiB !== undefined ? { sizeGiB: source.sizeGiB } : {}),
            ...(request.kmsKeyId ? { encrypted: true, kmsKeyId: request.kmsKeyId } : {}),
          }),
        );
      },
      countCopiesInFlight: async () => {
        count('countCopiesInFlight');
        return inRegion().filter(
          (snapshot) => snapshot.state === 'pending' && snapshot.tags[TagKeys.copyOf],
        ).length;
      },
    };
  }

  private addSnapshot(
    region: string,
    facts: Pick<SnapshotRecord, 'volumeId' | 'tags'> & Partial<SnapshotRecord>,
  ): StoredSnapshot {
    const snapshotId = `snap-${(++this.sequence).toString(16).padStart(17, '0')}`;
    const snapshot: StoredSnapshot = {
      ...facts,
      snapshotId,
      state: 'pending',
      progress: '0%',
      startTime: new Date(0).toISOString(),
      region,
      pendingPolls: this.pendingPolls,
    };
    this.snapshots.set(snapshotId, snapshot);
    return snapshot;
  }
}
