import type { RenderedResponse } from '../error-responses.js';
import type { GuestProfile, GuestProfiles } from './guest-profiles.js';
import type { InstanceFacts, Upstream } from './upstream.js';
import { EmulatedError, jsonAnswer, parseJsonBody, stringList } from './wire.js';

/** A command sent through the test cloud, as it remembers it (`emulatedState().ssmCommands`). */
export interface SsmCommandRecord {
  commandId: string;
  region: string;
  documentName: string;
  instanceIds: string[];
  parameters: Record<string, string[]>;
  requestedAt: string;
}

/** What the simulated guest reports about itself: one line of JSON on standard output. */
export interface GuestSelfReport {
  ip: string;
  defaultRoute: boolean;
  dns: boolean;
  imds: boolean;
  hostname: string;
}

const AGENT_VERSION = '3.3.0.0';

/**
 * A simulated SSM agent in every running instance, behaving as its image's guest
 * profile says: DescribeInstanceInformation (which moto lacks), SendCommand (moto's,
 * refused for instances whose agent is not online, as AWS does) and
 * GetCommandInvocation (answered with the guest's network self-check).
 */
export class SsmAgent {
  /** DescribeInstanceInformation polls that covered each instance while its agent was still offline. */
  private readonly offlinePolls = new Map<string, number>();
  private readonly commands = new Map<string, SsmCommandRecord>();
  private readonly invocationPolls = new Map<string, number>();

  constructor(
    private readonly upstream: Upstream,
    private readonly profiles: GuestProfiles,
  ) {}

  clear(): void {
    this.offlinePolls.clear();
    this.commands.clear();
    this.invocationPolls.clear();
  }

  list(): SsmCommandRecord[] {
    return [...this.commands.values()].map((command) => structuredClone(command));
  }

  async describeInstanceInformation(
    region: string,
    body: Buffer | undefined,
  ): Promise<RenderedResponse> {
    const request = parseJsonBody(body);
    const filters = instanceFilters(request);
    const wanted = filters.get('InstanceIds');
    const running = (await this.upstream.instances(region)).filter(
      (i) => i.state === 'running' && (wanted === undefined || wanted.includes(i.instanceId)),
    );
    const list: Record<string, unknown>[] = [];
    for (const instance of running) {
      const profile = this.profiles.for(instance.imageId);
      if (profile.agent === 'never') continue;
      if (!this.isOnline(instance.instanceId, profile)) {
        this.offlinePolls.set(
          instance.instanceId,
          (this.offlinePolls.get(instance.instanceId) ?? 0) + 1,
        );
        continue;
      }
      const entry = {
        InstanceId: instance.instanceId,
        PingStatus: 'Online',
        LastPingDateTime: Date.now() / 1000,
        AgentVersion: AGENT_VERSION,
        IsLatestVersion: true,
        PlatformType: 'Linux',
        PlatformName: 'Amazon Linux',
        PlatformVersion: '2023',
        IPAddress: instance.privateIp,
        ResourceType: 'EC2Instance',
        ComputerName: computerName(region, instance.privateIp),
        AssociationStatus: 'Success',
      };
      if (matchesFilters(entry, instance, filters)) list.push(entry);
    }
    return jsonAnswer({ InstanceInformationList: list });
  }

  /** Refuses (as AWS's InvalidInstanceId) a SendCommand naming an instance whose agent is not online. */
  async checkSendCommand(region: string, body: Buffer | undefined): Promise<void> {
    const ids = stringList(parseJsonBody(body).InstanceIds);
    if (ids.length === 0) return;
    const found = await this.upstream.instances(region, ids);
    const invalid = ids.filter((id) => {
      const instance = found.find((i) => i.instanceId === id);
      return instance === undefined || !this.isManaged(instance);
    });
    if (invalid.length > 0) {
      throw new EmulatedError(
        400,
        'InvalidInstanceId',
        `Instances [[${invalid.join(', ')}]] not in a valid state for account 123456789012`,
      );
    }
  }

  /** Remembers the command moto accepted (its answer passes through unchanged). */
  recordSendCommand(region: string, responseText: string): string {
    try {
      const command = (JSON.parse(responseText) as { Command?: Record<string, unknown> }).Command;
      const commandId = command?.CommandId;
      if (typeof commandId === 'string') {
        const parameters = (command?.Parameters ?? {}) as Record<string, string[]>;
        this.commands.set(commandId, {
          commandId,
          region,
          documentName: typeof command?.DocumentName === 'string' ? command.DocumentName : '',
          instanceIds: stringList(command?.InstanceIds),
          parameters: structuredClone(parameters),
          requestedAt: new Date().toISOString(),
        });
      }
    } catch {
      // Not moto's usual answer: nothing to remember.
    }
    return responseText;
  }

  /** The invocation's result, or undefined for commands not sent through the test cloud (moto answers). */
  async getCommandInvocation(
    region: string,
    body: Buffer | undefined,
  ): Promise<RenderedResponse | undefined> {
    const request = parseJsonBody(body);
    const commandId = typeof request.CommandId === 'string' ? request.CommandId : '';
    const instanceId = typeof request.InstanceId === 'string' ? request.InstanceId : '';
    const command = this.commands.get(commandId);
    if (command === undefined || command.region !== region) return undefined;
    const instance = command.instanceIds.includes(instanceId)
      ? await this.upstream.instance(region, instanceId)
      : undefined;
    if (instance === undefined || !this.isManaged(instance)) {
      throw new EmulatedError(
        400,
        'InvocationDoesNotExist',
        'An error occurred (InvocationDoesNotExist)',
      );
    }
    const profile = this.profiles.for(instance.imageId);
    const key = `${commandId}/${instanceId}`;
    const polled = this.invocationPolls.get(key) ?? 0;
    this.invocationPolls.set(key, polled + 1);
    const common = {
      CommandId: commandId,
      InstanceId: instanceId,
      Comment: '',
      DocumentName: command.documentName,
      DocumentVersion: '$DEFAULT',
      ...(command.documentName === 'AWS-RunShellScript'
        ? { PluginName: 'aws:runShellScript' }
        : {}),
      StandardErrorContent: '',
      StandardOutputUrl: '',
      StandardErrorUrl: '',
      CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
      ExecutionStartDateTime: command.requestedAt,
    };
    if (polled < (profile.commandPendingPolls ?? 0)) {
      return jsonAnswer({
        ...common,
        Status: 'InProgress',
        StatusDetails: 'InProgress',
        ResponseCode: -1,
        StandardOutputContent: '',
        ExecutionElapsedTime: '',
        ExecutionEndDateTime: '',
      });
    }
    return jsonAnswer({
      ...common,
      Status: 'Success',
      StatusDetails: 'Success',
      ResponseCode: 0,
      StandardOutputContent: `${JSON.stringify(selfReport(instance, profile))}\n`,
      ExecutionElapsedTime: 'PT0.1S',
      ExecutionEndDateTime: new Date().toISOString(),
    });
  }

  /** Running, and its agent online. */
  private isManaged(instance: InstanceFacts): boolean {
    return (
      instance.state === 'running' &&
      this.isOnline(instance.instanceId, this.profiles.for(instance.imageId))
    );
  }

  private isOnline(instanceId: string, profile: GuestProfile): boolean {
    return (
      profile.agent === 'online' &&
      (this.offlinePolls.get(instanceId) ?? 0) >= (profile.onlineAfterPolls ?? 0)
    );
  }
}

/** The guest's own view of its network, skewed as its profile says. */
export function selfReport(instance: InstanceFacts, profile: GuestProfile): GuestSelfReport {
  const ip = instance.privateIp ?? '0.0.0.0';
  return {
    ip: profile.selfCheck === 'wrong-ip' ? otherIp(ip) : ip,
    defaultRoute: profile.selfCheck !== 'no-default-route',
    dns: profile.selfCheck !== 'dns-fails',
    imds: profile.selfCheck !== 'imds-fails',
    hostname: `ip-${ip.replace(/\./g, '-')}`,
  };
}

/** The same address with the last octet one higher (mod 256). */
function otherIp(ip: string): string {
  const octets = ip.split('.');
  const last = Number.parseInt(octets[3] ?? '0', 10);
  octets[3] = String((last + 1) % 256);
  return octets.join('.');
}

function computerName(region: string, ip: string | undefined): string {
  const host = `ip-${(ip ?? '0.0.0.0').replace(/\./g, '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

const FILTER_KEYS = ['InstanceIds', 'PingStatus', 'PlatformTypes', 'ResourceType', 'AgentVersion'];

/** Both filter styles (`Filters` and `InstanceInformationFilterList`) as key → values. */
function instanceFilters(request: Record<string, unknown>): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  const add = (key: unknown, values: unknown): void => {
    if (typeof key !== 'string') return;
    if (!FILTER_KEYS.includes(key) && !key.startsWith('tag:') && key !== 'tag-key') {
      throw new EmulatedError(400, 'InvalidFilterKey', `The filter key ${key} is not supported.`);
    }
    filters.set(key, [...(filters.get(key) ?? []), ...stringList(values)]);
  };
  for (const f of Array.isArray(request.Filters) ? request.Filters : []) {
    const { Key, Values } = (f ?? {}) as Record<string, unknown>;
    add(Key, Values);
  }
  const legacy = request.InstanceInformationFilterList;
  for (const f of Array.isArray(legacy) ? legacy : []) {
    const { key, valueSet } = (f ?? {}) as Record<string, unknown>;
    add(key, valueSet);
  }
  return filters;
}

function matchesFilters(
  entry: Record<string, unknown>,
  instance: InstanceFacts,
  filters: Map<string, string[]>,
): boolean {
  for (const [key, values] of filters) {
    if (key === 'InstanceIds') continue;
    if (key === 'tag-key') {
      if (!values.some((v) => v in instance.tags)) return false;
    } else if (key.startsWith('tag:')) {
      const value = instance.tags[key.slice(4)];
      if (value === undefined || !values.includes(value)) return false;
    } else {
      const field = key === 'PlatformTypes' ? 'PlatformType' : key;
      if (!values.includes(String(entry[field]))) return false;
    }
  }
  return true;
}
