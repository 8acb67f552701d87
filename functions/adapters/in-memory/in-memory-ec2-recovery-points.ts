import type { Tags } from '../../core/tag-keys.js';
import { AwsRequestError } from '../../ports/errors/aws-request-errors.js';
import type {
  Ec2RecoveryPointStore,
  PrunableImage,
  PrunableSnapshot,
} from '../../ports/ec2-recovery-point-store.js';

/** Snapshots and images per region for pruning tests; `locked` stands for EBS snapshot locks. */
export class InMemoryEc2RecoveryPoints {
  readonly snapshots = new Map<string, PrunableSnapshot & { region: string }>();
  readonly images = new Map<string, PrunableImage & { region: string }>();
  readonly locked = new Set<string>();
  readonly calls: Record<string, number> = {};
  private sequence = 0;

  addSnapshot(region: string, tags: Tags, startTime = '2026-01-01T00:00:00.000Z'): string {
    const snapshotId = `snap-${(++this.sequence).toString(16).padStart(17, '0')}`;
    this.snapshots.set(snapshotId, { snapshotId, state: 'completed', startTime, tags, region });
    return snapshotId;
  }

  addImage(region: string, tags: Tags, snapshotIds: string[]): string {
    const imageId = `ami-${(++this.sequence).toString(16).padStart(17, '0')}`;
    this.images.set(imageId, { imageId, state: 'available', snapshotIds, tags, region });
    return imageId;
  }

  store(region: string): Ec2RecoveryPointStore {
    const count = (operation: string) => {
      this.calls[operation] = (this.calls[operation] ?? 0) + 1;
    };
    const strip = <T extends { region: string }>({ region: _region, ...rest }: T) =>
      structuredClone(rest);
    return {
      region,
      listPolicySnapshots: async (policy) => {
        count('listPolicySnapshots');
        return [...this.snapshots.values()]
          .filter(
            (snapshot) => snapshot.region === region && snapshot.tags['backup:policy'] === policy,
          )
          .map(strip);
      },
      listPolicyImages: async (policy) => {
        count('listPolicyImages');
        return [...this.images.values()]
          .filter((image) => image.region === region && image.tags['backup:policy'] === policy)
          .map(strip);
      },
      imageBackedSnapshotIds: async () => {
        count('imageBackedSnapshotIds');
        return new Set(
          [...this.images.values()]
            .filter((image) => image.region === region)
            .flatMap((image) => image.snapshotIds),
        );
      },
      lockedSnapshotIds: async (snapshotIds) => {
        count('lockedSnapshotIds');
        return new Set(snapshotIds.filter((id) => this.locked.has(id)));
      },
      tagResources: async (resourceIds, tags) => {
        count('tagResources');
        for (const id of resourceIds) {
          const resource = this.snapshots.get(id) ?? this.images.get(id);
          if (resource) Object.assign(resource.tags, tags);
        }
      },
      deregisterImage: async (imageId) => {
        count('deregisterImage');
        this.images.delete(imageId);
      },
      deleteSnapshot: async (snapshotId) => {
        count('deleteSnapshot');
        // The codes EC2 (and the test cloud's lock emulation) answer, as the adapter translates them.
        if (this.locked.has(snapshotId))
          throw new AwsRequestError(
            'DeleteSnapshot',
            'SnapshotLocked',
            `The snapshot '${snapshotId}' is locked and can't be deleted.`,
          );
        if ([...this.images.values()].some((image) => image.snapshotIds.includes(snapshotId)))
          throw new AwsRequestError(
            'DeleteSnapshot',
            'InvalidSnapshot.InUse',
            `The snapshot ${snapshotId} is currently in use by an AMI`,
          );
        this.snapshots.delete(snapshotId);
      },
    };
  }
}
