import { environmentContract } from './environment-contract.js';
import { providedByLambda, text } from './environment-variables.js';

const stateMachineArn = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]+$/;

/**
 * The restore table (functions/core/restore/restore-table-keys.ts): the API and every step of
 * the restore workflows that records progress on a restore.
 */
export const restoreEnvironment = environmentContract('the restore table', {
  tableName: text('RESTORE_TABLE_NAME', 'the name of the restore table'),
  region: providedByLambda('AWS_REGION', 'the region the restore table is in'),
});

/**
 * The restore workflows the API starts, one per kind (docs/adr/0012-restore-api.md). A group of
 * its own: a workflow's steps must not read their own state machine's ARN (the stack would have
 * a cycle), only the API function does.
 */
export const restoreWorkflowsEnvironment = environmentContract('the restore workflows', {
  volume: text('RESTORE_VOLUME_STATE_MACHINE_ARN', 'a state machine ARN', stateMachineArn),
  instance: text('RESTORE_INSTANCE_STATE_MACHINE_ARN', 'a state machine ARN', stateMachineArn),
  objects: text('RESTORE_OBJECTS_STATE_MACHINE_ARN', 'a state machine ARN', stateMachineArn),
  image: text('RESTORE_IMAGE_STATE_MACHINE_ARN', 'a state machine ARN', stateMachineArn),
});
