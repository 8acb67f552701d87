import type { LabInstance } from './restore-lab.js';

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

/**
 * What restore tests learn of their machines: one call per question for many machines (EC2
 * state, reachability checks, SSM agent), the guest self-check through SSM Run Command, and the
 * console output as evidence (functions/ports/restore-lab.ts: the lab's other ports).
 */
export interface RestoreObservation {
  readonly region: string;
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
}
