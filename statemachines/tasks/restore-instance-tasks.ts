import { restoreInstanceDefinitionFile } from '../definitions.js';
import type { WorkflowSpec } from './task-spec.js';

/*
 * Still to grant (infra): CheckRestoredInstance's verification calls SSM on the restored
 * instance: ssm:DescribeInstanceInformation and ssm:GetCommandInvocation (Resource "*"), and
 * ssm:SendCommand of AWS-RunShellScript on instances tagged backup:restore-id, e.g. as
 * restores.grantVerifyRestoredInstances(fn). Until then a deployed verify=true restore fails at
 * its first verification turn (AccessDenied, recorded by name) and terminates the instance.
 */
/**
 * One instance restore (statemachines/restore-instance.asl.json): record RUNNING, launch the
 * image, wait until running, verify with the restore test's checks if asked, record COMPLETED;
 * on failure record the error and terminate what it launched (docs/adr/0012-restore-api.md).
 */
export const restoreInstanceWorkflow = {
  name: 'restore-instance',
  definitionFile: restoreInstanceDefinitionFile,
  environment: ['restores'],
  tasks: {
    BeginInstanceRestore: {
      description: 'Instance restore: mark the restore RUNNING',
      timeoutSeconds: 60,
      grant: ({ fn, restores }) => restores.grantRecordRestores(fn),
      clients: ['dynamodb'],
    },
    LaunchRestoredInstance: {
      description:
        'Instance restore: launch the tagged, IMDSv2-only instance from the image (or adopt it) and record it',
      timeoutSeconds: 60,
      grant: ({ fn, ec2, restores }) => {
        ec2.grantDescribe(fn, ['ec2:DescribeImages', 'ec2:DescribeInstances']);
        restores.grantRecordRestores(fn);
        restores.grantRunInstances(fn);
      },
      clients: ['dynamodb', 'ec2'],
    },
    CheckRestoredInstance: {
      description:
        'Instance restore: one poll of the restored instance (running; the restore-test checks when verifying)',
      timeoutSeconds: 60,
      grant: ({ fn, ec2, restores }) => {
        ec2.grantDescribe(fn, ['ec2:DescribeInstances', 'ec2:DescribeInstanceStatus']);
        restores.grantRecordRestores(fn);
        restores.grantVerifyRestoredInstances(fn);
      },
      clients: ['dynamodb', 'ec2', 'ssm'],
    },
    FinishInstanceRestore: {
      description: 'Instance restore: record COMPLETED with the verification and RTO',
      timeoutSeconds: 60,
      grant: ({ fn, restores }) => restores.grantRecordRestores(fn),
      clients: ['dynamodb'],
    },
    FailInstanceRestore: {
      description:
        'Instance restore: record the error and terminate what the restore launched (by tag)',
      timeoutSeconds: 120,
      grant: ({ fn, ec2, restores }) => {
        ec2.grantDescribe(fn, ['ec2:DescribeInstances', 'ec2:DescribeVolumes']);
        restores.grantRecordRestores(fn);
        restores.grantCleanUpRestored(fn);
      },
      clients: ['dynamodb', 'ec2'],
    },
  },
} as const satisfies WorkflowSpec;
