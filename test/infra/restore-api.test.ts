import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BackupApp } from '../../infra/build-app.js';
import { RESTORE_API_STAGE } from '../../infra/constructs/restore-api.js';
import { RESTORE_WORKFLOW_KEYS } from '../../infra/stacks/stateless-stack.js';
import { parseConfig } from '../../functions/core/config.js';
import { RestoreTableKeys } from '../../functions/core/restore/restore-table-keys.js';
import { workflows } from '../../statemachines/tasks/registry.js';
import type { WorkflowSpec } from '../../statemachines/tasks/task-spec.js';
import {
  account,
  actionsOf,
  allowing,
  exampleConfig,
  policyStatementsOf,
  resourcesOf,
  type Statement,
} from './synth.js';

/** The roles of the restore workflows' functions and of the API function (by logical id). */
const restoreRoles = /^Restore(Volume|Instance|Objects|Image|Api)\w*Role/;
const restoreIdTagged = { Null: { 'aws:ResourceTag/backup:restore-id': 'false' } };
const restoreTagsRequested = {
  'aws:RequestTag/backup:restore-id': 'false',
  'aws:RequestTag/backup:restored-from': 'false',
};

/** A config with the allow-lists set, so iam:PassRole and the keys appear. */
function allowListedConfig() {
  const raw = JSON.parse(JSON.stringify(exampleConfig())) as Record<string, unknown>;
  raw.restore = {
    instanceProfiles: ['web-server'],
    instanceProfileRoles: ['web-server-role'],
    kmsKeyIds: ['alias/restores'],
  };
  return parseConfig(raw);
}

/**
 * Statements of the roles whose policies' logical ids match: their default policies and the
 * managed policies CDK splits off when a role's inline policy outgrows IAM's size limit
 * (`<Role>OverflowPolicy<n>`), which hold statements as binding as the inline ones.
 */
function roleStatementsOf(template: Template, logicalId: RegExp): Statement[] {
  const overflow = Object.entries(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter(([id]) => logicalId.test(id) && /OverflowPolicy/.test(id))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
  return [...policyStatementsOf(template, logicalId), ...overflow];
}

const conditionOf = (statement: Statement) => (statement.Condition ?? {}) as Record<string, object>;
const allows = (statement: Statement) => statement.Effect === 'Allow';

/** Allow statements of an action that lack the backup:restore-id resource-tag condition. */
function unconditionedDeletes(statements: Statement[], action: string): Statement[] {
  return allowing(statements, action)
    .filter(allows)
    .filter((statement) => {
      const nulls = conditionOf(statement).Null as Record<string, string> | undefined;
      return nulls?.['aws:ResourceTag/backup:restore-id'] !== 'false';
    });
}

/** Allow statements of a create action on new instances/volumes/images that lack the restore request tags. */
function untaggedCreates(
  statements: Statement[],
  action: string,
  created = /:(instance|volume)\/\*/,
): Statement[] {
  return allowing(statements, action)
    .filter(allows)
    .filter((statement) => resourcesOf(statement).some((arn) => created.test(arn)))
    .filter((statement) => {
      const nulls = (conditionOf(statement).Null ?? {}) as Record<string, string>;
      return Object.entries(restoreTagsRequested).some(([key, value]) => nulls[key] !== value);
    });
}

describe('the restore API and restore workflows in the templates', () => {
  let built: BackupApp;
  let stateful: Template;
  let stateless: Template;
  let restoreStatements: Statement[];

  beforeAll(() => {
    built = buildApp({ config: allowListedConfig(), bundle: false, nag: false, account });
    stateful = Template.fromStack(built.stateful);
    stateless = Template.fromStack(built.stateless);
    restoreStatements = roleStatementsOf(stateless, restoreRoles);
  });

  describe('restore table (stateful stack)', () => {
    it('is keyed as restore-table-keys.ts says, with TTL, PITR, the primary key and RETAIN', () => {
      stateful.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: Match.objectLike({
          TableName: 'backup-orchestrator-restores',
          BillingMode: 'PAY_PER_REQUEST',
          DeletionProtectionEnabled: true,
          KeySchema: [{ AttributeName: RestoreTableKeys.partitionKey, KeyType: 'HASH' }],
          TimeToLiveSpecification: {
            AttributeName: RestoreTableKeys.timeToLiveAttribute,
            Enabled: true,
          },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS' }),
          GlobalSecondaryIndexes: [
            {
              IndexName: RestoreTableKeys.byCreatedAtIndex,
              KeySchema: [
                { AttributeName: RestoreTableKeys.listPartitionKey, KeyType: 'HASH' },
                { AttributeName: RestoreTableKeys.listSortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        }),
      });
      expect(Object.keys(stateful.findOutputs('RestoreTableName'))).toHaveLength(1);
    });
  });

  describe('restore workflows', () => {
    const registered = Object.entries(RESTORE_WORKFLOW_KEYS).flatMap(([kind, key]) => {
      const spec = (workflows as Readonly<Record<string, WorkflowSpec | undefined>>)[key];
      return spec ? [{ kind, spec }] : [];
    });

    it('exist in the registry (the volume restore at least)', () => {
      expect(registered.map(({ kind }) => kind)).toContain('volume');
    });

    it('are each a state machine of the stateless stack with one function per Task, reading the restore table', () => {
      const functions = stateless.findResources('AWS::Lambda::Function');
      for (const { kind, spec } of registered) {
        stateless.hasResourceProperties('AWS::StepFunctions::StateMachine', {
          StateMachineName: `backup-orchestrator-${spec.name}`,
          StateMachineType: 'STANDARD',
        });
        const prefix = `Restore${kind[0]?.toUpperCase()}${kind.slice(1)}`;
        const own = Object.entries(functions).filter(([id]) => id.startsWith(prefix));
        expect({ kind, functions: own.length }).toEqual({
          kind,
          functions: Object.keys(spec.tasks).length,
        });
        for (const [, fn] of own) {
          expect(fn.Properties.Environment.Variables).toEqual(
            expect.objectContaining({
              RESTORE_TABLE_NAME: { 'Fn::ImportValue': expect.stringContaining('Restores') },
            }),
          );
        }
      }
    });
  });

  describe('the API', () => {
    it('is one regional REST API', () => {
      stateless.resourceCountIs('AWS::ApiGateway::RestApi', 1);
      stateless.hasResourceProperties('AWS::ApiGateway::RestApi', {
        Name: 'backup-orchestrator-restore-api',
        EndpointConfiguration: { Types: ['REGIONAL'] },
      });
    });

    it('authorizes every method with AWS_IAM: no method without auth, no open OPTIONS', () => {
      const methods = Object.values(stateless.findResources('AWS::ApiGateway::Method'));
      expect(methods.length).toBeGreaterThan(0);
      for (const method of methods) {
        expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
        expect(method.Properties.HttpMethod).not.toBe('OPTIONS');
      }
    });

    it('routes /v1/{proxy+} to the API function', () => {
      const resources = Object.values(stateless.findResources('AWS::ApiGateway::Resource'));
      expect(resources.map((resource) => resource.Properties.PathPart).sort()).toEqual([
        'v1',
        '{proxy+}',
      ]);
      stateless.hasResourceProperties('AWS::ApiGateway::Method', {
        HttpMethod: 'ANY',
        Integration: Match.objectLike({
          Type: 'AWS_PROXY',
          Uri: Match.objectLike({
            'Fn::Join': Match.arrayWith([
              Match.arrayWith([
                { 'Fn::GetAtt': [Match.stringLikeRegexp('^RestoreApiFunction'), 'Arn'] },
              ]),
            ]),
          }),
        }),
      });
    });

    it('has a stage with JSON access logs, error logs, tracing and throttling', () => {
      stateless.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: RESTORE_API_STAGE,
        TracingEnabled: true,
        AccessLogSetting: {
          DestinationArn: {
            'Fn::GetAtt': [Match.stringLikeRegexp('^RestoreApiAccessLogs'), 'Arn'],
          },
          Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
        },
        MethodSettings: [
          Match.objectLike({
            LoggingLevel: 'ERROR',
            DataTraceEnabled: false,
            ThrottlingRateLimit: Match.anyValue(),
            ThrottlingBurstLimit: Match.anyValue(),
          }),
        ],
      });
      stateless.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: {
          'Fn::Join': [
            '',
            ['API-Gateway-Execution-Logs_', { Ref: Match.anyValue() }, `/${RESTORE_API_STAGE}`],
          ],
        },
        KmsKeyId: { 'Fn::ImportValue': Match.stringLikeRegexp('PrimaryKey') },
      });
    });

    it("answers the gateway's own errors (403 unsigned, 429, 5xx) as problem+json", () => {
      for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
        stateless.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
          ResponseType: type,
          ResponseParameters: {
            'gatewayresponse.header.Content-Type': "'application/problem+json'",
          },
          ResponseTemplates: {
            'application/json': Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
          },
        });
      }
    });

    it('gives callers an invoke policy (/v1/*) and a read-only one (GET), and outputs the URL', () => {
      const policies = Object.entries(stateless.findResources('AWS::IAM::ManagedPolicy'));
      const routes = (id: RegExp) => {
        const [, policy] = policies.find(([logicalId]) => id.test(logicalId)) ?? [];
        const statements = policy?.Properties.PolicyDocument.Statement as Statement[];
        expect(actionsOf(statements)).toEqual(['execute-api:Invoke']);
        return resourcesOf(statements[0]).join();
      };
      expect(routes(/^RestoreApiInvokePolicy/)).toMatch(/\/api\/\*\/v1\/\*"?\]*\}*$/);
      expect(routes(/^RestoreApiReadPolicy/)).toMatch(/\/api\/GET\/v1\/\*/);
      for (const output of [
        'RestoreApiUrl',
        'RestoreApiInvokePolicyArn',
        'RestoreApiReadPolicyArn',
      ])
        expect({ output, count: Object.keys(stateless.findOutputs(output)).length }).toEqual({
          output,
          count: 1,
        });
    });
  });

  describe('the API function', () => {
    it('knows the restore table, the catalog and the four restore workflows', () => {
      const [[, fn]] = Object.entries(stateless.findResources('AWS::Lambda::Function')).filter(
        ([id]) => id.startsWith('RestoreApiFunction'),
      ) as [[string, { Properties: { Environment: { Variables: Record<string, unknown> } } }]];
      const variables = fn.Properties.Environment.Variables;
      expect(variables).toEqual(
        expect.objectContaining({
          RESTORE_TABLE_NAME: { 'Fn::ImportValue': expect.stringContaining('Restores') },
          CATALOG_TABLE_NAME: { 'Fn::ImportValue': expect.stringContaining('CatalogTable') },
          RESTORE_VOLUME_STATE_MACHINE_ARN: {
            Ref: expect.stringMatching(/^RestoreVolumeStateMachine/),
          },
        }),
      );
      // The preflights' allow-lists and backup buckets (a target that is one is refused).
      expect(variables.RESTORE_INSTANCE_PROFILES).toBe('web-server');
      expect(variables.BACKUP_BUCKETS).toBeDefined();
      for (const kind of ['INSTANCE', 'OBJECTS', 'IMAGE'])
        expect(variables[`RESTORE_${kind}_STATE_MACHINE_ARN`]).toBeDefined();
    });

    it('starts, follows and stops only the restore workflows', () => {
      const api = roleStatementsOf(stateless, /^RestoreApiFunctionRole/);
      const start = allowing(api, 'states:StartExecution');
      expect(start).toHaveLength(1);
      for (const arn of [start[0]?.Resource].flat())
        expect(arn).toEqual({
          Ref: expect.stringMatching(/^Restore(Volume|Instance|Objects|Image)StateMachine/),
        });
      const follow = allowing(api, 'states:StopExecution');
      expect(follow).toHaveLength(1);
      for (const arn of resourcesOf(follow[0]))
        expect(arn).toMatch(
          /:execution:backup-orchestrator-restore-(volume|instance|objects|image):\*/,
        );
      const everyStatesAction = actionsOf(api).filter((action) => action.startsWith('states:'));
      expect(new Set(everyStatesAction)).toEqual(
        new Set(['states:StartExecution', 'states:DescribeExecution', 'states:StopExecution']),
      );
    });

    it('reads the catalog and writes only the restore table', () => {
      const api = roleStatementsOf(stateless, /^RestoreApiFunctionRole/);
      const writes = api.filter((statement) =>
        actionsOf([statement]).some((action) =>
          /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(action),
        ),
      );
      expect(writes.length).toBeGreaterThan(0);
      for (const statement of writes)
        expect(JSON.stringify(statement.Resource)).toContain('RestoresTable');
    });
  });

  describe('least privilege of the restore roles', () => {
    it('checks real statements: the restore roles create, terminate and delete', () => {
      for (const action of [
        'ec2:CreateVolume',
        'ec2:RunInstances',
        'ec2:TerminateInstances',
        'ec2:DeleteVolume',
      ])
        expect({ action, statements: allowing(restoreStatements, action).length > 0 }).toEqual({
          action,
          statements: true,
        });
    });

    it('terminate and delete only what carries backup:restore-id', () => {
      for (const action of [
        'ec2:TerminateInstances',
        'ec2:DeleteVolume',
        'ec2:DetachVolume',
        'ec2:DeregisterImage',
      ]) {
        const volumeOrInstance = unconditionedDeletes(restoreStatements, action).filter(
          (statement) =>
            !(
              action === 'ec2:DetachVolume' &&
              resourcesOf(statement).every((arn) => arn.includes(':instance/'))
            ),
        );
        expect({ action, unconditioned: volumeOrInstance }).toEqual({ action, unconditioned: [] });
      }
      expect(allowing(restoreStatements, 'ec2:TerminateInstances')[0]?.Condition).toEqual(
        restoreIdTagged,
      );
    });

    it('create instances and volumes only with both restore tags in the request', () => {
      for (const action of ['ec2:RunInstances', 'ec2:CreateVolume'])
        expect({ action, untagged: untaggedCreates(restoreStatements, action) }).toEqual({
          action,
          untagged: [],
        });
      expect(
        untaggedCreates(restoreStatements, 'ec2:CreateRestoreImageTask', /:image\/\*/),
      ).toEqual([]);
    });

    it('tag only inside the creating call', () => {
      for (const statement of allowing(restoreStatements, 'ec2:CreateTags'))
        expect(conditionOf(statement).StringEquals).toEqual({
          'ec2:CreateAction': expect.stringMatching(
            /^(CreateVolume|RunInstances|CreateRestoreImageTask)$/,
          ),
        });
    });

    it('start only from the product’s snapshots and images', () => {
      const sources = [...restoreStatements].filter((statement) =>
        resourcesOf(statement).some((arn) => /:(snapshot|image)\/\*/.test(arn)),
      );
      for (const statement of sources
        .filter(allows)
        .filter((s) => actionsOf([s]).some((a) => /RunInstances|CreateVolume/.test(a))))
        expect(conditionOf(statement)).toEqual({
          StringEquals: { 'aws:ResourceTag/backup:managed-by': 'backup-orchestrator' },
        });
    });

    it('send commands only on restored instances (or the shell-script document)', () => {
      // The verifying Task holds the grant (restore-instance-tasks.ts), so the loop has work.
      expect(allowing(restoreStatements, 'ssm:SendCommand').length).toBeGreaterThan(0);
      expect(allowing(restoreStatements, 'ec2:CreateRestoreImageTask').length).toBeGreaterThan(0);
      for (const statement of allowing(restoreStatements, 'ssm:SendCommand')) {
        const documentOnly = resourcesOf(statement).every((arn) =>
          arn.includes(':document/AWS-RunShellScript'),
        );
        if (!documentOnly)
          expect(conditionOf(statement)).toEqual({
            Null: { 'ssm:resourceTag/backup:restore-id': 'false' },
          });
      }
    });

    it('pass only the allow-listed instance profile roles, to EC2, and never iam:PassRole on *', () => {
      const everyStatement = roleStatementsOf(stateless, /./);
      for (const statement of allowing(everyStatement, 'iam:PassRole'))
        expect(resourcesOf(statement)).not.toContain('"*"');
      const pass = allowing(restoreStatements, 'iam:PassRole');
      expect(pass.length).toBeGreaterThan(0);
      for (const statement of pass) {
        expect(resourcesOf(statement)).toEqual([
          expect.stringMatching(/:role\/web-server-role"?\]*\}*$/),
        ]);
        expect(statement.Condition).toEqual({
          StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' },
        });
      }
    });

    it('pass no role at all without an allow-list', () => {
      const plain = buildApp({ config: exampleConfig(), bundle: false, nag: false, account });
      const statements = roleStatementsOf(Template.fromStack(plain.stateless), restoreRoles);
      expect(allowing(statements, 'ec2:RunInstances').length).toBeGreaterThan(0);
      expect(allowing(statements, 'iam:PassRole')).toEqual([]);
    });

    it('never write into a backup bucket or the export bucket', () => {
      const writers = allowing(restoreStatements, 's3:PutObject').filter(allows);
      const denies = allowing(restoreStatements, 's3:PutObject').filter((s) => s.Effect === 'Deny');
      expect(denies.length).toBeGreaterThanOrEqual(writers.length > 0 ? 1 : 0);
      for (const deny of denies)
        expect(JSON.stringify(deny.Resource)).toMatch(/backup-orchestrator-backup-|Export/);
    });
  });

  describe("each restore workflow's roles hold only their kind's permissions", () => {
    const foreign: Record<string, string[]> = {
      Volume: ['ec2:RunInstances', 'ec2:CreateRestoreImageTask', 'iam:PassRole', 's3:PutObject'],
      Instance: ['ec2:CreateVolume', 'ec2:CreateRestoreImageTask', 's3:PutObject'],
      Objects: [
        'ec2:CreateVolume',
        'ec2:RunInstances',
        'ec2:CreateRestoreImageTask',
        'ec2:TerminateInstances',
        'ec2:DeleteVolume',
        'iam:PassRole',
      ],
      Image: ['ec2:CreateVolume', 'ec2:RunInstances', 'iam:PassRole', 's3:PutObject'],
    };

    it.each(Object.entries(foreign))('Restore%s: none of %p', (kind, actions) => {
      const statements = roleStatementsOf(stateless, new RegExp(`^Restore${kind}\\w*Role`));
      const held = new Set(actionsOf(statements.filter(allows)));
      expect(actions.filter((action) => held.has(action))).toEqual([]);
    });

    it('the volume and instance workflows do create what their kind creates', () => {
      const volume = roleStatementsOf(stateless, /^RestoreVolume\w*Role/);
      const instance = roleStatementsOf(stateless, /^RestoreInstance\w*Role/);
      expect(allowing(volume, 'ec2:CreateVolume').length).toBeGreaterThan(0);
      expect(allowing(instance, 'ec2:RunInstances').length).toBeGreaterThan(0);
    });
  });

  describe('the checks themselves', () => {
    it('catch a delete without the restore-id condition and a create without the request tags', () => {
      const bad: Statement = {
        Effect: 'Allow',
        Action: ['ec2:DeleteVolume', 'ec2:CreateVolume'],
        Resource: 'arn:aws:ec2:us-east-1:123456789012:volume/*',
        Condition: { StringEquals: { 'aws:ResourceTag/backup:managed-by': 'backup-orchestrator' } },
      };
      expect(unconditionedDeletes([bad], 'ec2:DeleteVolume')).toEqual([bad]);
      expect(untaggedCreates([bad], 'ec2:CreateVolume')).toEqual([bad]);
      const half: Statement = {
        ...bad,
        Condition: { Null: { 'aws:RequestTag/backup:restore-id': 'false' } },
      };
      expect(untaggedCreates([half], 'ec2:CreateVolume')).toEqual([half]);
    });
  });
});
