import { restoreTestDefinitionFile } from '../definitions.js';
import type { WorkflowSpec } from './task-spec.js';

/**
 * One restore test of one policy (statemachines/restore-test.asl.json): pick the newest images,
 * boot them in the isolated test network, verify them through SSM, terminate, record verdicts,
 * sweep leftovers, summarize (the permissions: infra/constructs/restore-test-access.ts).
 */
export const restoreTestWorkflow = {
  name: 'restore-test',
  definitionFile: restoreTestDefinitionFile,
  environment: ['catalog', 'restoreTestNetwork'],
  tasks: {
    PickRestoreCandidates: {
      description:
        'Restore test: pick the newest available image of each opted-in instance from the catalog',
      timeoutSeconds: 100,
      grant: ({ fn, catalog }) => catalog.grantListRecoveryPoints(fn),
      clients: ['dynamodb'],
    },
    TestRestores: {
      description:
        'Restore test: launch, observe and verify (SSM self-check) one batch of images, then terminate them',
      timeoutSeconds: 300,
      grant: ({ fn, ec2, restoreTests }) => {
        ec2.grantDescribe(fn, [
          'ec2:DescribeImages',
          'ec2:DescribeInstances',
          'ec2:DescribeInstanceStatus',
        ]);
        restoreTests.grantLaunch(fn);
        restoreTests.grantAgentChecks(fn);
        restoreTests.grantOnTestInstances(fn, ['ec2:GetConsoleOutput', 'ec2:TerminateInstances']);
      },
      clients: ['ec2', 'ssm'],
    },
    RecordRestoreVerdicts: {
      description:
        "Restore test: record one batch's verdicts and RTOs on the images' tags and in the catalog",
      timeoutSeconds: 100,
      grant: ({ fn, catalog, restoreTests }) => {
        catalog.grantRecordRecoveryPoints(fn);
        restoreTests.grantVerdictTags(fn);
      },
      clients: ['dynamodb', 'ec2'],
    },
    CleanUpRestoreBatch: {
      description: 'Restore test: terminate what a failed batch launched',
      timeoutSeconds: 100,
      grant: ({ fn, ec2, restoreTests }) => {
        ec2.grantDescribe(fn, ['ec2:DescribeInstances']);
        restoreTests.grantOnTestInstances(fn, ['ec2:TerminateInstances']);
      },
      clients: ['ec2'],
    },
    SweepRestoreLeftovers: {
      description:
        'Restore test: terminate and delete leftovers of restore tests (instances, volumes, network interfaces) by tag',
      timeoutSeconds: 270,
      grant: ({ fn, ec2, restoreTests }) => {
        ec2.grantDescribe(fn, [
          'ec2:DescribeInstances',
          'ec2:DescribeVolumes',
          'ec2:DescribeNetworkInterfaces',
        ]);
        restoreTests.grantOnTestInstances(fn, ['ec2:TerminateInstances']);
        restoreTests.grantDeleteLeftovers(fn);
      },
      clients: ['ec2'],
    },
    SummarizeRestoreTest: {
      retry: 'lambdaOnly',
      description: 'Restore test: summarize the verdicts and publish the restore-test metrics',
      timeoutSeconds: 60,
      // Summarize only reads its input and publishes metrics (EMF log lines): no grant beyond logs.
      clients: [],
    },
  },
} as const satisfies WorkflowSpec;
