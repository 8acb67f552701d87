import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BackupApp } from '../../infra/build-app.js';
import { RUN_METRICS } from '../../infra/constructs/backup-alarms.js';
import { parseConfig } from '../../functions/core/config.js';
import {
  account,
  allowing,
  exampleConfig,
  policyStatementsOf,
  resourceText as text,
  type Statement,
} from './synth.js';

const managedByRequest = {
  StringEquals: { 'aws:RequestTag/backup:managed-by': 'backup-orchestrator' },
};
const managedByResource = {
  StringEquals: { 'aws:ResourceTag/backup:managed-by': 'backup-orchestrator' },
};

describe('boot images, exports and restore tests in the templates', () => {
  let built: BackupApp;
  let stateful: Template;
  let stateless: Template;

  beforeAll(() => {
    built = buildApp({ config: exampleConfig(), bundle: false, nag: false, account });
    stateful = Template.fromStack(built.stateful);
    stateless = Template.fromStack(built.stateless);
  });

  describe('export destination (stateful stack)', () => {
    let buckets: ReturnType<Template['findResources']>;
    let exportBucketId: string;

    beforeAll(() => {
      buckets = stateful.findResources('AWS::S3::Bucket');
      exportBucketId = Object.keys(buckets).find((id) => id.startsWith('ExportsBucket')) ?? '';
    });

    it('is a retained, versioned, private bucket encrypted with the primary key, logging its access', () => {
      expect(Object.keys(buckets)).toHaveLength(2);
      const bucket = buckets[exportBucketId]!;
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties.BucketName).toBeUndefined(); // generated: no squatting, no length limit
      expect(bucket.Properties).toEqual(
        expect.objectContaining({
          VersioningConfiguration: { Status: 'Enabled' },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              {
                BucketKeyEnabled: true,
                ServerSideEncryptionByDefault: {
                  SSEAlgorithm: 'aws:kms',
                  KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^PrimaryKey/), 'Arn'] },
                },
              },
            ],
          },
          LoggingConfiguration: {
            DestinationBucketName: { Ref: expect.stringMatching(/^ExportsAccessLogs/) },
            LogFilePrefix: 'export-bucket/',
          },
        }),
      );
      const logs = Object.entries(buckets).find(([id]) => id.startsWith('ExportsAccessLogs'))!;
      expect(logs[1].DeletionPolicy).toBe('Retain');
      expect(logs[1].Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
        ],
      });
    });

    it('refuses plain HTTP on both buckets', () => {
      const policies = Object.values(stateful.findResources('AWS::S3::BucketPolicy'));
      expect(policies).toHaveLength(2);
      for (const policy of policies) {
        expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        );
      }
    });

    it('has a VM Import/Export service role trusted by vmie.amazonaws.com with ExternalId vmimport', () => {
      stateful.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'backup-orchestrator-vmimport',
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: { Service: 'vmie.amazonaws.com' },
              Condition: { StringEquals: { 'sts:ExternalId': 'vmimport' } },
            },
          ],
        },
      });
      const statements = policyStatementsOf(stateful, /^ExportsVmImportRole/);
      const onBucket = allowing(statements, 's3:GetBucketAcl')[0];
      expect(onBucket?.Action).toEqual([
        's3:GetBucketLocation',
        's3:ListBucket',
        's3:GetBucketAcl',
      ]);
      expect(onBucket?.Resource).toEqual({ 'Fn::GetAtt': [exportBucketId, 'Arn'] });
      const onObjects = allowing(statements, 's3:PutObject')[0];
      expect(onObjects?.Action).toEqual(['s3:GetObject', 's3:PutObject']);
      expect(text(onObjects?.Resource)).toContain(`${exportBucketId}","Arn"]},"/*"`);
      expect(allowing(statements, 'ec2:RegisterImage')[0]?.Action).toEqual([
        'ec2:ModifySnapshotAttribute',
        'ec2:CopySnapshot',
        'ec2:RegisterImage',
        'ec2:Describe*',
      ]);
      expect(allowing(statements, 'kms:GenerateDataKey*')[0]?.Resource).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^PrimaryKey/), 'Arn'],
      });
    });

    it('names the service role from context vmImportRoleName', () => {
      const custom = buildApp({
        config: exampleConfig(),
        bundle: false,
        nag: false,
        account,
        context: { vmImportRoleName: 'vmimport' },
      });
      Template.fromStack(custom.stateful).hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'vmimport',
      });
      expect(() =>
        buildApp({
          config: exampleConfig(),
          bundle: false,
          nag: false,
          context: { vmImportRoleName: 'not a role name' },
        }),
      ).toThrow(/context "vmImportRoleName"/);
    });
  });

  describe('image step roles', () => {
    it('ImageInstances: CreateImage on instances, images and snapshots; tags only by CreateImage', () => {
      const statements = policyStatementsOf(stateless, /^BackupImageInstancesRole/);
      const create = allowing(statements, 'ec2:CreateImage');
      expect(create).toHaveLength(1);
      expect(text(create[0]?.Resource)).toBe(
        text(
          [
            'arn:aws:ec2:us-east-1:123456789012:instance/*',
            'arn:aws:ec2:us-east-1::image/*',
            'arn:aws:ec2:us-east-1::snapshot/*',
          ].map((arn) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, arn.slice(7)]] })),
        ),
      );
      const tags = allowing(statements, 'ec2:CreateTags');
      expect(tags).toHaveLength(1);
      expect(tags[0]?.Condition).toEqual({ StringEquals: { 'ec2:CreateAction': 'CreateImage' } });
      expect(text(tags[0]?.Resource)).toContain(':ec2:us-east-1::image/*');
      expect(allowing(statements, 'ec2:DescribeImages')[0]?.Resource).toBe('*');
    });

    it('CopyImages: CopyImage in the primary and DR regions; tags copies only with managed-by; DR key by alias', () => {
      const statements = policyStatementsOf(stateless, /^BackupCopyImagesRole/);
      const copy = allowing(statements, 'ec2:CopyImage')[0];
      expect(text(copy?.Resource)).toContain(':ec2:us-east-1::image/*');
      expect(text(copy?.Resource)).toContain(':ec2:us-west-2::image/*');
      const tags = allowing(statements, 'ec2:CreateTags');
      expect(tags).toHaveLength(1);
      expect(tags[0]?.Condition).toEqual(managedByRequest);
      expect(text(tags[0]?.Resource)).toContain(':ec2:us-west-2::image/*');
      expect(text(tags[0]?.Resource)).not.toContain('us-east-1');
      expect(allowing(statements, 'kms:ReEncryptTo')[0]?.Condition).toEqual({
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': built.config.drKeyAlias },
      });
    });

    it('ExportImages: ExportImage and CreateStoreImageTask into the export bucket, passing only the vmimport role', () => {
      const statements = policyStatementsOf(stateless, /^BackupExportImagesRole/);
      const exportImage = allowing(statements, 'ec2:ExportImage')[0];
      expect(text(exportImage?.Resource)).toContain('::image/*');
      expect(text(exportImage?.Resource)).toContain(':export-image-task/*');
      const tags = allowing(statements, 'ec2:CreateTags');
      expect(tags).toHaveLength(1);
      expect(tags[0]?.Condition).toEqual({ StringEquals: { 'ec2:CreateAction': 'ExportImage' } });
      expect(text(tags[0]?.Resource)).toContain(':export-image-task/*');
      expect(allowing(statements, 'ec2:CreateStoreImageTask')).toHaveLength(1);
      expect(allowing(statements, 'ec2:DescribeExportImageTasks')[0]?.Resource).toBe('*');
      expect(allowing(statements, 'ec2:DescribeStoreImageTasks')[0]?.Resource).toBe('*');
      for (const action of ['ebs:GetSnapshotBlock', 'ebs:ListSnapshotBlocks']) {
        expect(text(allowing(statements, action)[0]?.Resource)).toContain('::snapshot/*');
      }
      expect(allowing(statements, 'iam:PassRole')[0]?.Resource).toEqual({
        'Fn::ImportValue': 'backup-orchestrator-stateful:VmImportRoleArn',
      });
      const objects = allowing(statements, 's3:PutObject')[0];
      expect(objects?.Action).toEqual(
        expect.arrayContaining([
          's3:PutObject',
          's3:AbortMultipartUpload',
          's3:GetObject',
          's3:GetObjectTagging',
          's3:PutObjectTagging',
        ]),
      );
      expect(text(objects?.Resource)).toContain('backup-orchestrator-stateful:ExportBucketArn');
      expect(allowing(statements, 'kms:GenerateDataKey')[0]?.Condition).toEqual({
        StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' },
      });
      // Never deletes artifacts (retention is not this step's job).
      expect(allowing(statements, 's3:DeleteObject')).toEqual([]);
    });

    it('RecordImages: tags images and snapshots in every region only with managed-by; deprecates images', () => {
      const statements = policyStatementsOf(stateless, /^BackupRecordImagesRole/);
      const tags = allowing(statements, 'ec2:CreateTags');
      expect(tags).toHaveLength(1);
      expect(tags[0]?.Condition).toEqual(managedByRequest);
      for (const arn of [
        ':ec2:us-east-1::image/*',
        ':ec2:us-east-1::snapshot/*',
        ':ec2:us-west-2::image/*',
        ':ec2:us-west-2::snapshot/*',
      ]) {
        expect(text(tags[0]?.Resource)).toContain(arn);
      }
      const deprecate = allowing(statements, 'ec2:EnableImageDeprecation')[0];
      expect(text(deprecate?.Resource)).toContain(':ec2:us-east-1::image/*');
      expect(text(deprecate?.Resource)).toContain(':ec2:us-west-2::image/*');
      expect(allowing(statements, 'dynamodb:BatchWriteItem')).toHaveLength(1);
    });
  });

  describe('restore-test network', () => {
    it('is a VPC with isolated subnets only: no internet gateway, no NAT, no route out', () => {
      stateless.resourceCountIs('AWS::EC2::VPC', 1);
      stateless.resourceCountIs('AWS::EC2::InternetGateway', 0);
      stateless.resourceCountIs('AWS::EC2::VPCGatewayAttachment', 0);
      stateless.resourceCountIs('AWS::EC2::NatGateway', 0);
      stateless.resourceCountIs('AWS::EC2::EgressOnlyInternetGateway', 0);
      stateless.resourceCountIs('AWS::EC2::Route', 0);
      for (const subnet of Object.values(stateless.findResources('AWS::EC2::Subnet'))) {
        expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
      }
    });

    it('logs all its traffic to an encrypted log group', () => {
      stateless.hasResourceProperties('AWS::EC2::FlowLog', {
        ResourceType: 'VPC',
        TrafficType: 'ALL',
        LogDestinationType: 'cloud-watch-logs',
      });
    });

    it('reaches SSM through interface endpoints with private DNS', () => {
      const endpoints = Object.values(stateless.findResources('AWS::EC2::VPCEndpoint'));
      expect(endpoints.map((endpoint) => endpoint.Properties.ServiceName).sort()).toEqual([
        'com.amazonaws.us-east-1.ec2messages',
        'com.amazonaws.us-east-1.ssm',
        'com.amazonaws.us-east-1.ssmmessages',
      ]);
      for (const endpoint of endpoints) {
        expect(endpoint.Properties).toEqual(
          expect.objectContaining({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true }),
        );
        expect(endpoint.Properties.SecurityGroupIds).toEqual([
          { 'Fn::GetAtt': [expect.stringMatching(/EndpointSecurityGroup/), 'GroupId'] },
        ]);
      }
    });

    it('gives test instances a security group with no inbound rule and HTTPS out to the endpoints only', () => {
      const groups = stateless.findResources('AWS::EC2::SecurityGroup');
      const [instanceGroupId, instanceGroup] = Object.entries(groups).find(([id]) =>
        id.includes('InstanceSecurityGroup'),
      )!;
      const endpointGroupId = Object.keys(groups).find((id) =>
        id.includes('EndpointSecurityGroup'),
      );
      expect(instanceGroup.Properties.SecurityGroupIngress).toBeUndefined();
      expect(instanceGroup.Properties.SecurityGroupEgress).toEqual([
        expect.objectContaining({
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          DestinationSecurityGroupId: { 'Fn::GetAtt': [endpointGroupId, 'GroupId'] },
        }),
      ]);
      const ingress = Object.values(stateless.findResources('AWS::EC2::SecurityGroupIngress'));
      expect(
        ingress.filter((rule) => text(rule.Properties.GroupId).includes(instanceGroupId)),
      ).toEqual([]);
      // The endpoints accept HTTPS from the test instances only.
      expect(ingress.map((rule) => rule.Properties)).toEqual([
        expect.objectContaining({
          FromPort: 443,
          ToPort: 443,
          GroupId: { 'Fn::GetAtt': [endpointGroupId, 'GroupId'] },
          SourceSecurityGroupId: { 'Fn::GetAtt': [instanceGroupId, 'GroupId'] },
        }),
      ]);
      stateless.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
    });

    it('has an instance profile whose role is trusted by EC2 and has the SSM agent policy', () => {
      stateless.resourceCountIs('AWS::IAM::InstanceProfile', 1);
      stateless.hasResourceProperties('AWS::IAM::InstanceProfile', {
        Roles: [{ Ref: Match.stringLikeRegexp('^RestoreTestNetworkInstanceRole') }],
      });
      stateless.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })],
        },
        ManagedPolicyArns: [
          {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore'],
            ],
          },
        ],
      });
    });
  });

  describe('restore-test functions', () => {
    const role = (step: string) =>
      policyStatementsOf(stateless, new RegExp(`^RestoreTest${step}Role`));

    it('know the test subnet, security group, instance profile and catalog', () => {
      const functions = Object.entries(stateless.findResources('AWS::Lambda::Function')).filter(
        ([id]) => id.startsWith('RestoreTest'),
      );
      expect(functions).toHaveLength(6);
      for (const [, fn] of functions) {
        expect(fn.Properties.Environment.Variables).toEqual(
          expect.objectContaining({
            CATALOG_TABLE_NAME: { 'Fn::ImportValue': expect.stringContaining('CatalogTable') },
            RESTORE_TEST_SUBNET_ID: {
              Ref: expect.stringMatching(/^RestoreTestNetworkVpctestSubnet/),
            },
            RESTORE_TEST_SECURITY_GROUP_ID: {
              'Fn::GetAtt': [expect.stringMatching(/InstanceSecurityGroup/), 'GroupId'],
            },
            RESTORE_TEST_INSTANCE_PROFILE: { Ref: expect.stringMatching(/InstanceProfile/) },
          }),
        );
      }
    });

    it('launch only tagged instances with IMDSv2, of managed images, into the test subnet and security group', () => {
      const statements = role('TestRestores');
      const launch = allowing(statements, 'ec2:RunInstances');
      const bySid = (sid: string) => launch.find((statement) => statement.Sid === sid);
      expect(text(bySid('LaunchTaggedInstancesWithImdsV2')?.Resource)).toContain(':instance/*');
      expect(bySid('LaunchTaggedInstancesWithImdsV2')?.Condition).toEqual({
        StringEquals: {
          'aws:RequestTag/backup:managed-by': 'backup-orchestrator',
          'ec2:MetadataHttpTokens': 'required',
        },
      });
      const network = text(bySid('LaunchOnlyIntoTheTestSubnet')?.Resource);
      expect(network).toMatch(/:subnet\/"?,\{"Ref":"RestoreTestNetworkVpctestSubnet/);
      expect(network).toMatch(
        /:security-group\/"?,\{"Fn::GetAtt":\["RestoreTestNetworkInstanceSecurityGroup/,
      );
      expect(network).not.toContain('*');
      expect(bySid('LaunchNetworkInterfacesInTheTestSubnet')?.Condition).toEqual({
        ArnEquals: { 'ec2:Subnet': expect.anything() },
      });
      expect(bySid('LaunchOnlyTheOrchestratorsImages')?.Condition).toEqual(managedByResource);
      expect(text(bySid('LaunchVolumesOfTheInstance')?.Resource)).toContain(':volume/*');
      // Every RunInstances resource is one of these: nothing else (no other subnet, no key pair).
      expect(launch).toHaveLength(5);

      const tags = allowing(statements, 'ec2:CreateTags');
      expect(tags).toHaveLength(1);
      expect(tags[0]?.Condition).toEqual({ StringEquals: { 'ec2:CreateAction': 'RunInstances' } });

      const passRole = allowing(statements, 'iam:PassRole');
      expect(passRole).toEqual([
        expect.objectContaining({
          Resource: {
            'Fn::GetAtt': [expect.stringMatching(/^RestoreTestNetworkInstanceRole/), 'Arn'],
          },
          Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
        }),
      ]);
    });

    it('observe, run the self-check through SSM, read the console and terminate only tagged instances', () => {
      const statements = role('TestRestores');
      for (const action of [
        'ec2:DescribeInstances',
        'ec2:DescribeInstanceStatus',
        'ec2:DescribeImages',
      ]) {
        expect(allowing(statements, action)[0]?.Resource).toBe('*');
      }
      for (const action of ['ssm:DescribeInstanceInformation', 'ssm:GetCommandInvocation']) {
        expect(allowing(statements, action)[0]?.Resource).toBe('*');
      }
      const send = allowing(statements, 'ssm:SendCommand');
      expect(send).toHaveLength(2);
      expect(text(send[0]?.Resource)).toContain(':ssm:us-east-1::document/AWS-RunShellScript');
      expect(text(send[1]?.Resource)).toContain(':instance/*');
      expect(send[1]?.Condition).toEqual({
        StringEquals: { 'ssm:resourceTag/backup:managed-by': 'backup-orchestrator' },
      });
      const onInstances = allowing(statements, 'ec2:TerminateInstances');
      expect(onInstances).toHaveLength(1);
      expect(onInstances[0]?.Action).toEqual(['ec2:GetConsoleOutput', 'ec2:TerminateInstances']);
      expect(onInstances[0]?.Condition).toEqual(managedByResource);
    });

    it('terminate and delete leftovers only when tagged (cleanup and sweep)', () => {
      for (const step of ['CleanUpRestoreBatch', 'SweepRestoreLeftovers']) {
        const terminate = allowing(role(step), 'ec2:TerminateInstances');
        expect({ step, terminate }).toEqual({
          step,
          terminate: [expect.objectContaining({ Condition: managedByResource })],
        });
      }
      const sweep = role('SweepRestoreLeftovers');
      for (const [action, type] of [
        ['ec2:DeleteVolume', ':volume/*'],
        ['ec2:DeleteNetworkInterface', ':network-interface/*'],
      ] as const) {
        const statement = allowing(sweep, action)[0];
        expect(text(statement?.Resource)).toContain(type);
        expect(statement?.Condition).toEqual(managedByResource);
      }
      expect(allowing(role('CleanUpRestoreBatch'), 'ec2:DeleteVolume')).toEqual([]);
    });

    it('pick from the catalog by index (Query, GetItem) and record verdicts on managed images only', () => {
      const pick = role('PickRestoreCandidates');
      const query = allowing(pick, 'dynamodb:Query')[0];
      expect(text(query?.Resource)).toContain('/index/byPolicy');
      expect(text(query?.Resource)).toContain('/index/bySource');
      expect(allowing(pick, 'dynamodb:GetItem')).toHaveLength(1);
      expect(allowing(pick, 'dynamodb:Scan')).toEqual([]);
      expect(allowing(pick, 'ec2:RunInstances')).toEqual([]);

      const record = role('RecordRestoreVerdicts');
      expect(allowing(record, 'dynamodb:BatchWriteItem')).toHaveLength(1);
      const tags = allowing(record, 'ec2:CreateTags');
      expect(tags).toHaveLength(1);
      expect(text(tags[0]?.Resource)).toContain('::image/*');
      expect(tags[0]?.Condition).toEqual({
        ...managedByResource,
        'ForAllValues:StringEquals': {
          'aws:TagKeys': [
            'backup:restore-test-verdict',
            'backup:restore-tested-at',
            'backup:restore-test-rto-seconds',
          ],
        },
      });
    });

    it('give the summarize steps nothing beyond their logs and traces', () => {
      for (const step of [/^RestoreTestSummarizeRestoreTestRole/, /^BackupSummarizeRunRole/]) {
        const actions = policyStatementsOf(stateless, step).flatMap((statement: Statement) =>
          [statement.Action].flat(),
        );
        expect(actions.filter((action) => !/^(logs|xray):/.test(action))).toEqual([]);
      }
    });
  });

  describe('alarms', () => {
    let alarms: ReturnType<Template['findResources']>[string][];
    let topicId: string;

    beforeAll(() => {
      alarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm')).map(
        (alarm) => alarm.Properties,
      );
      topicId = Object.keys(stateless.findResources('AWS::SNS::Topic'))[0] ?? '';
    });

    it('notify one SNS topic encrypted with the primary key that refuses plain HTTP', () => {
      stateless.resourceCountIs('AWS::SNS::Topic', 1);
      stateless.hasResourceProperties('AWS::SNS::Topic', {
        KmsMasterKeyId: { 'Fn::ImportValue': Match.stringLikeRegexp('PrimaryKey') },
      });
      stateless.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
      for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      // The key lets CloudWatch publish to the encrypted topic.
      stateful.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      });
    });

    it('fire on failed executions of every state machine', () => {
      const failed = alarms.filter((alarm) => alarm.MetricName === 'ExecutionsFailed');
      expect(failed.map((alarm) => alarm.Namespace)).toEqual([
        'AWS/States',
        'AWS/States',
        'AWS/States',
      ]);
      expect(failed.map((alarm) => alarm.Dimensions[0].Value)).toEqual([
        { Ref: expect.stringMatching(/^BackupStateMachine/) },
        { Ref: expect.stringMatching(/^RestoreTestStateMachine/) },
        { Ref: expect.stringMatching(/^PruneStateMachine/) },
      ]);
    });

    it('fire per policy on the failures the summarize handlers publish (with Powertools dimensions)', () => {
      const byMetric = (name: string) =>
        alarms
          .filter((alarm) => alarm.MetricName === name)
          .map((alarm) => ({
            namespace: alarm.Namespace,
            dimensions: Object.fromEntries(
              (alarm.Dimensions as { Name: string; Value: string }[]).map((d) => [d.Name, d.Value]),
            ),
            threshold: alarm.Threshold,
            missing: alarm.TreatMissingData,
          }));
      const expected = (policy: string) => ({
        namespace: 'BackupOrchestrator',
        dimensions: { service: 'backup-orchestrator', Policy: policy },
        threshold: 1,
        missing: 'notBreaching',
      });
      expect(RUN_METRICS.restoreTestFailures).toBe('RestoreTestsFailed');
      expect(byMetric('RestoreTestsFailed')).toEqual([expected('daily')]);
      // Every failure a run reports (snapshots, images, exports, bucket copies), not SnapshotsFailed.
      expect(RUN_METRICS.backupFailures).toBe('FailuresTotal');
      expect(byMetric('FailuresTotal')).toEqual([expected('daily'), expected('weekly')]);
      expect(byMetric('SnapshotsFailed')).toEqual([]);
    });

    it('fire when a scheduled start ends in the dead-letter queue', () => {
      const dlq = alarms.filter(
        (alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible',
      );
      expect(dlq).toHaveLength(1);
      expect(dlq[0]?.Namespace).toBe('AWS/SQS');
    });
  });

  it('has no restore-test schedule or alarm for a configuration without restoreTest', () => {
    const config = parseConfig({
      primaryRegion: 'us-east-1',
      policies: { a: { schedule: 'rate(1 day)', retention: { keepLast: 1 } } },
    });
    const plain = Template.fromStack(
      buildApp({ config, bundle: false, nag: false, account }).stateless,
    );
    // The backup and the prune schedule of the one policy.
    plain.resourceCountIs('AWS::Scheduler::Schedule', 2);
    const metrics = Object.values(plain.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties.MetricName,
    );
    expect(metrics).not.toContain('RestoreTestsFailed');
    expect(metrics).toContain('FailuresTotal');
    // No DR region: the copy steps get no CopyImage/CopySnapshot grant at all.
    expect(allowing(policyStatementsOf(plain, /^BackupCopyImagesRole/), 'ec2:CopyImage')).toEqual(
      [],
    );
  });
});
