import { restoreInstanceDefinitionFile } from '../definitions.js';
import type { WorkflowSpec } from './task-spec.js';

/*
 * Grants these Tasks need (to be written as `grant` callbacks once the deployment's access has
 * the restore object, infra/constructs/restore-access.ts; until then the entries carry none):
 * - every Task: restores.grantRecordRestores(fn);
 * - LaunchRestoredInstance: ec2.grantDescribe(fn, ['ec2:DescribeImages', 'ec2:DescribeInstances']),
 *   restores.grantRunInstances(fn) (RunInstances + CreateTags on create, iam:PassRole for the
 *   allow-listed profiles);
 * - CheckRestoredInstance: ec2.grantDescribe(fn, ['ec2:DescribeInstances', 'ec2:DescribeInstanceStatus']),
 *   and for verification SSM DescribeInstanceInformation, SendCommand (AWS-RunShellScript) and
 *   GetCommandInvocation on instances tagged backup:restore-id (a restores.grantVerifyInstances(fn));
 * - FailInstanceRestore: ec2.grantDescribe(fn, ['ec2:DescribeInstances', 'ec2:DescribeVolumes']),
 *   restores.grantCleanUpRestored(fn) (TerminateInstances, DetachVolume, DeleteVolume of what
 *   carries backup:restore-id).
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
      clients: ['dynamodb'],
    },
    LaunchRestoredInstance: {
      description:
        'Instance restore: launch the tagged, IMDSv2-only instance from the image (or adopt it) and record it',
      timeoutSeconds: 60,
      clients: ['dynamodb', 'ec2'],
    },
    CheckRestoredInstance: {
      description:
        'Instance restore: one poll of the restored instance (running; the restore-test checks when verifying)',
      timeoutSeconds: 60,
      clients: ['dynamodb', 'ec2', 'ssm'],
    },
    FinishInstanceRestore: {
      description: 'Instance restore: record COMPLETED with the verification and RTO',
      timeoutSeconds: 60,
      clients: ['dynamodb'],
    },
    FailInstanceRestore: {
      description:
        'Instance restore: record the error and terminate what the restore launched (by tag)',
      timeoutSeconds: 120,
      clients: ['dynamodb', 'ec2'],
    },
  },
} as const satisfies WorkflowSpec;
