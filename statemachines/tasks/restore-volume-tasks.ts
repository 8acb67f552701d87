import { restoreVolumeDefinitionFile } from '../definitions.js';
import type { WorkflowSpec } from './task-spec.js';

/**
 * One volume restore (statemachines/restore-volume.asl.json): record RUNNING, create the volume
 * from the snapshot, wait until available, attach if asked, record COMPLETED; on failure record
 * the error and delete what it made (docs/adr/0012-restore-api.md). The grants:
 * infra/constructs/restore-access.ts.
 */
export const restoreVolumeWorkflow = {
  name: 'restore-volume',
  definitionFile: restoreVolumeDefinitionFile,
  environment: ['restores'],
  tasks: {
    BeginVolumeRestore: {
      description: 'Volume restore: mark the restore RUNNING',
      timeoutSeconds: 60,
      grant: ({ fn, restores }) => restores.grantRecordRestores(fn),
      clients: ['dynamodb'],
    },
    CreateRestoredVolume: {
      description:
        'Volume restore: create the encrypted, tagged volume from the snapshot (or adopt it) and record it',
      timeoutSeconds: 60,
      grant: ({ fn, ec2, restores }) => {
        ec2.grantDescribe(fn, ['ec2:DescribeSnapshots', 'ec2:DescribeVolumes']);
        restores.grantRecordRestores(fn);
        restores.grantCreateVolumes(fn);
      },
      clients: ['dynamodb', 'ec2'],
    },
    CheckRestoredVolume: {
      description: 'Volume restore: one poll of the restored volume (available, attached)',
      timeoutSeconds: 60,
      grant: ({ fn, ec2 }) => ec2.grantDescribe(fn, ['ec2:DescribeVolumes']),
      clients: ['ec2'],
    },
    AttachRestoredVolume: {
      description:
        'Volume restore: attach the restored volume to the requested instance and device',
      timeoutSeconds: 60,
      grant: ({ fn, ec2, restores }) => {
        ec2.grantDescribe(fn, ['ec2:DescribeVolumes']);
        restores.grantRecordRestores(fn);
        restores.grantAttachVolumes(fn);
      },
      clients: ['dynamodb', 'ec2'],
    },
    FinishVolumeRestore: {
      description: 'Volume restore: record COMPLETED',
      timeoutSeconds: 60,
      grant: ({ fn, restores }) => restores.grantRecordRestores(fn),
      clients: ['dynamodb'],
    },
    FailVolumeRestore: {
      description:
        'Volume restore: record the error and delete the volume the restore created (by tag)',
      timeoutSeconds: 120,
      grant: ({ fn, ec2, restores }) => {
        ec2.grantDescribe(fn, ['ec2:DescribeVolumes']);
        restores.grantRecordRestores(fn);
        restores.grantCleanUpRestored(fn);
      },
      clients: ['dynamodb', 'ec2'],
    },
  },
} as const satisfies WorkflowSpec;
