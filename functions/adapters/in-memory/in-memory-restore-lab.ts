import { ManagedByValue, TagKeys, type Tags } from '../../core/tag-keys.js';
import type {
  LabNetworkInterface,
  LabVolume,
  RestoreCleanup,
} from '../../ports/restore-cleanup.js';
import type { LabInstance, RestoreLab } from '../../ports/restore-lab.js';
import type { LaunchRequest, RestoreLaunch } from '../../ports/restore-launch.js';
import type {
  AgentInfo,
  LabInstanceStatus,
  RestoreObservation,
  SelfCheckResult,
} from '../../ports/restore-observation.js';
import type { RestoreVerdictTags } from '../../ports/restore-verdict-tags.js';
import { AwsRequestError } from '../../ports/errors/aws-request-errors.js';
import { guestReport, healthy, type GuestProfile } from './simulated-guest.js';

export type { GuestProfile } from './simulated-guest.js';

type Operation =
  | 'launch'
  | 'describeInstances'
  | 'describeInstanceStatus'
  | 'describeAgents'
  | 'sendSelfCheck'
  | 'getSelfCheckResult'
  | 'terminate'
  | 'tagImage';

interface StoredInstance extends LabInstance {
  profile: GuestProfile;
  describePolls: number;
  agentPolls: number;
  clientToken: string;
}

interface StoredCommand {
  instanceId: string;
  pollsLeft: number;
  stdout: string;
}

/**
 * EC2 + SSM's in-memory twin for restore tests: one world that is all four restore-lab ports at
 * once (they share its machines; functions/ports/restore-lab.ts), held to the same behavioural
 * suite as the SDK adapters on the emulator, with simulated guests whose behaviour a test chooses
 * per image, failures injected per operation, and calls counted.
 */
export class InMemoryRestoreLab
  implements RestoreLaunch, RestoreObservation, RestoreCleanup, RestoreVerdictTags
{
  readonly images = new Map<string, { tags: Tags; profile: GuestProfile }>();
  readonly instances = new Map<string, StoredInstance>();
  readonly volumes = new Map<string, LabVolume & { instanceId?: string }>();
  readonly networkInterfaces = new Map<string, LabNetworkInterface & { instanceId?: string }>();
  readonly commands = new Map<string, StoredCommand>();
  readonly failNext: Record<Operation, Error[]> = {
    launch: [],
    describeInstances: [],
    describeInstanceStatus: [],
    describeAgents: [],
    sendSelfCheck: [],
    getSelfCheckResult: [],
    terminate: [],
    tagImage: [],
  };
  readonly calls: Record<string, number> = {};
  /** Launch requests as received, for assertions on the launch parameters. */
  readonly launches: LaunchRequest[] = [];
  private sequence = 0;

  constructor(readonly region = 'us-east-1') {}

  /** This world as the lab's four ports, for code that takes them apart. */
  ports(): RestoreLab {
    return { launcher: this, observer: this, cleanup: this, verdictTags: this };
  }

  addImage(imageId?: string, profile: GuestProfile = healthy): string {
    const id = imageId ?? `ami-${this.nextHex()}`;
    this.images.set(id, { tags: {}, profile });
    return id;
  }

  setGuestProfile(imageId: string, profile: GuestProfile): void {
    const image = this.images.get(imageId);
    if (!image) throw new Error(`no image ${imageId} in the in-memory lab`);
    image.profile = profile;
  }

  /** A volume or interface left over (as if its instance was launched by hand or the image kept it). */
  addStrayVolume(tags: Tags, state = 'available'): string {
    const volumeId = `vol-${this.nextHex()}`;
    this.volumes.set(volumeId, { volumeId, state, tags });
    return volumeId;
  }

  addStrayNetworkInterface(tags: Tags, status = 'available'): string {
    const id = `eni-${this.nextHex()}`;
    this.networkInterfaces.set(id, { networkInterfaceId: id, status, tags });
    return id;
  }

  async launch(request: LaunchRequest): Promise<LabInstance> {
    this.count('launch');
    this.launches.push(structuredClone(request));
    const sameToken = [...this.instances.values()].find(
      (instance) => instance.clientToken === request.clientToken,
    );
    if (sameToken) return this.view(sameToken);
    const image = this.images.get(request.imageId);
    if (!image) {
      throw new AwsRequestError(
        'RunInstances',
        'InvalidAMIID.NotFound',
        `The image id '[${request.imageId}]' does not exist`,
      );
    }
    const instanceId = `i-${this.nextHex()}`;
    const octet = (this.instances.size % 250) + 4;
    const instance: StoredInstance = {
      instanceId,
      imageId: request.imageId,
      state: 'pending',
      privateIp: `10.0.1.${octet}`,
      launchTime: new Date(0).toISOString(),
      tags: { ...request.tags },
      profile: image.profile,
      describePolls: 0,
      agentPolls: 0,
      clientToken: request.clientToken,
    };
    this.instances.set(instanceId, instance);
    const volumeId = `vol-${this.nextHex()}`;
    this.volumes.set(volumeId, {
      volumeId,
      state: 'in-use',
      tags: { ...request.tags },
      instanceId,
    });
    const eniId = `eni-${this.nextHex()}`;
    this.networkInterfaces.set(eniId, {
      networkInterfaceId: eniId,
      status: 'in-use',
      tags: { ...request.tags },
      instanceId,
    });
    return this.view(instance);
  }

  async findTestInstances(runId?: string): Promise<LabInstance[]> {
    this.count('findTestInstances');
    return [...this.instances.values()]
      .filter(
        (instance) =>
          instance.tags[TagKeys.managedBy] === ManagedByValue &&
          (runId === undefined
            ? instance.tags[TagKeys.restoreTestRun] !== undefined
            : instance.tags[TagKeys.restoreTestRun] === runId) &&
          ['pending', 'running', 'stopping', 'stopped'].includes(instance.state),
      )
      .map((instance) => this.view(instance));
  }

  async describeInstances(instanceIds: string[]): Promise<LabInstance[]> {
    this.count('describeInstances');
    return instanceIds.flatMap((id) => {
      const instance = this.instances.get(id);
      if (!instance) return [];
      instance.describePolls += 1;
      this.advance(instance);
      return [this.view(instance)];
    });
  }

  async describeInstanceStatus(instanceIds: string[]): Promise<LabInstanceStatus[]> {
    this.count('describeInstanceStatus');
    return instanceIds.flatMap((id) => {
      const instance = this.instances.get(id);
      if (!instance) return [];
      const running = instance.state === 'running';
      const impaired = instance.profile.boot === 'impaired';
      const status = !running ? 'not-applicable' : impaired ? 'impaired' : 'ok';
      return [{ instanceId: id, instanceStatus: status, systemStatus: running ? 'ok' : status }];
    });
  }

  async describeAgents(instanceIds: string[]): Promise<AgentInfo[]> {
    this.count('describeAgents');
    return instanceIds.flatMap((id) => {
      const instance = this.instances.get(id);
      if (!instance || instance.state !== 'running' || instance.profile.agent === 'never')
        return [];
      instance.agentPolls += 1;
      if (instance.agentPolls <= (instance.profile.onlineAfterPolls ?? 0)) return [];
      return [{ instanceId: id, pingStatus: 'Online' }];
    });
  }

  async sendSelfCheck(instanceIds: string[], script: string): Promise<Map<string, string>> {
    this.count('sendSelfCheck');
    if (!script.includes('"defaultRoute"')) throw new Error('not the self-check script');
    const commands = new Map<string, string>();
    const commandId = `${this.nextHex()}-cmd`;
    for (const id of instanceIds) {
      const instance = this.instances.get(id);
      if (!instance || instance.state !== 'running' || instance.profile.agent === 'never') continue;
      this.commands.set(`${commandId}/${id}`, {
        instanceId: id,
        pollsLeft: instance.profile.commandPendingPolls ?? 0,
        stdout: `${guestReport(instance.profile, instance.privateIp ?? '')}\n`,
      });
      commands.set(id, commandId);
    }
    return commands;
  }

  async getSelfCheckResult(commandId: string, instanceId: string): Promise<SelfCheckResult> {
    this.count('getSelfCheckResult');
    const command = this.commands.get(`${commandId}/${instanceId}`);
    if (!command) {
      throw new AwsRequestError('GetCommandInvocation', 'InvocationDoesNotExist', commandId);
    }
    if (command.pollsLeft-- > 0) {
      return {
        instanceId,
        commandId,
        status: 'pending',
        detail: 'InProgress',
        stdout: '',
        stderr: '',
      };
    }
    return {
      instanceId,
      commandId,
      status: 'success',
      detail: 'Success',
      stdout: command.stdout,
      stderr: '',
    };
  }

  async consoleOutput(instanceId: string): Promise<string | undefined> {
    this.count('consoleOutput');
    return this.instances.get(instanceId)?.profile.consoleOutput;
  }

  async terminate(instanceIds: string[]): Promise<{ instanceId: string; state: string }[]> {
    this.count('terminate');
    return instanceIds.map((id) => {
      const instance = this.instances.get(id);
      if (!instance) return { instanceId: id, state: 'terminated' };
      if (instance.state !== 'terminated') {
        instance.state = 'terminated';
        instance.stateReason = 'Client.UserInitiatedShutdown: User initiated shutdown';
        this.releaseResourcesOf(id);
      }
      return { instanceId: id, state: 'shutting-down' };
    });
  }

  async findTestVolumes(): Promise<LabVolume[]> {
    this.count('findTestVolumes');
    return [...this.volumes.values()]
      .filter((volume) => isTestResource(volume.tags))
      .map(({ instanceId: _instance, ...volume }) => structuredClone(volume));
  }

  async findTestNetworkInterfaces(): Promise<LabNetworkInterface[]> {
    this.count('findTestNetworkInterfaces');
    return [...this.networkInterfaces.values()]
      .filter((eni) => isTestResource(eni.tags))
      .map(({ instanceId: _instance, ...eni }) => structuredClone(eni));
  }

  async deleteVolume(volumeId: string): Promise<void> {
    this.count('deleteVolume');
    this.volumes.delete(volumeId);
  }

  async deleteNetworkInterface(networkInterfaceId: string): Promise<void> {
    this.count('deleteNetworkInterface');
    this.networkInterfaces.delete(networkInterfaceId);
  }

  async tagImage(imageId: string, tags: Tags): Promise<void> {
    this.count('tagImage');
    const image = this.images.get(imageId);
    if (!image) {
      throw new AwsRequestError(
        'CreateTags',
        'InvalidAMIID.NotFound',
        `The image id '[${imageId}]' does not exist`,
      );
    }
    Object.assign(image.tags, tags);
  }

  private advance(instance: StoredInstance): void {
    if (instance.state !== 'pending') return;
    if (instance.describePolls <= (instance.profile.pendingPolls ?? 0)) return;
    if (instance.profile.boot === 'stops') {
      instance.state = 'terminated';
      instance.stateReason = 'Client.InstanceInitiatedShutdown: Instance initiated shutdown';
      this.releaseResourcesOf(instance.instanceId);
    } else {
      instance.state = 'running';
    }
  }

  private releaseResourcesOf(instanceId: string): void {
    for (const [id, volume] of this.volumes)
      if (volume.instanceId === instanceId) this.volumes.delete(id);
    for (const [id, eni] of this.networkInterfaces) {
      if (eni.instanceId === instanceId) this.networkInterfaces.delete(id);
    }
  }

  private count(operation: string): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
    const failure = (this.failNext as Record<string, Error[]>)[operation]?.shift();
    if (failure) throw failure;
  }

  private view({
    profile: _profile,
    describePolls: _polls,
    agentPolls: _agent,
    clientToken: _token,
    ...instance
  }: StoredInstance): LabInstance {
    return structuredClone(instance);
  }

  private nextHex(): string {
    return (++this.sequence).toString(16).padStart(17, '0');
  }
}

function isTestResource(tags: Tags): boolean {
  return tags[TagKeys.managedBy] === ManagedByValue && tags[TagKeys.restoreTestRun] !== undefined;
}
