import type { RestoreKind } from '../../core/restore/restore-request.js';
import type { RestoreExecutionInput, RestoreWorkflows } from '../../ports/restore-workflows.js';

export interface RecordedExecution {
  kind: RestoreKind;
  restoreId: string;
  input: RestoreExecutionInput;
  stopped: boolean;
}

/**
 * The restore workflows' twin: records executions (one per restoreId, as Step Functions keeps
 * one per name) and every start call, so a test counts what was started and how often it was asked.
 */
export class InMemoryRestoreWorkflows implements RestoreWorkflows {
  readonly executions = new Map<string, RecordedExecution>();
  startCalls = 0;

  async start(kind: RestoreKind, restoreId: string, input: RestoreExecutionInput): Promise<void> {
    this.startCalls += 1;
    if (this.executions.has(restoreId)) return;
    this.executions.set(restoreId, {
      kind,
      restoreId,
      input: structuredClone(input),
      stopped: false,
    });
  }

  async stop(_kind: RestoreKind, restoreId: string): Promise<void> {
    const execution = this.executions.get(restoreId);
    if (execution) execution.stopped = true;
  }
}
