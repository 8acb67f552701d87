import { TagKeys } from '../../core/tag-keys.js';
import type {
  InstanceRestoreTarget,
  LaunchRestoredInstanceRequest,
  RestorableImage,
  RestoredInstance,
  RestoreSubnet,
} from '../../ports/instance-restore-target.js';

const account = '123456789012';

/**
 * EC2's in-memory twin for instance restores (functions/ports/instance-restore-target.ts), held
 * to the same preflight suite as the SDK adapter: images, subnets, security groups, instance
 * types and key pairs a test declares; launches honour ClientToken as EC2 does, instances stay
 * `pending` for N polls; launch requests kept for assertions; calls counted.
 */
export class InMemoryInstanceRestoreTarget implements InstanceRestoreTarget {
  readonly images = new Map<string, RestorableImage>();
  readonly subnets = new Map<string, RestoreSubnet>();
  readonly securityGroups = new Map<string, string>();
  readonly instanceTypes = new Set(['t3.micro', 't3.small', 'm5.large']);
  readonly keyPairs = new Set<string>();
  /** Source instances' types, by instance id. */
  readonly sourceTypes = new Map<string, string>();
  readonly instances = new Map<
    string,
    RestoredInstance & { pollsLeft: number; clientToken: string }
  >();
  readonly launches: LaunchRestoredInstanceRequest[] = [];
  pendingPolls = 0;
  readonly calls: Record<string, number> = {};
  private sequence = 0;

  constructor(readonly region = 'us-east-1') {}

  addImage(image: Partial<RestorableImage> = {}): string {
    const imageId = image.imageId ?? this.nextId('ami');
    this.images.set(imageId, { imageId, state: 'available', ownerId: account, tags: {}, ...image });
    return imageId;
  }

  addNetwork(vpcId = this.nextId('vpc')): {
    subnetId: string;
    securityGroupId: string;
    vpcId: string;
  } {
    const subnetId = this.nextId('subnet');
    const securityGroupId = this.nextId('sg');
    this.subnets.set(subnetId, { subnetId, vpcId, availabilityZone: `${this.region}a` });
    this.securityGroups.set(securityGroupId, vpcId);
    return { subnetId, securityGroupId, vpcId };
  }

  async describeImage(imageId: string) {
    this.count('describeImage');
    const image = this.images.get(imageId);
    return image ? structuredClone(image) : undefined;
  }

  async describeSubnet(subnetId: string) {
    this.count('describeSubnet');
    const subnet = this.subnets.get(subnetId);
    return subnet ? { ...subnet } : undefined;
  }

  async securityGroupVpcs(groupIds: string[]) {
    this.count('securityGroupVpcs');
    return new Map(
      groupIds.flatMap((id) => {
        const vpcId = this.securityGroups.get(id);
        return vpcId === undefined ? [] : [[id, vpcId] as const];
      }),
    );
  }

  async instanceTypeExists(instanceType: string) {
    this.count('instanceTypeExists');
    return this.instanceTypes.has(instanceType);
  }

  async keyPairExists(keyName: string) {
    this.count('keyPairExists');
    return this.keyPairs.has(keyName);
  }

  async sourceInstanceType(instanceId: string) {
    this.count('sourceInstanceType');
    return this.sourceTypes.get(instanceId);
  }

  async dryRunLaunch(request: LaunchRestoredInstanceRequest) {
    this.count('dryRunLaunch');
    return this.images.has(request.imageId)
      ? undefined
      : `InvalidAMIID.NotFound: ${request.imageId}`;
  }

  async launch(request: LaunchRestoredInstanceRequest): Promise<RestoredInstance> {
    this.count('launch');
    this.launches.push(structuredClone(request));
    const again = [...this.instances.values()].find(
      (instance) => instance.clientToken === request.clientToken,
    );
    if (again) return this.view(again);
    const instanceId = this.nextId('i');
    const instance = {
      instanceId,
      state: 'pending',
      ownerId: account,
      tags: { ...request.tags },
      pollsLeft: this.pendingPolls,
      clientToken: request.clientToken,
    };
    this.instances.set(instanceId, instance);
    return this.view(instance);
  }

  async describeInstance(instanceId: string) {
    this.count('describeInstance');
    const instance = this.instances.get(instanceId);
    if (!instance) return undefined;
    if (instance.state === 'pending' && instance.pollsLeft-- <= 0) instance.state = 'running';
    return this.view(instance);
  }

  async findRestoreInstances(restoreId: string) {
    this.count('findRestoreInstances');
    return [...this.instances.values()]
      .filter(
        (instance) =>
          instance.tags[TagKeys.restoreId] === restoreId && instance.state !== 'terminated',
      )
      .map((instance) => this.view(instance));
  }

  async terminate(instanceIds: string[]) {
    this.count('terminate');
    for (const id of instanceIds) {
      const instance = this.instances.get(id);
      if (instance) instance.state = 'terminated';
    }
  }

  private view({
    pollsLeft: _polls,
    clientToken: _token,
    ...instance
  }: RestoredInstance & { pollsLeft: number; clientToken: string }) {
    return structuredClone(instance);
  }

  private count(operation: string) {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
  }

  private nextId(prefix: string) {
    return `${prefix}-${(++this.sequence).toString(16).padStart(17, '0')}`;
  }
}
