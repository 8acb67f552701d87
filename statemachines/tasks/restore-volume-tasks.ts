import { restoreVolumeDefinitionFile } from '../definitions.js';
import type { WorkflowSpec } from './task-spec.js';

/*
 * Grants these Tasks need (to be written as `grant` callbacks once the deployment's access has
 * the restore object, infra/constructs/restore-access.ts; until then the entries carry none):
 * - every Task: restores.grantRecordRestores(fn) (read and update the restore record);
 * - CreateRestoredVolume: ec2.grantDescribe(fn, ['ec2:DescribeSnapshots', 'ec2:DescribeVolumes']),
 *   restores.grantCreateVolumes(fn) (CreateVolume + CreateTags on create, with the volume key);
 * - CheckRestoredVolume: ec2.grantDescribe(fn, ['ec2:DescribeVolumes']);
 * - AttachRestoredVolume: ec2.grantDescribe(fn, ['ec2:DescribeVolumes']), restores.grantAttachVolumes(fn);
 * - FailVolumeRestore: ec2.grantDescribe(fn, ['ec2:DescribeVolumes']), restores.grantCleanUpRestored(fn)
 *   (DetachVolume/DeleteVolume of volumes tagged backup:restore-id).
 */

/**
 * One volume restore (statemachines/restore-volume.asl.json): record RUNNING, create the volume
 * from the snapshot, wait until available, attach if asked, record COMPLETED; on failure record
 * the error and delete what it made (docs/adr/0012-restore-api.md).
 */
export const restoreVolumeWorkflow = {
  name: 'restore-volume',
  definitionFile: restoreVolumeDefinitionFile,
  environment: ['restores'],
  tasks: {
    BeginVolumeRestore: {
      description: 'Volume restore: mark the restore RUNNING',
      timeoutSeconds: 60,
      clients: ['dynamodb'],
    },
    CreateRestoredVolume: {
      description:
        'Volume restore: create the encrypted, tagged volume from the snapshot (or adopt it) and record it',
      timeoutSeconds: 60,
      clients: ['dynamodb', 'ec2'],
    },
    CheckRestoredVolume: {
      description: 'Volume restore: one poll of the restored volume (available, attached)',
      timeoutSeconds: 60,
      clients: ['ec2'],
    },
    AttachRestoredVolume: {
      description:
        'Volume restore: attach the restored volume to the requested instance and device',
      timeoutSeconds: 60,
      clients: ['dynamodb', 'ec2'],
    },
    FinishVolumeRestore: {
      description: 'Volume restore: record COMPLETED',
      timeoutSeconds: 60,
      clients: ['dynamodb'],
    },
    FailVolumeRestore: {
      description:
        'Volume restore: record the error and delete the volume the restore created (by tag)',
      timeoutSeconds: 120,
      clients: ['dynamodb', 'ec2'],
    },
  },
} as const satisfies WorkflowSpec;
