import { join } from 'node:path';
import { stateMachinesDir } from '../definitions.js';
import type { WorkflowSpec } from './task-spec.js';

export const restoreObjectsDefinitionFile = join(stateMachinesDir, 'restore-objects.asl.json');

/**
 * One objects restore (statemachines/restore-objects.asl.json): record RUNNING, restore the
 * selected objects of a bucket copy's manifest in resumable turns (survey, then conditional
 * server-side copies), record COMPLETED or FAILED with the reasons (docs/adr/0012-restore-api.md,
 * docs/restore-objects.md). The grants: infra/constructs/restore-access.ts and
 * restore-object-access.ts (reads of the backup buckets, writes into targets other than them,
 * never a delete).
 */
export const restoreObjectsWorkflow = {
  name: 'restore-objects',
  definitionFile: restoreObjectsDefinitionFile,
  environment: ['restores'],
  tasks: {
    BeginObjectsRestore: {
      description: 'Objects restore: mark the restore RUNNING and start the turn state',
      timeoutSeconds: 60,
      grant: ({ fn, restores }) => restores.grantRecordRestores(fn),
      clients: ['dynamodb'],
    },
    RestoreObjects: {
      description:
        "Objects restore: one resumable turn over the manifest's selected objects (survey, or conditional server-side copies from the backup bucket), progress recorded",
      // The handler stops taking objects with 60 s left; the next turn resumes after the last key.
      timeoutSeconds: 300,
      memoryMb: 1024,
      grant: ({ fn, restores }) => {
        restores.grantRecordRestores(fn);
        // The manifest and the copies (any version, with their tags: TaggingDirective COPY).
        restores.grantReadBackupObjects(fn);
        // HEAD and conditional CopyObject into the target (HeadBucket included).
        restores.grantWriteRestoredObjects(fn);
      },
      clients: ['dynamodb', 's3'],
    },
    FinishObjectsRestore: {
      description: 'Objects restore: record COMPLETED, or FAILED with each reason by name',
      timeoutSeconds: 60,
      grant: ({ fn, restores }) => restores.grantRecordRestores(fn),
      clients: ['dynamodb'],
    },
    FailObjectsRestore: {
      description: 'Objects restore: record the error by name (restored objects are kept)',
      timeoutSeconds: 60,
      grant: ({ fn, restores }) => restores.grantRecordRestores(fn),
      clients: ['dynamodb'],
    },
  },
} as const satisfies WorkflowSpec;
