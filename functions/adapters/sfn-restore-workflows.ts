import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { RestoreKind } from '../core/restore/restore-request.js';
import type { RestoreExecutionInput, RestoreWorkflows } from '../ports/restore-workflows.js';
import { awsClientConfig } from './aws-client-config.js';
import { translateAwsError } from './aws-error-translation.js';

/**
 * The restore workflows on Step Functions: StartExecution named by the restoreId is idempotent
 * for the same name and input while the execution runs; ExecutionAlreadyExists (it ended, or
 * another API call started it with an input resolved a moment apart) means it was started.
 */
export class StepFunctionsRestoreWorkflows implements RestoreWorkflows {
  private readonly client: SFNClient;

  constructor(
    private readonly stateMachineArns: Readonly<Record<RestoreKind, string>>,
    region: string,
    client?: SFNClient,
  ) {
    this.client = client ?? new SFNClient(awsClientConfig(region));
  }

  async start(kind: RestoreKind, restoreId: string, input: RestoreExecutionInput): Promise<void> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArns[kind],
          name: restoreId,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return;
      throw translateAwsError('StartExecution', error);
    }
  }

  async stop(kind: RestoreKind, restoreId: string): Promise<void> {
    const executionArn = `${this.stateMachineArns[kind].replace(':stateMachine:', ':execution:')}:${restoreId}`;
    try {
      await this.client.send(
        new StopExecutionCommand({
          executionArn,
          error: 'RestoreCancelled',
          cause: `restore ${restoreId} was cancelled through the API`,
        }),
      );
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return;
      throw translateAwsError('StopExecution', error);
    }
  }
}
