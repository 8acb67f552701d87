import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BackupApp } from '../../infra/build-app.js';
import { RUN_METRICS } from '../../infra/constructs/backup-alarms.js';
import {
  pruneScheduleName,
  pruneScheduleOf,
  restoreTestScheduleName,
} from '../../infra/constructs/policy-schedules.js';
import { repoRoot } from '../../infra/paths.js';
import { parseConfig, type BackupConfig } from '../../functions/core/config.js';
import {
  account,
  actionsOf,
  allowing,
  exampleConfig,
  expectScheduleTarget,
  policyStatementsOf,
  resourceText as text,
  resourcesOf as resources,
  type Statement,
} from './synth.js';

const managedByResource = {
  StringEquals: { 'aws:ResourceTag/backup:managed-by': 'backup-orchestrator' },
};
const placeholders = [
  'PlanPruneFunctionArn',
  'PruneRegionFunctionArn',
  'SummarizePruneFunctionArn',
] as const;

const twoRegions = (): BackupConfig =>
  parseConfig({
    primaryRegion: 'us-east-1',
    policies: {
      short: {
        schedule: 'rate(1 day)',
        timezone: 'America/New_York',
        retention: { daily: 7 },
        copyTo: [{ region: 'us-west-2' }, { region: 'eu-west-1' }],
        prune: { schedule: 'cron(30 5 * * ? *)', maxDeleteFraction: 0.25 },
      },
      long: {
        schedule: 'rate(7 days)',
        retention: { monthly: 3 },
        copyTo: [{ region: 'eu-west-1', bucket: 'team-owned-backups' }],
      },
    },
  });

describe('prune workflow in the templates', () => {
  let built: BackupApp;
  let stateless: Template;
  let functions: ReturnType<Template['findResources']>;
  const role = (step: string) => policyStatementsOf(stateless, new RegExp(`^Prune${step}Role`));
  const functionOf = (step: string) =>
    Object.entries(functions).find(([id]) => id.startsWith(`Prune${step}Function`));

  beforeAll(() => {
    built = buildApp({ config: exampleConfig(), bundle: false, nag: false, account });
    stateless = Template.fromStack(built.stateless);
    functions = stateless.findResources('AWS::Lambda::Function');
  });

  describe('state machine', () => {
    it('deploys prune.asl.json as a STANDARD, logged and traced state machine', () => {
      stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineName: 'backup-orchestrator-prune',
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
      });
      const [, machine] = Object.entries(
        stateless.findResources('AWS::StepFunctions::StateMachine'),
      ).find(([id]) => id.startsWith('PruneStateMachine'))!;
      const file = readFileSync(join(repoRoot, 'statemachines', 'prune.asl.json'), 'utf8');
      expect(JSON.parse(machine.Properties.DefinitionString as string)).toEqual(JSON.parse(file));
    });

    it('substitutes the three function ARNs, and nothing else', () => {
      const [, machine] = Object.entries(
        stateless.findResources('AWS::StepFunctions::StateMachine'),
      ).find(([id]) => id.startsWith('PruneStateMachine'))!;
      const substitutions = machine.Properties.DefinitionSubstitutions as Record<string, unknown>;
      expect(Object.keys(substitutions).sort()).toEqual([...placeholders].sort());
      for (const placeholder of placeholders) {
        const step = placeholder.replace('FunctionArn', '');
        expect(substitutions[placeholder]).toEqual({
          'Fn::GetAtt': [expect.stringMatching(new RegExp(`^Prune${step}Function`)), 'Arn'],
        });
      }
    });

    it('may invoke exactly its three functions, and starts no child executions (inline Map)', () => {
      const statements = policyStatementsOf(stateless, /^PruneStateMachineRole/);
      const invoke = allowing(statements, 'lambda:InvokeFunction');
      expect(invoke).toHaveLength(1);
      expect(invoke[0]?.Resource).toEqual(
        placeholders.map((placeholder) => ({
          'Fn::GetAtt': [
            expect.stringMatching(
              new RegExp(`^Prune${placeholder.replace('FunctionArn', '')}Function`),
            ),
            'Arn',
          ],
        })),
      );
      expect(allowing(statements, 'states:StartExecution')).toEqual([]);
    });

    it('is output for backupctl (PRUNE_STATE_MACHINE_ARN)', () => {
      const outputs = Object.values(stateless.findOutputs('PruneStateMachineArn'));
      expect(outputs).toEqual([
        expect.objectContaining({
          Value: { Ref: expect.stringMatching(/^PruneStateMachine/) },
          Description: expect.stringContaining('PRUNE_STATE_MACHINE_ARN'),
        }),
      ]);
    });
  });

  describe('functions', () => {
    it('give PruneRegion 1024 MB and a timeout below its 900 s Task timeout', () => {
      const [, pruneRegion] = functionOf('PruneRegion')!;
      expect(pruneRegion.Properties.MemorySize).toBe(1024);
      expect(pruneRegion.Properties.Timeout).toBeGreaterThanOrEqual(840);
      expect(pruneRegion.Properties.Timeout).toBeLessThan(900);
      for (const step of ['PlanPrune', 'SummarizePrune']) {
        const [, fn] = functionOf(step)!;
        expect({ step, timeout: fn.Properties.Timeout < 60 }).toEqual({ step, timeout: true });
      }
    });

    it('tell PlanPrune the backup bucket of each DR region and every step the catalog', () => {
      const [, plan] = functionOf('PlanPrune')!;
      expect(JSON.parse(plan.Properties.Environment.Variables.BACKUP_BUCKETS as string)).toEqual({
        'us-west-2': `backup-orchestrator-backup-${account}-us-west-2`,
      });
      for (const step of ['PlanPrune', 'PruneRegion', 'SummarizePrune']) {
        const [, fn] = functionOf(step)!;
        expect(fn.Properties.Environment.Variables.CATALOG_TABLE_NAME).toEqual({
          'Fn::ImportValue': expect.stringContaining('CatalogTable'),
        });
      }
    });
  });

  describe('PruneRegion role', () => {
    let statements: Statement[];

    beforeAll(() => {
      statements = role('PruneRegion');
    });

    it('describes snapshots, images and snapshot locks (no resource-level permissions exist)', () => {
      for (const action of [
        'ec2:DescribeSnapshots',
        'ec2:DescribeImages',
        'ec2:DescribeLockedSnapshots',
      ]) {
        expect({ action, resource: allowing(statements, action)[0]?.Resource }).toEqual({
          action,
          resource: '*',
        });
      }
    });

    it('deregisters images and deletes snapshots only when tagged backup:managed-by, in the primary and DR regions', () => {
      const deregister = allowing(statements, 'ec2:DeregisterImage');
      expect(deregister).toHaveLength(1);
      expect(deregister[0]?.Action).toBe('ec2:DeregisterImage');
      expect(deregister[0]?.Condition).toEqual(managedByResource);
      expect(resources(deregister[0])).toEqual([
        'arn:aws:ec2:us-east-1::image/*',
        'arn:aws:ec2:us-west-2::image/*',
      ]);

      const remove = allowing(statements, 'ec2:DeleteSnapshot');
      expect(remove).toHaveLength(1);
      expect(remove[0]?.Action).toBe('ec2:DeleteSnapshot');
      expect(remove[0]?.Condition).toEqual(managedByResource);
      expect(resources(remove[0])).toEqual([
        'arn:aws:ec2:us-east-1::snapshot/*',
        'arn:aws:ec2:us-west-2::snapshot/*',
      ]);
    });

    it('tags only managed snapshots, and only with backup:pruned-with-image', () => {
      const tags = allowing(statements, 'ec2:CreateTags');
      expect(tags).toHaveLength(1);
      expect(tags[0]?.Condition).toEqual({
        ...managedByResource,
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['backup:pruned-with-image'] },
      });
      expect(resources(tags[0])).toEqual([
        'arn:aws:ec2:us-east-1::snapshot/*',
        'arn:aws:ec2:us-west-2::snapshot/*',
      ]);
    });

    it('carries the managed-by condition on every EC2 action that changes something', () => {
      const changing = statements.filter((statement) =>
        [statement.Action].flat().some((action) => /^ec2:(?!Describe)/.test(action)),
      );
      expect(changing.length).toBe(3);
      for (const statement of changing) {
        expect(statement.Condition).toEqual(expect.objectContaining(managedByResource));
      }
      expect(actionsOf(changing).sort()).toEqual([
        'ec2:CreateTags',
        'ec2:DeleteSnapshot',
        'ec2:DeregisterImage',
      ]);
    });

    it('lists, reads and deletes object versions of the backup buckets, and deletes exports in the export bucket', () => {
      const bucket = `arn:aws:s3:::backup-orchestrator-backup-${account}-us-west-2`;
      const exportBucket = { 'Fn::ImportValue': expect.stringContaining('ExportBucketArn') };
      const backupStatements = (action: string) =>
        allowing(statements, action).filter((statement) =>
          resources(statement).every((resource) => resource.startsWith(bucket)),
        );
      const exportStatements = (action: string) =>
        allowing(statements, action).filter(
          (statement) => !resources(statement).every((resource) => resource.startsWith(bucket)),
        );

      const list = backupStatements('s3:ListBucketVersions');
      expect(list).toHaveLength(1);
      expect(list[0]?.Action).toEqual(['s3:ListBucket', 's3:ListBucketVersions']);
      expect(resources(list[0])).toEqual([bucket]);

      const read = allowing(statements, 's3:GetObject');
      expect(read).toHaveLength(1);
      expect(read[0]?.Action).toEqual([
        's3:GetObject',
        's3:GetObjectVersion',
        's3:GetObjectRetention',
        's3:GetObjectLegalHold',
      ]);
      expect(resources(read[0])).toEqual([`${bucket}/*`]);

      const remove = backupStatements('s3:DeleteObjectVersion');
      expect(remove).toHaveLength(1);
      expect(remove[0]?.Action).toBe('s3:DeleteObjectVersion');
      expect(resources(remove[0])).toEqual([`${bucket}/*`]);

      // The export bucket: list versions and delete them (an image's exports expire with it).
      expect(exportStatements('s3:ListBucketVersions')).toEqual([
        { Action: 's3:ListBucketVersions', Effect: 'Allow', Resource: exportBucket },
      ]);
      expect(exportStatements('s3:DeleteObjectVersion')).toEqual([
        expect.objectContaining({
          Action: 's3:DeleteObjectVersion',
          Resource: { 'Fn::Join': ['', [exportBucket, '/*']] },
        }),
      ]);

      // Nothing else in S3: no plain deletes, no writes, no bypass of Object Lock.
      const s3 = [...new Set(actionsOf(statements).filter((action) => action.startsWith('s3:')))];
      expect(s3.sort()).toEqual([
        's3:DeleteObjectVersion',
        's3:GetObject',
        's3:GetObjectLegalHold',
        's3:GetObjectRetention',
        's3:GetObjectVersion',
        's3:ListBucket',
        's3:ListBucketVersions',
      ]);
    });

    it('decrypts manifests with the DR key, by its alias, through S3 only', () => {
      const kms = allowing(statements, 'kms:Decrypt').filter(
        (statement) => statement.Condition !== undefined,
      );
      expect(kms).toHaveLength(1);
      expect(kms[0]?.Action).toBe('kms:Decrypt');
      expect(kms[0]?.Condition).toEqual({
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': built.config.drKeyAlias },
        StringEquals: { 'kms:ViaService': ['s3.us-west-2.amazonaws.com'] },
      });
      expect(resources(kms[0])).toEqual([`arn:aws:kms:us-west-2:${account}:key/*`]);
    });

    it('reads and writes the catalog by id (GetItem, PutItem, BatchWriteItem), queries the bySource index only, no Scan', () => {
      const catalog = allowing(statements, 'dynamodb:GetItem');
      expect(catalog).toHaveLength(1);
      expect(catalog[0]?.Action).toEqual(
        expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem']),
      );
      expect(catalog[0]?.Resource).toEqual({
        'Fn::ImportValue': expect.stringContaining('CatalogTable'),
      });
      expect(allowing(statements, 'dynamodb:Scan')).toEqual([]);
      const query = allowing(statements, 'dynamodb:Query');
      expect(query).toHaveLength(1);
      expect(JSON.stringify(query[0]?.Resource)).toContain('/index/bySource');
      expect(allowing(statements, 'dynamodb:DeleteItem')).toEqual([]);
    });
  });

  it('gives PlanPrune and SummarizePrune nothing beyond their logs and traces', () => {
    for (const step of ['PlanPrune', 'SummarizePrune']) {
      const actions = actionsOf(role(step)).filter((action) => !/^(logs|xray):/.test(action));
      expect({ step, actions }).toEqual({ step, actions: [] });
    }
  });

  describe('schedules', () => {
    it('has one prune schedule per policy with its prune expression, time zone and input', () => {
      const schedules = Object.values(stateless.findResources('AWS::Scheduler::Schedule'));
      const policies = Object.entries(built.config.policies);
      const prunes = schedules.filter((schedule) =>
        (schedule.Properties.Name as string).startsWith('prune.'),
      );
      expect(prunes).toHaveLength(policies.length);
      for (const [name, policy] of policies) {
        const schedule = prunes.find(
          (candidate) => candidate.Properties.Name === pruneScheduleName(name),
        );
        expect(schedule?.Properties).toEqual(
          expect.objectContaining({
            Name: `prune.${name}`,
            GroupName: 'backup-orchestrator',
            // The example sets no `prune`: the default schedule applies.
            ScheduleExpression: 'cron(0 3 * * ? *)',
            ScheduleExpressionTimezone: policy.timezone,
            FlexibleTimeWindow: { Mode: 'OFF' },
            State: 'ENABLED',
          }),
        );
        expectScheduleTarget(schedule?.Properties.Target, /^PruneStateMachine/, {
          policyName: name,
          config: built.config,
        });
      }
    });

    it('uses the policy’s own prune schedule when it sets one', () => {
      const config = twoRegions();
      const template = Template.fromStack(
        buildApp({ config, bundle: false, nag: false, account }).stateless,
      );
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: 'prune.short',
        ScheduleExpression: 'cron(30 5 * * ? *)',
        ScheduleExpressionTimezone: 'America/New_York',
        Target: Match.objectLike({ Input: JSON.stringify({ policyName: 'short', config }) }),
      });
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: 'prune.long',
        ScheduleExpression: 'cron(0 3 * * ? *)',
        ScheduleExpressionTimezone: 'UTC',
      });
      expect(pruneScheduleOf(config.policies.short!)).toBe('cron(30 5 * * ? *)');
      expect(pruneScheduleOf(config.policies.long!)).toBe('cron(0 3 * * ? *)');
    });

    it('names prune schedules within the 64 characters Scheduler allows, apart from the others', () => {
      const long = 'p'.repeat(64);
      expect(pruneScheduleName('daily')).toBe('prune.daily');
      expect(pruneScheduleName(long)).toHaveLength(64);
      expect(pruneScheduleName(long)).not.toBe(pruneScheduleName(`${long.slice(1)}q`));
      expect(pruneScheduleName(long)).not.toBe(restoreTestScheduleName(long));
    });

    it('lets the schedule role start the prune state machine', () => {
      const start = allowing(
        policyStatementsOf(stateless, /SchedulesRole/),
        'states:StartExecution',
      );
      expect(start.map((statement) => statement.Resource)).toContainEqual({
        Ref: expect.stringMatching(/^PruneStateMachine/),
      });
    });
  });

  describe('alarms', () => {
    let alarms: Record<string, unknown>[];
    let topicId: string;

    beforeAll(() => {
      alarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm')).map(
        (alarm) => alarm.Properties as Record<string, unknown>,
      );
      topicId = Object.keys(stateless.findResources('AWS::SNS::Topic'))[0] ?? '';
    });

    it('fire when a prune execution fails', () => {
      const failed = alarms.filter(
        (alarm) =>
          alarm.MetricName === 'ExecutionsFailed' &&
          text(alarm.Dimensions).includes('PruneStateMachine'),
      );
      expect(failed).toEqual([
        expect.objectContaining({
          Namespace: 'AWS/States',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          AlarmActions: [{ Ref: topicId }],
        }),
      ]);
    });

    it('fire per policy when a prune reports failures (PruneFailures > 0)', () => {
      expect(RUN_METRICS.pruneFailures).toBe('PruneFailures');
      const byPolicy = alarms
        .filter((alarm) => alarm.MetricName === 'PruneFailures')
        .map((alarm) => ({
          namespace: alarm.Namespace,
          dimensions: Object.fromEntries(
            (alarm.Dimensions as { Name: string; Value: string }[]).map((d) => [d.Name, d.Value]),
          ),
          threshold: alarm.Threshold,
          comparison: alarm.ComparisonOperator,
          missing: alarm.TreatMissingData,
          actions: alarm.AlarmActions,
        }));
      expect(byPolicy).toEqual(
        Object.keys(built.config.policies).map((policy) => ({
          namespace: 'BackupOrchestrator',
          dimensions: { service: 'backup-orchestrator', Policy: policy },
          threshold: 1,
          comparison: 'GreaterThanOrEqualToThreshold',
          missing: 'notBreaching',
          actions: [{ Ref: topicId }],
        })),
      );
    });
  });

  describe('with several DR regions and a bucket named by a copy', () => {
    let statements: Statement[];
    let template: Template;

    beforeAll(() => {
      template = Template.fromStack(
        buildApp({ config: twoRegions(), bundle: false, nag: false, account }).stateless,
      );
      statements = policyStatementsOf(template, /^PrunePruneRegionRole/);
    });

    it('deletes in the primary and every DR region, with the managed-by condition', () => {
      for (const [action, type] of [
        ['ec2:DeregisterImage', 'image'],
        ['ec2:DeleteSnapshot', 'snapshot'],
      ] as const) {
        const [statement] = allowing(statements, action);
        expect(statement?.Condition).toEqual(managedByResource);
        expect(resources(statement)).toEqual(
          ['us-east-1', 'eu-west-1', 'us-west-2'].map(
            (region) => `arn:aws:ec2:${region}::${type}/*`,
          ),
        );
      }
    });

    it('deletes object versions in the DR stacks’ buckets and the named bucket only', () => {
      const [remove] = allowing(statements, 's3:DeleteObjectVersion');
      expect(resources(remove)).toEqual([
        `arn:aws:s3:::backup-orchestrator-backup-${account}-eu-west-1/*`,
        `arn:aws:s3:::backup-orchestrator-backup-${account}-us-west-2/*`,
        'arn:aws:s3:::team-owned-backups/*',
      ]);
      const [kms] = allowing(statements, 'kms:Decrypt').filter((statement) => statement.Condition);
      expect(kms?.Condition).toEqual(
        expect.objectContaining({
          StringEquals: {
            'kms:ViaService': ['s3.eu-west-1.amazonaws.com', 's3.us-west-2.amazonaws.com'],
          },
        }),
      );
    });

    it('tells PlanPrune the DR stacks’ buckets (a named bucket travels in the config)', () => {
      const [, plan] = Object.entries(template.findResources('AWS::Lambda::Function')).find(
        ([id]) => id.startsWith('PrunePlanPruneFunction'),
      )!;
      expect(JSON.parse(plan.Properties.Environment.Variables.BACKUP_BUCKETS as string)).toEqual({
        'eu-west-1': `backup-orchestrator-backup-${account}-eu-west-1`,
        'us-west-2': `backup-orchestrator-backup-${account}-us-west-2`,
      });
    });
  });

  it('without DR regions: deletes in the primary region only and gets S3 access to the export bucket only', () => {
    const config = parseConfig({
      primaryRegion: 'eu-central-1',
      policies: { a: { schedule: 'rate(1 day)', retention: { keepLast: 1 } } },
    });
    const template = Template.fromStack(
      buildApp({ config, bundle: false, nag: false, account }).stateless,
    );
    const statements = policyStatementsOf(template, /^PrunePruneRegionRole/);
    expect(resources(allowing(statements, 'ec2:DeleteSnapshot')[0])).toEqual([
      'arn:aws:ec2:eu-central-1::snapshot/*',
    ]);
    expect(actionsOf(statements).filter((action) => action.startsWith('s3:'))).toEqual([
      's3:ListBucketVersions',
      's3:DeleteObjectVersion',
    ]);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'prune.a',
      ScheduleExpression: 'cron(0 3 * * ? *)',
    });
  });
});
