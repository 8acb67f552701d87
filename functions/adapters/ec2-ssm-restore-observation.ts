import {
  EC2Client,
  GetConsoleOutputCommand,
  paginateDescribeInstanceStatus,
} from '@aws-sdk/client-ec2';
import {
  GetCommandInvocationCommand,
  SSMClient,
  SendCommandCommand,
  paginateDescribeInstanceInformation,
} from '@aws-sdk/client-ssm';
import { toBatches } from '../core/batching.js';
import type { LabInstance } from '../ports/restore-lab.js';
import type {
  AgentInfo,
  LabInstanceStatus,
  RestoreObservation,
  SelfCheckResult,
} from '../ports/restore-observation.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';
import { describeLabInstances } from './ec2-lab-instances.js';

/** EC2 filters take up to 200 values; DescribeInstanceStatus 100 ids; SSM 50 instance ids. */
const filterValuesLimit = 200;
const statusIdsLimit = 100;
const ssmIdsLimit = 50;

const pendingCommandStatuses = new Set(['Pending', 'InProgress', 'Delayed']);

/**
 * Observes restore-test machines on EC2 and SSM with one call per question for many machines,
 * and runs the guest self-check through SSM Run Command (docs/adr/0005-restore-tests.md).
 */
export class Ec2SsmRestoreObservation implements RestoreObservation {
  private readonly ec2: EC2Client;
  private readonly ssm: SSMClient;

  constructor(
    readonly region: string,
    clients: { ec2?: EC2Client; ssm?: SSMClient } = {},
  ) {
    this.ec2 = clients.ec2 ?? new EC2Client(awsClientConfig(region));
    this.ssm = clients.ssm ?? new SSMClient(awsClientConfig(region));
  }

  async describeInstances(instanceIds: string[]): Promise<LabInstance[]> {
    const found: LabInstance[] = [];
    for (const ids of toBatches(instanceIds, filterValuesLimit)) {
      found.push(...(await describeLabInstances(this.ec2, [{ Name: 'instance-id', Values: ids }])));
    }
    return found;
  }

  async describeInstanceStatus(instanceIds: string[]): Promise<LabInstanceStatus[]> {
    const found: LabInstanceStatus[] = [];
    try {
      for (const ids of toBatches(instanceIds, statusIdsLimit)) {
        const pages = paginateDescribeInstanceStatus(
          { client: this.ec2 },
          { InstanceIds: ids, IncludeAllInstances: true },
        );
        for await (const page of pages) {
          for (const status of page.InstanceStatuses ?? []) {
            found.push({
              instanceId: status.InstanceId ?? '',
              instanceStatus: checkStatus(status.InstanceStatus),
              systemStatus: checkStatus(status.SystemStatus),
            });
          }
        }
      }
    } catch (error) {
      throw translateAwsError('DescribeInstanceStatus', error);
    }
    return found;
  }

  async describeAgents(instanceIds: string[]): Promise<AgentInfo[]> {
    const found: AgentInfo[] = [];
    try {
      for (const ids of toBatches(instanceIds, ssmIdsLimit)) {
        const pages = paginateDescribeInstanceInformation(
          { client: this.ssm },
          { Filters: [{ Key: 'InstanceIds', Values: ids }] },
        );
        for await (const page of pages) {
          for (const info of page.InstanceInformationList ?? []) {
            if (info.InstanceId) {
              found.push({ instanceId: info.InstanceId, pingStatus: info.PingStatus ?? 'Unknown' });
            }
          }
        }
      }
    } catch (error) {
      throw translateAwsError('DescribeInstanceInformation', error);
    }
    return found;
  }

  async sendSelfCheck(instanceIds: string[], script: string): Promise<Map<string, string>> {
    const commands = new Map<string, string>();
    for (const ids of toBatches(instanceIds, ssmIdsLimit)) {
      try {
        const commandId = await this.send(ids, script);
        for (const id of ids) commands.set(id, commandId);
      } catch (error) {
        // SSM refuses the whole call when one instance is not ready; ask the others one by one.
        if (!isNotReady(error) || ids.length === 1) {
          if (isNotReady(error)) continue;
          throw translateAwsError('SendCommand', error);
        }
        for (const id of ids) {
          try {
            commands.set(id, await this.send([id], script));
          } catch (single) {
            if (!isNotReady(single)) throw translateAwsError('SendCommand', single);
          }
        }
      }
    }
    return commands;
  }

  async getSelfCheckResult(commandId: string, instanceId: string): Promise<SelfCheckResult> {
    try {
      const output = await this.ssm.send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
      );
      const status = output.Status ?? 'Pending';
      return {
        instanceId,
        commandId,
        status: pendingCommandStatuses.has(status)
          ? 'pending'
          : status === 'Success'
            ? 'success'
            : 'failed',
        detail: output.StatusDetails ?? status,
        stdout: output.StandardOutputContent ?? '',
        stderr: output.StandardErrorContent ?? '',
      };
    } catch (error) {
      // Right after SendCommand the invocation may not be visible yet.
      if ((error as Error).name === 'InvocationDoesNotExist') {
        return {
          instanceId,
          commandId,
          status: 'pending',
          detail: 'NotYetVisible',
          stdout: '',
          stderr: '',
        };
      }
      throw translateAwsError('GetCommandInvocation', error);
    }
  }

  async consoleOutput(instanceId: string): Promise<string | undefined> {
    const read = async (latest: boolean) => {
      const output = await this.ec2.send(
        new GetConsoleOutputCommand({
          InstanceId: instanceId,
          ...(latest ? { Latest: true } : {}),
        }),
      );
      return output.Output ? Buffer.from(output.Output, 'base64').toString('utf8') : undefined;
    };
    try {
      return await read(true);
    } catch (error) {
      // Latest=true is for Nitro instances only; older types answer with the buffered output.
      if ((error as Error).name !== 'UnsupportedOperation') {
        throw translateAwsError('GetConsoleOutput', error);
      }
    }
    try {
      return await read(false);
    } catch (error) {
      throw translateAwsError('GetConsoleOutput', error);
    }
  }

  private async send(instanceIds: string[], script: string): Promise<string> {
    const output = await this.ssm.send(
      new SendCommandCommand({
        InstanceIds: instanceIds,
        DocumentName: 'AWS-RunShellScript',
        Comment: 'backup-orchestrator restore test: network self-check',
        TimeoutSeconds: 60,
        Parameters: { commands: script.split('\n'), executionTimeout: ['60'] },
      }),
    );
    const commandId = output.Command?.CommandId;
    if (!commandId) throw new Error('SendCommand returned no command id');
    return commandId;
  }
}

/** SSM's way of saying an instance's agent cannot take commands (yet). */
function isNotReady(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'InvalidInstanceId';
}

/** An instance or system check; a failed reachability detail counts as impaired. */
function checkStatus(
  summary: { Status?: string; Details?: { Name?: string; Status?: string }[] } | undefined,
): string {
  const reachability = summary?.Details?.find((detail) => detail.Name === 'reachability');
  if (reachability?.Status === 'failed') return 'impaired';
  return summary?.Status ?? 'not-applicable';
}
