import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledge, wildcardResource } from '../nag.js';
import type { BackupFunction } from './backup-function.js';

/**
 * What every check of a booted instance's SSM agent needs, whoever booted it (restore tests:
 * restore-test-access.ts; restores: restore-verify-access.ts): whether the agent is online, the
 * command's result, and SendCommand of the AWS-RunShellScript document only, in these regions.
 * The caller adds SendCommand on its own instances, with its own tag condition.
 */
export function grantShellScriptAgentChecks(fn: BackupFunction, regions: readonly string[]): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['ssm:DescribeInstanceInformation', 'ssm:GetCommandInvocation'],
      resources: ['*'],
    }),
  );
  acknowledge(
    fn.role,
    wildcardResource('*'),
    'ssm:DescribeInstanceInformation and ssm:GetCommandInvocation accept no resource-level permissions: Resource "*" is the only value SSM allows for them.',
  );
  const stack = Stack.of(fn);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'RunOnlyTheShellScriptDocument',
      actions: ['ssm:SendCommand'],
      resources: regions.map((region) =>
        stack.formatArn({
          service: 'ssm',
          region,
          account: '',
          resource: 'document',
          resourceName: 'AWS-RunShellScript',
        }),
      ),
    }),
  );
}
