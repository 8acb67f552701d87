import { join } from 'node:path';
import { stateMachinesDir } from '../definitions.js';
import type { WorkflowSpec } from './task-spec.js';

export const restoreObjectsDefinitionFile = join(stateMachinesDir, 'restore-objects.asl.json');

/*
 * Grants these Tasks need (to be written as `grant` callbacks once the deployment's access has
 * the restore object, infra/constructs/restore-object-access.ts; until then the entries carry none):
 * - every Task: restores.grantRecordRestores(fn) (read and update the restore record);
 * - RestoreObjects: read the backup buckets' manifests and copies (s3:GetObject, GetObjectVersion,
 *   GetObjectTagging, GetObjectVersionTagging with their keys' kms:Decrypt), HeadObject/HeadBucket
 *   and CopyObject into the target (s3:GetObject, s3:PutObject, s3:PutObjectTagging: the copy
 *   keeps the object's tags, TaggingDirective COPY); never s3:DeleteObject.
 */

/**
 * One objects restore (statemachines/restore-objects.asl.json): record RUNNING, restore the
 * selected objects of a bucket copy's manifest in resumable turns (survey, then conditional
 * server-side copies), record COMPLETED or FAILED with the reasons (docs/adr/0012-restore-api.md).
 */
export const restoreObjectsWorkflow = {
  name: 'restore-objects',
  definitionFile: restoreObjectsDefinitionFile,
  environment: ['restores'],
  tasks: {
    BeginObjectsRestore: {
      description: 'Objects restore: mark the restore RUNNING and start the turn state',
      timeoutSeconds: 60,
      clients: ['dynamodb'],
    },
    RestoreObjects: {
      description:
        "Objects restore: one resumable turn over the manifest's selected objects (survey, or conditional server-side copies from the backup bucket), progress recorded",
      // The handler stops taking objects with 60 s left; the next turn resumes after the last key.
      timeoutSeconds: 300,
      memoryMb: 1024,
      clients: ['dynamodb', 's3'],
    },
    FinishObjectsRestore: {
      description: 'Objects restore: record COMPLETED, or FAILED with each reason by name',
      timeoutSeconds: 60,
      clients: ['dynamodb'],
    },
    FailObjectsRestore: {
      description: 'Objects restore: record the error by name (restored objects are kept)',
      timeoutSeconds: 60,
      clients: ['dynamodb'],
    },
  },
} as const satisfies WorkflowSpec;
