import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BackupApp } from '../../infra/build-app.js';
import { restoreTestScheduleName } from '../../infra/constructs/policy-schedules.js';
import { CatalogKeys } from '../../functions/core/catalog-keys.js';
import { parseConfig } from '../../functions/core/config.js';
import { ConfigError } from '../../functions/core/errors.js';
import { allTasks, workflows } from '../../statemachines/tasks/registry.js';
import {
  account,
  aslFiles,
  exampleConfig,
  policyStatementsOf,
  expectScheduleTarget,
} from './synth.js';

describe('templates built from the example configuration', () => {
  let built: BackupApp;
  let stateful: Template;
  let stateless: Template;

  beforeAll(() => {
    built = buildApp({ config: exampleConfig(), bundle: false, nag: false, account });
    stateful = Template.fromStack(built.stateful);
    stateless = Template.fromStack(built.stateless);
  });

  describe('stateful stack', () => {
    it('is in the primary region', () => {
      expect(built.stateful.region).toBe(built.config.primaryRegion);
      expect(built.stateless.region).toBe(built.config.primaryRegion);
    });

    it('outputs what backupctl needs to reach the deployment', () => {
      expect(Object.keys(stateful.findOutputs('CatalogTableName'))).toHaveLength(1);
      expect(Object.keys(stateful.findOutputs('ExportBucketName'))).toHaveLength(1);
      for (const output of [
        'BackupStateMachineArn',
        'RestoreTestStateMachineArn',
        'PruneStateMachineArn',
        'RestoreTestSubnetId',
        'RestoreTestSecurityGroupId',
        'RestoreTestInstanceProfile',
        'AlarmTopicArn',
      ]) {
        expect({ output, count: Object.keys(stateless.findOutputs(output)).length }).toEqual({
          output,
          count: 1,
        });
      }
    });

    it('keys the catalog table and its indexes as catalog-keys.ts says', () => {
      // The catalog and the restore table (test/infra/restore-api.test.ts).
      stateful.resourceCountIs('AWS::DynamoDB::Table', 2);
      stateful.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          // The name backupctl uses by default (--catalog-table / CATALOG_TABLE_NAME).
          TableName: 'backup-orchestrator-catalog',
          BillingMode: 'PAY_PER_REQUEST',
          DeletionProtectionEnabled: true,
          KeySchema: [{ AttributeName: CatalogKeys.partitionKey, KeyType: 'HASH' }],
          GlobalSecondaryIndexes: [
            {
              IndexName: CatalogKeys.bySourceIndex,
              KeySchema: [
                { AttributeName: CatalogKeys.bySourcePartitionKey, KeyType: 'HASH' },
                { AttributeName: CatalogKeys.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
            {
              IndexName: CatalogKeys.byPolicyIndex,
              KeySchema: [
                { AttributeName: CatalogKeys.byPolicyPartitionKey, KeyType: 'HASH' },
                { AttributeName: CatalogKeys.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
            {
              IndexName: CatalogKeys.byCreationIndex,
              KeySchema: [
                { AttributeName: CatalogKeys.byCreationPartitionKey, KeyType: 'HASH' },
                { AttributeName: CatalogKeys.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: {
            SSEEnabled: true,
            SSEType: 'KMS',
            KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^PrimaryKey'), 'Arn'] },
          },
        }),
      });
    });

    it('has a rotated, retained primary key that CloudWatch Logs may use for this account', () => {
      stateful.resourceCountIs('AWS::KMS::Key', 1);
      stateful.hasResource('AWS::KMS::Key', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          EnableKeyRotation: true,
          KeyPolicy: Match.objectLike({
            Statement: Match.arrayWith([
              Match.objectLike({
                Principal: { Service: `logs.${built.config.primaryRegion}.amazonaws.com` },
                Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
              }),
            ]),
          }),
        }),
      });
    });
  });

  describe('state machines', () => {
    it('are STANDARD, log everything with execution data to an encrypted log group, and are traced', () => {
      // One per workflow of the registry (the restore workflows included).
      const names = Object.values(workflows).map(({ name }) => `backup-orchestrator-${name}`);
      stateless.resourceCountIs('AWS::StepFunctions::StateMachine', names.length);
      expect(names).toEqual(
        expect.arrayContaining([
          'backup-orchestrator-backup',
          'backup-orchestrator-restore-test',
          'backup-orchestrator-prune',
        ]),
      );
      for (const name of names) {
        stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', {
          StateMachineType: 'STANDARD',
          StateMachineName: name,
          TracingConfiguration: { Enabled: true },
          LoggingConfiguration: {
            Level: 'ALL',
            IncludeExecutionData: true,
            Destinations: [
              {
                CloudWatchLogsLogGroup: {
                  LogGroupArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
                },
              },
            ],
          },
        });
      }
      const logGroups = stateless.findResources('AWS::Logs::LogGroup');
      for (const logGroup of Object.values(logGroups)) {
        expect(logGroup.Properties).toEqual(
          expect.objectContaining({
            KmsKeyId: { 'Fn::ImportValue': expect.stringContaining('PrimaryKey') },
          }),
        );
        expect(logGroup.Properties.RetentionInDays).toBe(90);
      }
    });

    it.each([
      ['backup', /^BackupStateMachineRole/, 12],
      ['restore-test', /^RestoreTestStateMachineRole/, 6],
    ])(
      'the %s state machine (%p) may invoke exactly its %d functions, and start and follow its own Distributed Map children',
      (name, roleId, functionCount) => {
        const statements = policyStatementsOf(stateless, roleId);
        const invoke = statements.find((statement) => statement.Action === 'lambda:InvokeFunction');
        expect(invoke?.Resource).toHaveLength(functionCount);
        for (const resource of invoke?.Resource as unknown[]) {
          expect(resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/Function/), 'Arn'] });
        }
        const start = statements.find((statement) => statement.Action === 'states:StartExecution');
        expect(JSON.stringify(start?.Resource)).toContain(
          `:stateMachine:backup-orchestrator-${name}"`,
        );
        const follow = statements.find(
          (statement) =>
            JSON.stringify(statement.Action) ===
            JSON.stringify(['states:DescribeExecution', 'states:StopExecution']),
        );
        expect(JSON.stringify(follow?.Resource)).toContain(
          `:execution:backup-orchestrator-${name}/*"`,
        );
      },
    );
  });

  describe('functions', () => {
    it('run Node.js 24 on ARM with tracing, their own log group and the common environment', () => {
      const functions = stateless.findResources('AWS::Lambda::Function');
      // One per Task of the registry, and the restore API's (test/infra/restore-api.test.ts).
      expect(Object.keys(functions)).toHaveLength(allTasks().size + 1);
      for (const [id, fn] of Object.entries(functions)) {
        // Memory as the Task's registry entry says (SyncBucket, PruneRegion, RestoreObjects ask for
        // more), the restore API's 1024 MB; SyncBucket its own NODE_OPTIONS
        // (test/infra/bucket-copies.test.ts).
        const syncBucket = id.startsWith('BackupSyncBucket');
        const restoreApi = id.startsWith('RestoreApi');
        const task = [...allTasks()].find(([name]) => id.includes(`${name}Function`))?.[1];
        // The backup, restore-test and prune workflows read the catalog; restores their own table.
        const readsCatalog = /^(Backup|RestoreTest|Prune|RestoreApi)/.test(id);
        expect(fn.Properties).toEqual(
          expect.objectContaining({
            Runtime: 'nodejs24.x',
            Architectures: ['arm64'],
            MemorySize: restoreApi ? 1024 : (task?.memoryMb ?? 512),
            TracingConfig: { Mode: 'Active' },
            LoggingConfig: expect.objectContaining({
              LogGroup: { Ref: expect.stringMatching(/LogGroup/) },
            }),
          }),
        );
        expect(fn.Properties.Environment.Variables).toEqual(
          expect.objectContaining({
            ...(readsCatalog
              ? {
                  CATALOG_TABLE_NAME: {
                    'Fn::ImportValue': expect.stringContaining('CatalogTable'),
                  },
                }
              : { RESTORE_TABLE_NAME: { 'Fn::ImportValue': expect.stringContaining('Restores') } }),
            POWERTOOLS_SERVICE_NAME: 'backup-orchestrator',
            POWERTOOLS_METRICS_NAMESPACE: 'BackupOrchestrator',
            NODE_OPTIONS: syncBucket
              ? '--enable-source-maps --max-semi-space-size=16'
              : '--enable-source-maps',
          }),
        );
      }
      for (const step of [
        'SnapshotVolumes',
        'CopySnapshots',
        'ImageInstances',
        'CopyImages',
        'SyncBucket',
      ]) {
        const [fn] = Object.entries(functions).filter(([id]) => id.includes(step));
        expect(fn?.[1].Properties.Timeout).toBe(300);
      }
    });

    it('give each Lambda a timeout below its Task timeout in the ASL', () => {
      const functions = stateless.findResources('AWS::Lambda::Function');
      const taskTimeouts = new Map<string, number>();
      for (const file of aslFiles()) collectTaskTimeouts(JSON.parse(file.text), taskTimeouts);
      const machines = stateless.findResources('AWS::StepFunctions::StateMachine');
      let checked = 0;
      for (const machine of Object.values(machines)) {
        const substitutions = machine.Properties.DefinitionSubstitutions as Record<
          string,
          { 'Fn::GetAtt': [string, string] }
        >;
        for (const [placeholder, arn] of Object.entries(substitutions)) {
          const fnTimeout = functions[arn['Fn::GetAtt'][0]]?.Properties.Timeout as number;
          const taskTimeout = taskTimeouts.get(placeholder);
          expect({ placeholder, below: fnTimeout < (taskTimeout ?? 0) }).toEqual({
            placeholder,
            below: true,
          });
          checked += 1;
        }
      }
      expect(checked).toBe(allTasks().size);
    });

    it('discover volumes and instances, and know the export bucket and service role', () => {
      const [discover] = Object.entries(stateless.findResources('AWS::Lambda::Function')).filter(
        ([id]) => id.startsWith('BackupDiscoverResources'),
      );
      expect(discover?.[1].Properties.Environment.Variables).toEqual(
        expect.objectContaining({
          EXPORT_BUCKET_NAME: {
            'Fn::ImportValue': 'backup-orchestrator-stateful:ExportBucketName',
          },
          EXPORT_ROLE_NAME: 'backup-orchestrator-vmimport',
        }),
      );
      const statements = policyStatementsOf(stateless, /^BackupDiscoverResourcesRole/);
      expect(statements).toContainEqual(
        expect.objectContaining({
          Action: ['ec2:DescribeVolumes', 'ec2:DescribeInstances'],
          Resource: '*',
        }),
      );
    });

    it('never tag without a condition that limits the tagging', () => {
      const createTags = policyStatementsOf(stateless, /Role/).filter((statement) =>
        [statement.Action].flat().includes('ec2:CreateTags'),
      );
      expect(createTags.length).toBeGreaterThan(0);
      for (const statement of createTags) {
        const condition = JSON.stringify(statement.Condition ?? {});
        expect(condition).toMatch(
          /ec2:CreateAction|aws:RequestTag\/backup:managed-by|aws:ResourceTag\/backup:managed-by/,
        );
      }
    });

    it('tag snapshots of volumes only while creating or copying them', () => {
      const createTags = policyStatementsOf(
        stateless,
        /(SnapshotVolumes|CopySnapshots)Role/,
      ).filter((statement) => statement.Action === 'ec2:CreateTags');
      expect(createTags.length).toBeGreaterThan(0);
      for (const statement of createTags) {
        expect(statement.Condition).toEqual({
          StringEquals: { 'ec2:CreateAction': ['CreateSnapshot', 'CopySnapshot'] },
        });
        expect(JSON.stringify(statement.Resource)).toMatch(/::snapshot\/\*/);
      }
    });

    it.each([/CopySnapshotsRole/, /CopyImagesRole/])(
      'use the DR key only through its alias, and grant it to AWS resources only (%s)',
      (roleId) => {
        const kms = policyStatementsOf(stateless, roleId).filter((statement) =>
          JSON.stringify(statement.Action).includes('kms:'),
        );
        expect(kms).toHaveLength(2);
        for (const statement of kms) {
          expect(statement.Condition).toEqual(
            expect.objectContaining({
              'ForAnyValue:StringEquals': { 'kms:ResourceAliases': built.config.drKeyAlias },
            }),
          );
          expect(JSON.stringify(statement.Resource)).toContain(':kms:us-west-2:');
        }
        const grant = kms.find((statement) => statement.Action === 'kms:CreateGrant');
        expect(grant?.Condition).toEqual(
          expect.objectContaining({ Bool: { 'kms:GrantIsForAWSResource': 'true' } }),
        );
      },
    );

    it('use no AWS managed policy (only the test instances use the SSM agent policy, and API Gateway its logging role)', () => {
      const withManaged = Object.entries(stateless.findResources('AWS::IAM::Role')).filter(
        ([, role]) => role.Properties.ManagedPolicyArns !== undefined,
      );
      expect(withManaged.map(([id]) => id).sort()).toEqual([
        expect.stringMatching(/^RestoreApiCloudWatchRole/),
        expect.stringMatching(/^RestoreTestNetworkInstanceRole/),
      ]);
      const managed = (prefix: string) =>
        JSON.stringify(
          withManaged.find(([id]) => id.startsWith(prefix))?.[1].Properties.ManagedPolicyArns,
        );
      expect(managed('RestoreTestNetworkInstanceRole')).toContain(
        ':iam::aws:policy/AmazonSSMManagedInstanceCore',
      );
      // The account-level role API Gateway writes execution logs with (every API of the account
      // and region uses it, so it is AWS's policy for it, not one scoped to this API).
      expect(managed('RestoreApiCloudWatchRole')).toMatch(
        /:iam::aws:policy\/service-role\/AmazonAPIGatewayPushToCloudWatchLogs"\]\]\}\]$/,
      );
    });
  });

  describe('schedules', () => {
    it('has one schedule per policy with its expression, time zone and input', () => {
      const schedules = Object.values(stateless.findResources('AWS::Scheduler::Schedule'));
      const policies = Object.entries(built.config.policies);
      const restoreTested = policies.filter(([, policy]) => policy.restoreTest);
      expect(restoreTested.length).toBeGreaterThan(0);
      // Backup and prune of every policy, restore test of those with restoreTest.
      expect(schedules).toHaveLength(2 * policies.length + restoreTested.length);
      for (const [name, policy] of policies) {
        const schedule = schedules.find((candidate) => candidate.Properties.Name === name);
        expect(schedule).toBeDefined();
        expect(schedule?.Properties).toEqual(
          expect.objectContaining({
            GroupName: 'backup-orchestrator',
            ScheduleExpression: policy.schedule,
            ScheduleExpressionTimezone: policy.timezone,
            FlexibleTimeWindow: { Mode: 'OFF' },
            State: 'ENABLED',
          }),
        );
        expectScheduleTarget(schedule?.Properties.Target, /^BackupStateMachine/, {
          policyName: name,
          config: built.config,
        });
      }
    });

    it('has one restore-test schedule per policy with restoreTest, in the same group, with retries and the DLQ', () => {
      const schedules = Object.values(stateless.findResources('AWS::Scheduler::Schedule'));
      for (const [name, policy] of Object.entries(built.config.policies)) {
        const schedule = schedules.find(
          (candidate) => candidate.Properties.Name === restoreTestScheduleName(name),
        );
        if (!policy.restoreTest) {
          expect(schedule).toBeUndefined();
          continue;
        }
        expect(schedule?.Properties).toEqual(
          expect.objectContaining({
            Name: `restore-test.${name}`,
            GroupName: 'backup-orchestrator',
            ScheduleExpression: policy.restoreTest.schedule,
            ScheduleExpressionTimezone: policy.timezone,
            FlexibleTimeWindow: { Mode: 'OFF' },
            State: 'ENABLED',
          }),
        );
        expectScheduleTarget(schedule?.Properties.Target, /^RestoreTestStateMachine/, {
          policyName: name,
          config: built.config,
        });
      }
    });

    it('names restore-test schedules within the 64 characters Scheduler allows', () => {
      const long = 'p'.repeat(64);
      expect(restoreTestScheduleName('daily')).toBe('restore-test.daily');
      expect(restoreTestScheduleName(long)).toHaveLength(64);
      expect(restoreTestScheduleName(long)).not.toBe(restoreTestScheduleName(`${long.slice(1)}q`));
    });

    it('may only start the three state machines and write to its dead-letter queue', () => {
      const statements = policyStatementsOf(stateless, /SchedulesRole/);
      expect(statements.map((statement) => statement.Action)).toEqual([
        'states:StartExecution',
        'states:StartExecution',
        'states:StartExecution',
        ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
      ]);
      expect(statements.slice(0, 3).map((statement) => statement.Resource)).toEqual([
        { Ref: expect.stringMatching(/^BackupStateMachine/) },
        { Ref: expect.stringMatching(/^RestoreTestStateMachine/) },
        { Ref: expect.stringMatching(/^PruneStateMachine/) },
      ]);
    });

    it('dead-letters into an encrypted, TLS-only queue', () => {
      stateless.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
      stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });
  });

  describe('DR stacks', () => {
    it('has one per copy region, with a rotated, retained key under the configured alias', () => {
      expect(Object.keys(built.dr)).toEqual(['us-west-2']);
      const stack = built.dr['us-west-2']!;
      expect(stack.region).toBe('us-west-2');
      const template = Template.fromStack(stack);
      template.hasResource('AWS::KMS::Key', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({ EnableKeyRotation: true }),
      });
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: built.config.drKeyAlias });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Condition: {
                StringEquals: {
                  'kms:ViaService': 'ec2.us-west-2.amazonaws.com',
                  'kms:CallerAccount': account,
                },
              },
            }),
          ]),
        },
      });
    });

    it('no template references another region', () => {
      for (const stack of [built.stateful, built.stateless, ...Object.values(built.dr)]) {
        const text = JSON.stringify(Template.fromStack(stack).toJSON());
        expect(text).not.toContain('Custom::CrossRegionExportReader');
        expect(text).not.toContain('ExportsWriter');
      }
    });
  });
});

describe('stacks follow the configuration', () => {
  it('creates one DR stack per distinct copy region across all policies', () => {
    const config = parseConfig({
      primaryRegion: 'eu-central-1',
      drKeyAlias: 'alias/my-dr',
      policies: {
        a: {
          schedule: 'rate(1 day)',
          retention: { keepLast: 1 },
          copyTo: [{ region: 'eu-west-1' }, { region: 'us-east-2' }],
        },
        b: {
          schedule: 'rate(7 days)',
          retention: { keepLast: 1 },
          copyTo: [{ region: 'eu-west-1' }],
        },
        c: { schedule: 'cron(0 1 * * ? *)', timezone: 'Asia/Tokyo', retention: { keepLast: 1 } },
      },
    });
    const built = buildApp({
      config,
      bundle: false,
      nag: false,
      account,
      context: { prefix: 'acme-backup' },
    });
    expect(Object.keys(built.dr).sort()).toEqual(['eu-west-1', 'us-east-2']);
    expect(built.app.node.children.map((child) => child.node.id).sort()).toEqual([
      'acme-backup-dr-eu-west-1',
      'acme-backup-dr-us-east-2',
      'acme-backup-stateful',
      'acme-backup-stateless',
    ]);
    for (const [region, stack] of Object.entries(built.dr)) {
      expect(stack.region).toBe(region);
      Template.fromStack(stack).hasResourceProperties('AWS::KMS::Alias', {
        AliasName: 'alias/my-dr',
      });
    }
    const stateless = Template.fromStack(built.stateless);
    // A backup and a prune schedule per policy.
    stateless.resourceCountIs('AWS::Scheduler::Schedule', 6);
    stateless.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'c',
      GroupName: 'acme-backup',
      ScheduleExpressionTimezone: 'Asia/Tokyo',
    });
  });

  it('allows a copy target its own key, by alias or by ARN, besides the DR key', () => {
    const ownKey = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const config = parseConfig({
      primaryRegion: 'us-east-1',
      policies: {
        a: {
          schedule: 'rate(1 day)',
          retention: { keepLast: 1 },
          copyTo: [
            { region: 'eu-west-1', kmsKeyId: ownKey },
            { region: 'us-west-2', kmsKeyId: 'alias/team-key' },
          ],
        },
        b: {
          schedule: 'rate(1 day)',
          retention: { keepLast: 1 },
          copyTo: [{ region: 'us-west-2' }],
        },
      },
    });
    const built = buildApp({ config, bundle: false, nag: false, account });
    const statements = policyStatementsOf(Template.fromStack(built.stateless), /CopySnapshotsRole/);
    const encrypt = statements.filter((statement) =>
      JSON.stringify(statement.Action).includes('kms:Encrypt'),
    );
    expect(encrypt.map((statement) => statement.Condition ?? 'none')).toEqual([
      { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/team-key' } },
      { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/backup-orchestrator-dr' } },
      'none',
    ]);
    expect(encrypt[2]?.Resource).toBe(ownKey);
  });

  it('fails synthesis with every problem of a bad configuration file listed by path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-config-'));
    const file = join(dir, 'backup.config.json');
    writeFileSync(
      file,
      JSON.stringify({
        primaryRegion: 'us-east-1',
        policies: {
          daily: {
            schedule: 'cron(0 3 * * ? *)',
            retention: { daily: -1 },
            copyTo: [{ region: 'us-east-1' }],
          },
        },
      }),
    );
    let error: unknown;
    try {
      buildApp({ bundle: false, nag: false, context: { config: file } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(
      'policies.daily.retention.daily: expected a whole number >= 0, got -1',
    );
    expect((error as Error).message).toContain('policies.daily.copyTo.0.region');
  });

  it('rejects a prefix that cannot name stacks and resources', () => {
    expect(() =>
      buildApp({
        config: exampleConfig(),
        bundle: false,
        nag: false,
        context: { prefix: 'Bad Prefix' },
      }),
    ).toThrow(/context "prefix"/);
  });
});

/** TimeoutSeconds of every Task, keyed by the `${Placeholder}` of its Resource. */
function collectTaskTimeouts(node: unknown, into: Map<string, number>): void {
  if (Array.isArray(node)) node.forEach((child) => collectTaskTimeouts(child, into));
  else if (node !== null && typeof node === 'object') {
    const state = node as { Type?: string; Resource?: string; TimeoutSeconds?: number };
    const placeholder = /^\$\{(\w+)\}$/.exec(state.Resource ?? '')?.[1];
    if (state.Type === 'Task' && placeholder && state.TimeoutSeconds !== undefined) {
      into.set(placeholder, state.TimeoutSeconds);
    }
    Object.values(node).forEach((child) => collectTaskTimeouts(child, into));
  }
}
