import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { TagKeys } from '../../functions/core/tag-keys.js';
import { acknowledge, wildcardResource } from '../nag.js';
import type { BackupFunction } from './backup-function.js';
import { ec2Arn } from './image-access.js';
import { grantShellScriptAgentChecks } from './ssm-agent-access.js';

/**
 * The verification of a restored instance with the restore test's checks
 * (functions/steps/restore/verify-restored-instance.ts): is the SSM agent online, run the guest
 * self-check (the AWS-RunShellScript document only) and read its result, read the console
 * output; commands and console only on instances that carry a `backup:restore-id` (condition
 * ssm:resourceTag / aws:ResourceTag), in every region of the deployment.
 */
export function grantVerifyRestoredInstances(fn: BackupFunction, regions: readonly string[]): void {
  const stack = Stack.of(fn);
  grantShellScriptAgentChecks(fn, regions);
  const instances = regions.map((region) => ec2Arn(stack, region, 'instance'));
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'RunCommandsOnlyOnRestoredInstances',
      actions: ['ssm:SendCommand'],
      resources: instances,
      conditions: { Null: { [`ssm:resourceTag/${TagKeys.restoreId}`]: 'false' } },
    }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ReadConsoleOnlyOfRestoredInstances',
      actions: ['ec2:GetConsoleOutput'],
      resources: instances,
      conditions: { Null: { [`aws:ResourceTag/${TagKeys.restoreId}`]: 'false' } },
    }),
  );
  for (const arn of instances) {
    acknowledge(
      fn.role,
      wildcardResource(arn, fn),
      `Restored instances have ids EC2 generated at launch; commands may be sent and the console read only on instances tagged ${TagKeys.restoreId} (conditions ssm:resourceTag and aws:ResourceTag).`,
    );
  }
}
