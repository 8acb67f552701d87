import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { BackupError } from '../core/errors.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';

export class ExecutionFailedError extends BackupError {}

export interface FinishedExecution {
  executionArn: string;
  status: string;
  output?: unknown;
}

/** Starts a deployed state machine by execution name (the run id) and follows it to the end. */
export class StepFunctionsExecutions {
  private readonly client: SFNClient;

  constructor(region: string, client?: SFNClient) {
    this.client = client ?? new SFNClient(awsClientConfig(region));
  }

  /** Idempotent on the name: an execution that already exists is followed, not restarted. */
  async start(stateMachineArn: string, name: string, input: unknown): Promise<string> {
    try {
      const output = await this.client.send(
        new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
      );
      return output.executionArn ?? '';
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) {
        return stateMachineArn.replace(':stateMachine:', ':execution:') + `:${name}`;
      }
      throw translateAwsError('StartExecution', error);
    }
  }

  async follow(
    executionArn: string,
    onPoll: (status: string) => void = () => undefined,
    pollMs = 5000,
  ): Promise<FinishedExecution> {
    for (;;) {
      let described;
      try {
        described = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      } catch (error) {
        throw translateAwsError('DescribeExecution', error);
      }
      const status = described.status ?? 'UNKNOWN';
      onPoll(status);
      if (status === 'SUCCEEDED') {
        return {
          executionArn,
          status,
          output: described.output ? JSON.parse(described.output) : undefined,
        };
      }
      if (status !== 'RUNNING' && status !== 'PENDING_REDRIVE') {
        throw new ExecutionFailedError(
          `execution ${executionArn} ended ${status}: ${described.error ?? ''} ${described.cause ?? ''}`.trim(),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}
