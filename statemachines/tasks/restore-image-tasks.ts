import { restoreImageDefinitionFile } from '../definitions.js';
import type { WorkflowSpec } from './task-spec.js';

/*
 * Still to grant (infra, infra/constructs/restore-access.ts): CreateRestoredImage needs
 * ec2:CreateRestoreImageTask with ec2:CreateTags on create (restore tags in the request) and
 * s3:GetObject on the export bucket's STORE_TASK objects (e.g. restores.grantRestoreImages(fn));
 * FailImageRestore needs ec2:DeregisterImage of images tagged backup:restore-id (part of
 * restores.grantCleanUpRestored). Until then those entries grant only what exists.
 */

/**
 * One image restore from a STORE_TASK export (statemachines/restore-image.asl.json): record
 * RUNNING, CreateRestoreImageTask, wait until available, record COMPLETED; on failure record
 * the error and deregister what it made (docs/adr/0012-restore-api.md).
 */
export const restoreImageWorkflow = {
  name: 'restore-image',
  definitionFile: restoreImageDefinitionFile,
  environment: ['restores'],
  tasks: {
    BeginImageRestore: {
      description: 'Image restore: mark the restore RUNNING',
      timeoutSeconds: 60,
      grant: ({ fn, restores }) => restores.grantRecordRestores(fn),
      clients: ['dynamodb'],
    },
    CreateRestoredImage: {
      description:
        "Image restore: restore the tagged image from the export's S3 object (or adopt it) and record it",
      timeoutSeconds: 60,
      grant: ({ fn, ec2, restores }) => {
        ec2.grantDescribe(fn, ['ec2:DescribeImages']);
        restores.grantRecordRestores(fn);
        restores.grantRestoreImages(fn);
      },
      clients: ['dynamodb', 'ec2', 's3'],
    },
    CheckRestoredImage: {
      description: 'Image restore: one poll of the restored image (available)',
      timeoutSeconds: 60,
      grant: ({ fn, ec2 }) => ec2.grantDescribe(fn, ['ec2:DescribeImages']),
      clients: ['ec2', 's3'],
    },
    FinishImageRestore: {
      description: 'Image restore: record COMPLETED',
      timeoutSeconds: 60,
      grant: ({ fn, restores }) => restores.grantRecordRestores(fn),
      clients: ['dynamodb'],
    },
    FailImageRestore: {
      description:
        'Image restore: record the error and deregister the image the restore made (by tag)',
      timeoutSeconds: 120,
      grant: ({ fn, ec2, restores }) => {
        ec2.grantDescribe(fn, ['ec2:DescribeImages']);
        restores.grantRecordRestores(fn);
        restores.grantCleanUpRestored(fn);
      },
      clients: ['dynamodb', 'ec2', 's3'],
    },
  },
} as const satisfies WorkflowSpec;
