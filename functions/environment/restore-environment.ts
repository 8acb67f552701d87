import * as z from 'zod';
import { environmentContract } from './environment-contract.js';
import { optionalText, providedByLambda, text } from './environment-variables.js';

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

/** A comma-separated list, empty when unset. */
function optionalList(name: string, what: string) {
  return {
    ...optionalText(name, what),
    schema: z
      .string()
      .optional()
      .transform((raw) =>
        (raw ?? '')
          .split(',')
          .map((entry) => entry.trim())
          .filter((entry) => entry !== ''),
      ),
  };
}

/**
 * The configuration's restore allow-lists (functions/core/config.ts `restore`), which the API's
 * preflights check: an instance profile not listed is refused (none listed: none allowed, so the
 * check fails closed); target buckets, when any are listed, are the only ones allowed.
 */
export const restoreAllowListsEnvironment = environmentContract('the restore allow-lists', {
  instanceProfiles: optionalList(
    'RESTORE_INSTANCE_PROFILES',
    'instance profile names, comma-separated (restore.instanceProfiles)',
  ),
  targetBuckets: optionalList(
    'RESTORE_TARGET_BUCKETS',
    'bucket names, comma-separated (restore.targetBuckets)',
  ),
});
