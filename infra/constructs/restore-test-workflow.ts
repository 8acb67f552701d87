import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ManagedByValue, TagKeys } from '../../functions/core/tag-keys.js';
import { acknowledge, wildcardResource } from '../nag.js';
import type { BackupFunction } from './backup-function.js';
import { workflowStateMachine, workflowSteps } from './workflow-steps.js';
import type { CatalogTable } from './catalog-table.js';
import { ec2Arn, RESOURCE_TAGGED_MANAGED } from './image-access.js';
import type { RestoreTestNetwork } from './restore-test-network.js';
import { SnapshotAccess } from './snapshot-access.js';

export interface RestoreTestWorkflowProps {
  readonly stateMachineName: string;
  readonly definitionFile: string;
  readonly handlersDir: string;
  readonly catalog: CatalogTable;
  readonly network: RestoreTestNetwork;
  readonly logKey: kms.IKey;
  readonly logRetentionDays: number;
  readonly primaryRegion: string;
}

/** The step functions of the restore-test state machine, keyed by their ASL placeholder. */
export interface RestoreTestFunctions {
  readonly PickRestoreCandidatesFunctionArn: BackupFunction;
  readonly TestRestoresFunctionArn: BackupFunction;
  readonly RecordRestoreVerdictsFunctionArn: BackupFunction;
  readonly CleanUpRestoreBatchFunctionArn: BackupFunction;
  readonly SweepRestoreLeftoversFunctionArn: BackupFunction;
  readonly SummarizeRestoreTestFunctionArn: BackupFunction;
}

/** The tag tests and their leftovers carry, as an IAM condition on existing resources. */
const managedResource = RESOURCE_TAGGED_MANAGED;

/**
 * One restore test of one policy (statemachines/restore-test.asl.json): pick the newest images,
 * boot them in the isolated test network, verify them through SSM, terminate, record verdicts,
 * sweep leftovers, summarize. Launching is allowed only into the test subnet with the test
 * security group and instance profile, for instances tagged as the orchestrator's; terminating,
 * running commands and deleting leftovers only on resources that carry that tag.
 */
export class RestoreTestWorkflow extends Construct {
  readonly functions: RestoreTestFunctions;
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: RestoreTestWorkflowProps) {
    super(scope, id);
    const { network } = props;
    const environment = {
      CATALOG_TABLE_NAME: props.catalog.table.tableName,
      RESTORE_TEST_SUBNET_ID: network.subnet.subnetId,
      RESTORE_TEST_SECURITY_GROUP_ID: network.instanceSecurityGroup.securityGroupId,
      RESTORE_TEST_INSTANCE_PROFILE: network.instanceProfile.instanceProfileName,
    };
    const step = workflowSteps(this, {
      handlersDir: props.handlersDir,
      logKey: props.logKey,
      logRetentionDays: props.logRetentionDays,
      environment,
    });

    const pick = step(
      'PickRestoreCandidates',
      'pick-restore-candidates.ts',
      'Restore test: pick the newest available image of each opted-in instance from the catalog',
      Duration.seconds(100),
    );
    props.catalog.grantListRecoveryPoints(pick.role);

    const test = step(
      'TestRestores',
      'test-restores.ts',
      'Restore test: launch, observe and verify (SSM self-check) one batch of images, then terminate them',
      Duration.minutes(5),
    );
    SnapshotAccess.describe(test, [
      'ec2:DescribeImages',
      'ec2:DescribeInstances',
      'ec2:DescribeInstanceStatus',
    ]);
    this.allowLaunch(test, props);
    this.allowAgentChecks(test, props.primaryRegion);
    this.allowOnTestInstances(test, props.primaryRegion, [
      'ec2:GetConsoleOutput',
      'ec2:TerminateInstances',
    ]);

    const record = step(
      'RecordRestoreVerdicts',
      'record-restore-verdicts.ts',
      "Restore test: record one batch's verdicts and RTOs on the images' tags and in the catalog",
      Duration.seconds(100),
    );
    props.catalog.grantRecordRecoveryPoints(record.role);
    this.allowVerdictTags(record, props.primaryRegion);

    const cleanUp = step(
      'CleanUpRestoreBatch',
      'clean-up-restore-batch.ts',
      'Restore test: terminate what a failed batch launched',
      Duration.seconds(100),
    );
    SnapshotAccess.describe(cleanUp, ['ec2:DescribeInstances']);
    this.allowOnTestInstances(cleanUp, props.primaryRegion, ['ec2:TerminateInstances']);

    const sweep = step(
      'SweepRestoreLeftovers',
      'sweep-restore-leftovers.ts',
      'Restore test: terminate and delete leftovers of restore tests (instances, volumes, network interfaces) by tag',
      Duration.seconds(270),
    );
    SnapshotAccess.describe(sweep, [
      'ec2:DescribeInstances',
      'ec2:DescribeVolumes',
      'ec2:DescribeNetworkInterfaces',
    ]);
    this.allowOnTestInstances(sweep, props.primaryRegion, ['ec2:TerminateInstances']);
    this.allowDeleteLeftovers(sweep, props.primaryRegion);

    const summarize = step(
      'SummarizeRestoreTest',
      'summarize-restore-test.ts',
      'Restore test: summarize the verdicts and publish the restore-test metrics',
      Duration.minutes(1),
    );
    // Summarize only reads its input and publishes metrics (EMF log lines): no grant beyond logs.

    this.functions = {
      PickRestoreCandidatesFunctionArn: pick,
      TestRestoresFunctionArn: test,
      RecordRestoreVerdictsFunctionArn: record,
      CleanUpRestoreBatchFunctionArn: cleanUp,
      SweepRestoreLeftoversFunctionArn: sweep,
      SummarizeRestoreTestFunctionArn: summarize,
    };
    this.stateMachine = workflowStateMachine(this, {
      definitionFile: props.definitionFile,
      stateMachineName: props.stateMachineName,
      functions: this.functions,
      logKey: props.logKey,
      logRetentionDays: props.logRetentionDays,
    });
  }

  /**
   * RunInstances of the orchestrator's own images, only into the test subnet, only with the test
   * security group and instance profile, only for instances tagged as the orchestrator's and with
   * IMDSv2 required; the tags are set by the launch call itself.
   */
  private allowLaunch(fn: BackupFunction, props: RestoreTestWorkflowProps): void {
    const stack = Stack.of(this);
    const region = props.primaryRegion;
    const { network } = props;
    const subnetArn = ec2Arn(stack, region, 'subnet', network.subnet.subnetId);
    const securityGroupArn = ec2Arn(
      stack,
      region,
      'security-group',
      network.instanceSecurityGroup.securityGroupId,
    );
    const instances = ec2Arn(stack, region, 'instance');
    const volumes = ec2Arn(stack, region, 'volume');
    const interfaces = ec2Arn(stack, region, 'network-interface');
    const images = ec2Arn(stack, region, 'image');
    const tagged = `aws:RequestTag/${TagKeys.managedBy}`;

    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'LaunchTaggedInstancesWithImdsV2',
        actions: ['ec2:RunInstances'],
        resources: [instances],
        conditions: {
          StringEquals: { [tagged]: ManagedByValue, 'ec2:MetadataHttpTokens': 'required' },
        },
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'LaunchOnlyIntoTheTestSubnet',
        actions: ['ec2:RunInstances'],
        resources: [subnetArn, securityGroupArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'LaunchNetworkInterfacesInTheTestSubnet',
        actions: ['ec2:RunInstances'],
        resources: [interfaces],
        conditions: { ArnEquals: { 'ec2:Subnet': subnetArn } },
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'LaunchVolumesOfTheInstance',
        actions: ['ec2:RunInstances'],
        resources: [volumes],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'LaunchOnlyTheOrchestratorsImages',
        actions: ['ec2:RunInstances'],
        resources: [images],
        conditions: managedResource,
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'TagWhileLaunching',
        actions: ['ec2:CreateTags'],
        resources: [instances, volumes, interfaces],
        conditions: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PassTheTestInstanceRole',
        actions: ['iam:PassRole'],
        resources: [network.instanceRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      }),
    );
    const reasons: [string, string][] = [
      [
        instances,
        `Instance ids are generated by EC2 at launch; the launch is allowed only when the request tags the instance ${TagKeys.managedBy}=${ManagedByValue} and requires IMDSv2.`,
      ],
      [
        volumes,
        'The volumes a launch creates from the image have ids EC2 generates; they are deleted on termination.',
      ],
      [
        interfaces,
        'The network interface a launch creates has an id EC2 generates; it may only be created in the test subnet (condition ec2:Subnet).',
      ],
      [
        images,
        `Any of the orchestrator's own images may be tested (condition aws:ResourceTag/${TagKeys.managedBy}); their ids are generated by EC2 when the backup runs.`,
      ],
    ];
    for (const [arn, reason] of reasons) acknowledge(fn.role, wildcardResource(arn, fn), reason);
  }

  /** SSM: is the agent online, run the self-check script (AWS-RunShellScript only) and read its result. */
  private allowAgentChecks(fn: BackupFunction, region: string): void {
    const stack = Stack.of(this);
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
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RunOnlyTheShellScriptDocument',
        actions: ['ssm:SendCommand'],
        resources: [
          stack.formatArn({
            service: 'ssm',
            region,
            account: '',
            resource: 'document',
            resourceName: 'AWS-RunShellScript',
          }),
        ],
      }),
    );
    const instances = ec2Arn(stack, region, 'instance');
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RunCommandsOnlyOnTestInstances',
        actions: ['ssm:SendCommand'],
        resources: [instances],
        conditions: {
          StringEquals: { [`ssm:resourceTag/${TagKeys.managedBy}`]: ManagedByValue },
        },
      }),
    );
    acknowledge(
      fn.role,
      wildcardResource(instances, fn),
      `Test instances have ids EC2 generates at launch; commands may be sent only to instances tagged ${TagKeys.managedBy}=${ManagedByValue} (condition ssm:resourceTag).`,
    );
  }

  /** Actions on test instances only: those tagged as the orchestrator's (condition aws:ResourceTag). */
  private allowOnTestInstances(fn: BackupFunction, region: string, actions: string[]): void {
    const instances = ec2Arn(Stack.of(this), region, 'instance');
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions, resources: [instances], conditions: managedResource }),
    );
    acknowledge(
      fn.role,
      wildcardResource(instances, fn),
      `Test instances have ids EC2 generates at launch; ${actions.join(' and ')} are allowed only on instances tagged ${TagKeys.managedBy}=${ManagedByValue} (condition aws:ResourceTag).`,
    );
  }

  /** The sweeper deletes volumes and network interfaces left by restore tests, found by tag. */
  private allowDeleteLeftovers(fn: BackupFunction, region: string): void {
    const stack = Stack.of(this);
    const volumes = ec2Arn(stack, region, 'volume');
    const interfaces = ec2Arn(stack, region, 'network-interface');
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ec2:DeleteVolume'],
        resources: [volumes],
        conditions: managedResource,
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ec2:DeleteNetworkInterface'],
        resources: [interfaces],
        conditions: managedResource,
      }),
    );
    for (const arn of [volumes, interfaces]) {
      acknowledge(
        fn.role,
        wildcardResource(arn, fn),
        `Leftover volumes and network interfaces of restore tests have ids EC2 generated at launch; they may be deleted only when tagged ${TagKeys.managedBy}=${ManagedByValue} (condition aws:ResourceTag).`,
      );
    }
  }

  /** The verdict tags on the tested image: only on the orchestrator's images, only the verdict keys. */
  private allowVerdictTags(fn: BackupFunction, region: string): void {
    const images = ec2Arn(Stack.of(this), region, 'image');
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ec2:CreateTags'],
        resources: [images],
        conditions: {
          ...managedResource,
          'ForAllValues:StringEquals': {
            'aws:TagKeys': [
              TagKeys.restoreTestVerdict,
              TagKeys.restoreTestedAt,
              TagKeys.restoreTestRtoSeconds,
            ],
          },
        },
      }),
    );
    acknowledge(
      fn.role,
      wildcardResource(images, fn),
      `Tested images have ids EC2 generated when the backup ran; only images tagged ${TagKeys.managedBy}=${ManagedByValue} may get tags, and only the restore-test verdict keys (condition aws:TagKeys).`,
    );
  }
}
