import { TagKeys } from '../../core/tag-keys.js';
import type {
  AttachTarget,
  CreateRestoredVolumeRequest,
  DryRunAnswer,
  KeyDirectory,
  KeyFacts,
  RestorableSnapshot,
  RestoredVolume,
  VolumeRestoreTarget,
} from '../../ports/volume-restore-target.js';

type Operation = 'createVolume' | 'describeVolume' | 'attachVolume';

/**
 * EBS and KMS's in-memory twin for volume restores (functions/ports/volume-restore-target.ts),
 * held to the same behavioural suite as the SDK adapters: snapshots, zones, instances and keys a
 * test declares, volumes that stay `creating` (and attachments `attaching`) for N polls, a
 * ClientToken honoured as EC2 honours it, failures injected per operation, calls counted.
 */
export class InMemoryVolumeRestoreTarget implements VolumeRestoreTarget, KeyDirectory {
  readonly snapshots = new Map<string, RestorableSnapshot>();
  readonly instances = new Map<string, AttachTarget>();
  readonly keys = new Map<string, KeyFacts>();
  readonly volumes = new Map<string, RestoredVolume & { pollsLeft: number; clientToken: string }>();
  zones: string[];
  /** Describe calls a new volume stays `creating`, and an attachment `attaching`. */
  pendingPolls = 0;
  readonly failNext: Record<Operation, Error[]> = {
    createVolume: [],
    describeVolume: [],
    attachVolume: [],
  };
  readonly calls: Record<string, number> = {};
  private sequence = 0;

  constructor(readonly region = 'us-east-1') {
    this.zones = ['a', 'b', 'c'].map((letter) => `${region}${letter}`);
  }

  addSnapshot(snapshot: Partial<RestorableSnapshot> = {}): string {
    const snapshotId = snapshot.snapshotId ?? this.nextId('snap');
    this.snapshots.set(snapshotId, {
      snapshotId,
      state: 'completed',
      sizeGiB: 8,
      ownerId: '123456789012',
      tags: {},
      ...snapshot,
    });
    return snapshotId;
  }

  addInstance(instance: Partial<AttachTarget> = {}): string {
    const instanceId = instance.instanceId ?? this.nextId('i');
    this.instances.set(instanceId, {
      instanceId,
      state: 'running',
      availabilityZone: this.zones[0] ?? '',
      devices: ['/dev/xvda'],
      ...instance,
    });
    return instanceId;
  }

  addKey(key: Partial<KeyFacts> & { keyId: string }): void {
    const { keyId, ...facts } = key;
    this.keys.set(keyId, {
      keyArn: `arn:aws:kms:${this.region}:123456789012:key/${keyId}`,
      enabled: true,
      keyState: 'Enabled',
      keyUsage: 'ENCRYPT_DECRYPT',
      keySpec: 'SYMMETRIC_DEFAULT',
      ...facts,
    });
  }

  async describeSnapshot(snapshotId: string) {
    this.count('describeSnapshot');
    const snapshot = this.snapshots.get(snapshotId);
    return snapshot ? structuredClone(snapshot) : undefined;
  }

  async availabilityZones() {
    this.count('availabilityZones');
    return [...this.zones];
  }

  async describeAttachTarget(instanceId: string) {
    this.count('describeAttachTarget');
    const instance = this.instances.get(instanceId);
    return instance ? structuredClone(instance) : undefined;
  }

  async describeKey(keyId: string) {
    this.count('describeKey');
    const key = this.keys.get(keyId);
    return key ? structuredClone(key) : undefined;
  }

  async dryRunCreateVolume(request: CreateRestoredVolumeRequest): Promise<DryRunAnswer> {
    this.count('dryRunCreateVolume');
    return this.snapshots.has(request.snapshotId)
      ? { wouldSucceed: true }
      : { wouldSucceed: false, reason: `InvalidSnapshot.NotFound: ${request.snapshotId}` };
  }

  async createVolume(request: CreateRestoredVolumeRequest): Promise<RestoredVolume> {
    this.count('createVolume');
    const failure = this.failNext.createVolume.shift();
    if (failure) throw failure;
    const again = [...this.volumes.values()].find(
      (volume) => volume.clientToken === request.clientToken,
    );
    if (again) return this.view(again);
    const volumeId = this.nextId('vol');
    const volume = {
      volumeId,
      state: 'creating',
      availabilityZone: request.availabilityZone,
      tags: { ...request.tags },
      attachments: [],
      pollsLeft: this.pendingPolls,
      clientToken: request.clientToken,
    };
    this.volumes.set(volumeId, volume);
    return this.view(volume);
  }

  async describeVolume(volumeId: string) {
    this.count('describeVolume');
    const failure = this.failNext.describeVolume.shift();
    if (failure) throw failure;
    const volume = this.volumes.get(volumeId);
    if (!volume || volume.state === 'deleted') return undefined;
    if (volume.pollsLeft-- <= 0) this.settle(volume);
    return this.view(volume);
  }

  async findRestoreVolumes(restoreId: string) {
    this.count('findRestoreVolumes');
    return [...this.volumes.values()]
      .filter(
        (volume) => volume.tags[TagKeys.restoreId] === restoreId && volume.state !== 'deleted',
      )
      .map((volume) => this.view(volume));
  }

  async attachVolume(volumeId: string, instanceId: string, device: string) {
    this.count('attachVolume');
    const failure = this.failNext.attachVolume.shift();
    if (failure) throw failure;
    const volume = this.volumes.get(volumeId);
    if (!volume || volume.state !== 'available')
      throw new Error(`IncorrectState: ${volumeId} is not available`);
    volume.attachments = [{ instanceId, device, state: 'attaching' }];
    volume.pollsLeft = this.pendingPolls;
  }

  async detachVolume(volumeId: string) {
    this.count('detachVolume');
    const volume = this.volumes.get(volumeId);
    if (!volume || volume.attachments.length === 0) return;
    volume.attachments = [];
    volume.state = 'available';
  }

  async deleteVolume(volumeId: string) {
    this.count('deleteVolume');
    const volume = this.volumes.get(volumeId);
    if (!volume || volume.state === 'deleted') return;
    if (volume.attachments.length > 0) throw new Error(`VolumeInUse: ${volumeId} is attached`);
    volume.state = 'deleted';
  }

  private settle(volume: RestoredVolume) {
    if (volume.state === 'creating') volume.state = 'available';
    for (const attachment of volume.attachments) {
      attachment.state = 'attached';
      volume.state = 'in-use';
    }
  }

  private view({
    pollsLeft: _polls,
    clientToken: _token,
    ...volume
  }: RestoredVolume & { pollsLeft: number; clientToken: string }) {
    return structuredClone(volume);
  }

  private count(operation: string) {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }

  private nextId(prefix: string) {
    return `${prefix}-${(++this.sequence).toString(16).padStart(17, '0')}`;
  }
}
