import { ArnFormat, CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { BackupConfig } from '../../functions/core/config.js';
import type { RestoreKind } from '../../functions/core/restore/restore-request.js';
import {
  renderTaskEnvironment,
  type EnvironmentGroup,
  type TaskEnvironmentValues,
} from '../../functions/environment/task-environments.js';
import { workflows } from '../../statemachines/tasks/registry.js';
import type { WorkflowSpec } from '../../statemachines/tasks/task-spec.js';
import { BackupAlarms } from '../constructs/backup-alarms.js';
import { BucketCopyAccess } from '../constructs/bucket-copy-access.js';
import type { CatalogTable } from '../constructs/catalog-table.js';
import { Ec2DescribeAccess } from '../constructs/ec2-describe-access.js';
import type { ExportDestinationRef } from '../constructs/export-destination.js';
import { ImageAccess } from '../constructs/image-access.js';
import { PolicySchedules } from '../constructs/policy-schedules.js';
import { PruneAccess } from '../constructs/prune-access.js';
import { recoveryPointScope, type RecoveryPointScope } from '../constructs/recovery-point-scope.js';
import { RestoreAccess } from '../constructs/restore-access.js';
import { restoreAllowListsOf } from '../constructs/restore-allow-lists.js';
import { RestoreApi } from '../constructs/restore-api.js';
import { grantRestoreApi } from '../constructs/restore-api-access.js';
import type { RestoreTable } from '../constructs/restore-table.js';
import { RestoreTestAccess } from '../constructs/restore-test-access.js';
import { RestoreTestNetwork } from '../constructs/restore-test-network.js';
import { SnapshotAccess } from '../constructs/snapshot-access.js';
import type { DeploymentAccess } from '../constructs/task-access.js';
import { TaskWorkflow } from '../constructs/task-workflow.js';
import { handlersDir, restoreApiEntry } from '../paths.js';

/** The registry key of each kind's restore workflow (docs/adr/0012-restore-api.md, decision 1). */
export const RESTORE_WORKFLOW_KEYS = {
  volume: 'restoreVolume',
  instance: 'restoreInstance',
  objects: 'restoreObjects',
  image: 'restoreImage',
} as const satisfies Record<RestoreKind, string>;

/** The environment groups the restore API function reads. */
export const RESTORE_API_ENVIRONMENT: readonly EnvironmentGroup[] = [
  'catalog',
  'restores',
  'restoreWorkflows',
  'restoreAllowLists',
  'backupBuckets',
];

export interface StatelessStackProps extends StackProps {
  readonly prefix: string;
  readonly config: BackupConfig;
  readonly catalog: CatalogTable;
  /** The restore table of the stateful stack. */
  readonly restores: RestoreTable;
  /** The export bucket and VM Import/Export role of the stateful stack. */
  readonly exportDestination: ExportDestinationRef;
  /** The primary key: encrypts the log groups and the alarm topic of this stack. */
  readonly key: kms.IKey;
  readonly logRetentionDays: number;
}

/**
 * Everything that can be replaced at will, in the primary region: the backup, restore-test,
 * prune and restore workflows of the Task registry (functions and state machines), the restore
 * API, the isolated restore-test network, the schedules and the alarms.
 */
export class StatelessStack extends Stack {
  readonly backup: TaskWorkflow;
  readonly restoreTestNetwork: RestoreTestNetwork;
  readonly restoreTest: TaskWorkflow;
  readonly prune: TaskWorkflow;
  /** One restore workflow per kind the registry has. */
  readonly restoreWorkflows: Partial<Record<RestoreKind, TaskWorkflow>>;
  readonly restoreApi: RestoreApi;
  readonly schedules: PolicySchedules;
  readonly alarms: BackupAlarms;
  private readonly firstAvailabilityZone = [Fn.select(0, Fn.getAzs())];

  /**
   * The AZs a VPC of this stack may use: the region's first, resolved by CloudFormation. CDK would
   * otherwise look the account's AZs up (a network call, with credentials) for account-bound
   * stacks; `cdk synth` must stay offline.
   */
  override get availabilityZones(): string[] {
    return this.firstAvailabilityZone;
  }

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const recoveryPoints = recoveryPointScope(this, {
      primaryRegion: props.config.primaryRegion,
      copyTargets: Object.values(props.config.policies).flatMap((policy) => policy.copyTo),
      drKeyAlias: props.config.drKeyAlias,
      prefix: props.prefix,
      exportDestination: props.exportDestination,
    });
    const restoreAccess = new RestoreAccess(
      recoveryPoints,
      restoreAllowListsOf(props.config),
      props.restores,
    );
    const workflow = this.workflowFactory(props, recoveryPoints, restoreAccess);
    this.backup = workflow('Backup', workflows.backup);
    this.restoreTestNetwork = new RestoreTestNetwork(this, 'RestoreTestNetwork', {
      logKey: props.key,
      logRetentionDays: props.logRetentionDays,
    });
    this.restoreTest = workflow('RestoreTest', workflows.restoreTest, this.restoreTestNetwork);
    this.prune = workflow('Prune', workflows.prune);
    this.restoreWorkflows = this.buildRestoreWorkflows(workflow);
    this.restoreApi = this.buildRestoreApi(props, recoveryPoints, restoreAccess);
    this.schedules = new PolicySchedules(this, 'Schedules', {
      config: props.config,
      stateMachine: this.backup.stateMachine,
      restoreTestStateMachine: this.restoreTest.stateMachine,
      pruneStateMachine: this.prune.stateMachine,
      groupName: props.prefix,
    });
    this.alarms = new BackupAlarms(this, 'Alarms', {
      config: props.config,
      backupStateMachine: this.backup.stateMachine,
      restoreTestStateMachine: this.restoreTest.stateMachine,
      pruneStateMachine: this.prune.stateMachine,
      deadLetterQueue: this.schedules.deadLetterQueue,
      topicKey: props.key,
    });
    this.addOutputs();
  }

  /** Every restore workflow the registry has, each its own state machine, functions and roles. */
  private buildRestoreWorkflows(
    workflow: (id: string, spec: WorkflowSpec) => TaskWorkflow,
  ): Partial<Record<RestoreKind, TaskWorkflow>> {
    const registry = workflows as Readonly<Record<string, WorkflowSpec | undefined>>;
    const built: Partial<Record<RestoreKind, TaskWorkflow>> = {};
    for (const [kind, key] of Object.entries(RESTORE_WORKFLOW_KEYS) as [RestoreKind, string][]) {
      const spec = registry[key];
      if (spec) built[kind] = workflow(`Restore${kind[0]?.toUpperCase()}${kind.slice(1)}`, spec);
    }
    return built;
  }

  /** The restore API (infra/constructs/restore-api.ts) and its function's grants. */
  private buildRestoreApi(
    props: StatelessStackProps,
    recoveryPoints: RecoveryPointScope,
    restores: RestoreAccess,
  ): RestoreApi {
    const api = new RestoreApi(this, 'RestoreApi', {
      prefix: props.prefix,
      entry: restoreApiEntry,
      logKey: props.key,
      logRetentionDays: props.logRetentionDays,
      environment: renderTaskEnvironment(
        RESTORE_API_ENVIRONMENT,
        this.environmentValues(props, recoveryPoints),
      ),
    });
    grantRestoreApi(api.function, {
      restores,
      catalog: props.catalog,
      ec2: new Ec2DescribeAccess(),
      stateMachines: Object.values(this.restoreWorkflows).map((workflow) => ({
        stateMachine: workflow.stateMachine,
        name: workflow.stateMachineName,
      })),
    });
    return api;
  }

  /** Builds one registry workflow with this stack's environment values and grants. */
  private workflowFactory(
    props: StatelessStackProps,
    recoveryPoints: RecoveryPointScope,
    restores: RestoreAccess,
  ) {
    return (id: string, spec: WorkflowSpec, network?: RestoreTestNetwork): TaskWorkflow =>
      new TaskWorkflow(this, id, {
        workflow: spec,
        stateMachineName: `${props.prefix}-${spec.name}`,
        handlersDir,
        logKey: props.key,
        logRetentionDays: props.logRetentionDays,
        environment: this.environmentValues(props, recoveryPoints, network),
        access: deploymentAccess(props.catalog, recoveryPoints, restores, network),
      });
  }

  /** The values of every environment group (infra side of functions/environment/). */
  private environmentValues(
    props: StatelessStackProps,
    recoveryPoints: RecoveryPointScope,
    network?: RestoreTestNetwork,
  ): TaskEnvironmentValues {
    const defaultBuckets = recoveryPoints.backupBuckets.defaults;
    return {
      catalog: { tableName: props.catalog.table.tableName },
      restores: { tableName: props.restores.table.tableName },
      restoreWorkflows: this.restoreWorkflowArns(props),
      restoreAllowLists: restoreAllowListsEnvironmentOf(props.config),
      export: {
        bucketName: props.exportDestination.bucketName,
        roleName: props.exportDestination.vmImportRoleName,
      },
      backupBuckets: {
        byRegion: this.toJsonString(
          Object.fromEntries(defaultBuckets.map((target) => [target.region, target.bucketName])),
        ),
      },
      ...(network
        ? {
            restoreTestNetwork: {
              subnetId: network.subnet.subnetId,
              securityGroupIds: network.instanceSecurityGroup.securityGroupId,
              instanceProfile: network.instanceProfile.instanceProfileName,
            },
          }
        : {}),
    };
  }

  /**
   * The ARN of each kind's restore workflow. A kind the registry has no workflow for yet gets the
   * ARN its workflow will have (`<prefix>-restore-<kind>`), so the API's environment is complete:
   * the API refuses such a kind in its preflight (no preflight for it), and its role may start
   * none but the deployed workflows anyway (infra/constructs/restore-api-access.ts).
   */
  private restoreWorkflowArns(props: StatelessStackProps) {
    const arnOf = (kind: RestoreKind) =>
      this.restoreWorkflows?.[kind]?.stateMachine.stateMachineArn ??
      this.formatArn({
        service: 'states',
        resource: 'stateMachine',
        resourceName: `${props.prefix}-restore-${kind}`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    return {
      volume: arnOf('volume'),
      instance: arnOf('instance'),
      objects: arnOf('objects'),
      image: arnOf('image'),
    };
  }

  private addOutputs(): void {
    const outputs: [string, string, string][] = [
      [
        'BackupStateMachineArn',
        this.backup.stateMachine.stateMachineArn,
        'backupctl --state-machine-arn (or BACKUP_STATE_MACHINE_ARN)',
      ],
      [
        'RestoreTestStateMachineArn',
        this.restoreTest.stateMachine.stateMachineArn,
        'State machine of restore tests (backupctl restore-test)',
      ],
      [
        'RestoreTestSubnetId',
        this.restoreTestNetwork.subnet.subnetId,
        'Isolated subnet restore tests launch into (RESTORE_TEST_SUBNET_ID)',
      ],
      [
        'RestoreTestSecurityGroupId',
        this.restoreTestNetwork.instanceSecurityGroup.securityGroupId,
        'Security group of restore-test instances (RESTORE_TEST_SECURITY_GROUP_ID)',
      ],
      [
        'RestoreTestInstanceProfile',
        this.restoreTestNetwork.instanceProfile.instanceProfileName,
        'Instance profile of restore-test instances (RESTORE_TEST_INSTANCE_PROFILE)',
      ],
      [
        'PruneStateMachineArn',
        this.prune.stateMachine.stateMachineArn,
        'State machine of prunes (backupctl prune --state-machine-arn, or PRUNE_STATE_MACHINE_ARN)',
      ],
      [
        'AlarmTopicArn',
        this.alarms.topic.topicArn,
        'SNS topic every alarm notifies: subscribe to it',
      ],
    ];
    outputs.push(...this.restoreOutputs());
    for (const [id, value, description] of outputs) new CfnOutput(this, id, { value, description });
  }

  private restoreOutputs(): [string, string, string][] {
    const outputs: [string, string, string][] = Object.entries(this.restoreWorkflows).map(
      ([kind, workflow]) => [
        `Restore${kind[0]?.toUpperCase()}${kind.slice(1)}StateMachineArn`,
        workflow.stateMachine.stateMachineArn,
        `State machine of ${kind} restores (started by the restore API)`,
      ],
    );
    return [
      ...outputs,
      [
        'RestoreApiUrl',
        this.restoreApi.url,
        'backupctl --api (or BACKUP_API_URL): the restore API',
      ],
      [
        'RestoreApiInvokePolicyArn',
        this.restoreApi.invokePolicy.managedPolicyArn,
        'Attach to a user or role to call every route of the restore API (SigV4)',
      ],
      [
        'RestoreApiReadPolicyArn',
        this.restoreApi.readPolicy.managedPolicyArn,
        'Attach to a user or role to call the GET routes of the restore API (SigV4)',
      ],
    ];
  }
}

/** The grants of this deployment; restore-test grants exist only beside the test network. */
function deploymentAccess(
  catalog: CatalogTable,
  scope: RecoveryPointScope,
  restores: RestoreAccess,
  network?: RestoreTestNetwork,
): DeploymentAccess {
  return {
    catalog,
    ec2: new Ec2DescribeAccess(),
    snapshots: new SnapshotAccess(scope),
    images: new ImageAccess(scope),
    bucketCopies: new BucketCopyAccess(scope),
    prune: new PruneAccess(scope),
    restores,
    get restoreTests(): RestoreTestAccess {
      if (!network) throw new Error('a restore-test grant needs the restore-test network');
      return new RestoreTestAccess(network, scope.primaryRegion);
    },
  };
}

/** `restore.instanceProfiles` and `restore.targetBuckets` for the preflights; unset when empty. */
function restoreAllowListsEnvironmentOf(config: BackupConfig) {
  const { instanceProfiles, targetBuckets } = restoreAllowListsOf(config);
  return {
    ...(instanceProfiles.length > 0 ? { instanceProfiles: instanceProfiles.join(',') } : {}),
    ...(targetBuckets.length > 0 ? { targetBuckets: targetBuckets.join(',') } : {}),
  };
}
