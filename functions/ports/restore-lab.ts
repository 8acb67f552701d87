import { BackupError } from '../core/errors.js';
import type { Tags } from '../core/tag-keys.js';

/** EC2 has no capacity for the instance type right now (InsufficientInstanceCapacity etc.); retry later. */
export class InsufficientCapacityError extends BackupError {
  constructor(
    readonly operation: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${operation}: no capacity: ${detail}`, options);
  }
}

export interface LaunchRequest {
  imageId: string;
  instanceType: string;
  subnetId: string;
  securityGroupIds: string[];
  /** Name or ARN. */
  instanceProfile: string;
  /** Idempotency token: a retried call with the same token launches nothing new. */
  clientToken: string;
  /** Applied to the instance, its volumes and its network interface at launch. */
  tags: Tags;
}

export interface LabInstance {
  instanceId: string;
  imageId: string;
  /** pending | running | shutting-down | terminated | stopping | stopped */
  state: string;
  /** The primary network interface's private IPv4 address. */
  privateIp?: string;
  /** "Code: message" of the state reason, when EC2 gives one. */
  stateReason?: string;
  launchTime?: string;
  tags: Tags;
}

export interface LabInstanceStatus {
  instanceId: string;
  /** ok | impaired | initializing | insufficient-data | not-applicable */
  instanceStatus: string;
  systemStatus: string;
}

export interface AgentInfo {
  instanceId: string;
  /** Online | ConnectionLost | Inactive */
  pingStatus: string;
}

export interface SelfCheckResult {
  instanceId: string;
  commandId: string;
  /** pending: not finished yet (or not visible yet); failed: any terminal status but Success. */
  status: 'pending' | 'success' | 'failed';
  /** The SSM status detail, e.g. Success, InProgress, Failed, DeliveryTimedOut. */
  detail: string;
  stdout: string;
  stderr: string;
}

export interface LabVolume {
  volumeId: string;
  state: string;
  tags: Tags;
}

export interface LabNetworkInterface {
  networkInterfaceId: string;
  status: string;
  tags: Tags;
}

/**
 * Where restore tests boot images (EC2 + SSM in one region). Implementations translate provider
 * errors into ThrottledError / TransientAwsError / InsufficientCapacityError / AwsRequestError
 * (functions/ports/errors) so the steps can tell "try later" from "this failed".
 */
export interface RestoreLab {
  readonly region: string;
  /** RunInstances: no public IP, IMDSv2 required, every EBS volume deleted on termination. */
  launch(request: LaunchRequest): Promise<LabInstance>;
  /**
   * Instances of restore tests that are not terminated (pending, running, stopping, stopped),
   * found by tag: of one run, or of every run when `runId` is absent.
   */
  findTestInstances(runId?: string): Promise<LabInstance[]>;
  /** One call for many ids; ids that do not exist are simply absent. */
  describeInstances(instanceIds: string[]): Promise<LabInstance[]>;
  /** Reachability status checks, for every state (IncludeAllInstances). */
  describeInstanceStatus(instanceIds: string[]): Promise<LabInstanceStatus[]>;
  /** SSM managed-instance information; instances whose agent never registered are absent. */
  describeAgents(instanceIds: string[]): Promise<AgentInfo[]>;
  /**
   * Sends the self-check script to the instances (AWS-RunShellScript). Returns the command id per
   * instance; instances SSM refused (agent not ready) are absent, to be tried again later.
   */
  sendSelfCheck(instanceIds: string[], script: string): Promise<Map<string, string>>;
  getSelfCheckResult(commandId: string, instanceId: string): Promise<SelfCheckResult>;
  /** The console output, decoded; undefined when EC2 has none (yet). */
  consoleOutput(instanceId: string): Promise<string | undefined>;
  /** Returns each instance's state after the call; ids already gone count as terminated. */
  terminate(instanceIds: string[]): Promise<{ instanceId: string; state: string }[]>;
  /** Volumes and network interfaces left by restore tests (tagged with a restore-test run). */
  findTestVolumes(): Promise<LabVolume[]>;
  findTestNetworkInterfaces(): Promise<LabNetworkInterface[]>;
  deleteVolume(volumeId: string): Promise<void>;
  deleteNetworkInterface(networkInterfaceId: string): Promise<void>;
  /** Adds or replaces tags on an image. */
  tagImage(imageId: string, tags: Tags): Promise<void>;
}

export type RestoreLabFactory = (region: string) => RestoreLab;
