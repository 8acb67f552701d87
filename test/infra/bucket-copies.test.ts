import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BackupApp } from '../../infra/build-app.js';
import {
  backupBucketName,
  noncurrentVersionDays,
  retentionHorizonDays,
} from '../../infra/constructs/backup-bucket.js';
import { parseConfig, type BackupConfig } from '../../functions/core/config.js';
import {
  allowing,
  exampleConfig,
  policyStatementsOf,
  synthesize,
  templatesOf,
  type Statement,
  account,
} from './synth.js';

const drBucketName = (region: string, prefix = 'backup-orchestrator') =>
  `${prefix}-backup-${account}-${region}`;

/** The bucket of a DR template whose name is built from the account (the backup bucket). */
function backupBucketOf(template: Template) {
  const buckets = Object.entries(template.findResources('AWS::S3::Bucket')).filter(
    ([, bucket]) => bucket.Properties.BucketName !== undefined,
  );
  expect(buckets).toHaveLength(1);
  return buckets[0]![1];
}

/** A CloudFormation string value with the account and partition pseudo parameters filled in. */
function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as { Ref?: string; 'Fn::Join'?: [string, unknown[]] };
  if (node.Ref === 'AWS::AccountId') return account;
  if (node.Ref === 'AWS::Partition') return 'aws';
  if (node['Fn::Join']) return node['Fn::Join'][1].map(flat).join(node['Fn::Join'][0]);
  return JSON.stringify(value);
}

const twoRegions = (): BackupConfig =>
  parseConfig({
    primaryRegion: 'us-east-1',
    policies: {
      short: {
        schedule: 'rate(1 day)',
        retention: { daily: 7 },
        copyTo: [{ region: 'us-west-2' }, { region: 'eu-west-1', retention: { weekly: 5 } }],
      },
      long: {
        schedule: 'rate(7 days)',
        retention: { monthly: 3 },
        copyTo: [{ region: 'eu-west-1', bucket: 'team-owned-backups' }],
      },
    },
  });

describe('backup buckets in the DR stacks', () => {
  let built: BackupApp;
  let dr: Template;

  beforeAll(() => {
    built = buildApp({ config: exampleConfig(), bundle: false, nag: false, account });
    dr = Template.fromStack(built.dr['us-west-2']!);
  });

  it('has a retained, versioned backup bucket with the deterministic name, output by the stack', () => {
    const bucket = backupBucketOf(dr);
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.BucketName).toBe(drBucketName('us-west-2'));
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const outputs = dr.findOutputs('BackupBucketName');
    expect(Object.values(outputs).map((output) => output.Value)).toEqual([
      { Ref: expect.stringMatching(/^BackupBucket/) },
    ]);
  });

  it('encrypts with the DR key of its region and an S3 Bucket Key', () => {
    expect(backupBucketOf(dr).Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        {
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^DrKey/), 'Arn'] },
          },
        },
      ],
    });
  });

  it('refuses plain HTTP', () => {
    dr.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^BackupBucket[0-9A-F]+$') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('logs access to an SSE-S3 bucket of the same stack, without Object Lock', () => {
    const bucket = backupBucketOf(dr);
    const logs = bucket.Properties.LoggingConfiguration as {
      DestinationBucketName: { Ref: string };
    };
    expect(logs.DestinationBucketName.Ref).toMatch(/AccessLogs/);
    const logBucket = dr.findResources('AWS::S3::Bucket')[logs.DestinationBucketName.Ref];
    expect(logBucket?.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
      ],
    });
    expect(logBucket?.Properties.ObjectLockEnabled).toBeUndefined();
    expect(logBucket?.DeletionPolicy).toBe('Retain');
  });

  it('expires noncurrent versions after the longest retention copying there plus 7 days, bucket-wide, and aborts stale uploads', () => {
    // The example's daily policy copies to us-west-2 with retention { daily: 7 }.
    const rules = backupBucketOf(dr).Properties.LifecycleConfiguration.Rules as Record<
      string,
      unknown
    >[];
    expect(rules).toEqual([
      {
        Id: 'abort-incomplete-uploads',
        Status: 'Enabled',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
      {
        Id: 'expire-noncurrent-versions-after-retention',
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: 14 },
        ExpiredObjectDeleteMarker: true,
      },
    ]);
    // No prefix or tag filter: the .manifests/ prefix is governed by the same rules as the copies.
    for (const rule of rules) {
      expect(rule.Prefix).toBeUndefined();
      expect(rule.TagFilters).toBeUndefined();
    }
    // Nothing expires current versions: pruning (keepLast, locks) owns that.
    expect(rules.some((rule) => rule.ExpirationInDays !== undefined)).toBe(false);
  });

  it('has no Object Lock unless context objectLock asks for it', () => {
    const bucket = backupBucketOf(dr);
    expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
    expect(bucket.Properties.ObjectLockConfiguration).toBeUndefined();
  });

  it.each([
    [{ objectLock: true }, 7],
    [{ objectLock: 'true', objectLockDays: '30' }, 30],
  ])('enables Object Lock with a GOVERNANCE default retention (context %j)', (context, days) => {
    const locked = buildApp({
      config: exampleConfig(),
      bundle: false,
      nag: false,
      account,
      context,
    });
    const bucket = backupBucketOf(Template.fromStack(locked.dr['us-west-2']!));
    expect(bucket.Properties.ObjectLockEnabled).toBe(true);
    expect(bucket.Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: days } },
    });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it.each([{ objectLock: 'yes' }, { objectLock: true, objectLockDays: 0 }])(
    'rejects a bad Object Lock context (%j)',
    (context) => {
      expect(() =>
        buildApp({ config: exampleConfig(), bundle: false, nag: false, account, context }),
      ).toThrow(/context "objectLock/);
    },
  );

  it('computes the lifecycle per region from the copyTo entry, else the policy, retention', () => {
    const config = twoRegions();
    expect(noncurrentVersionDays(config, 'us-west-2')).toBe(7 + 7);
    // eu-west-1: short copies keep weekly 5 (35 days), long keeps its policy's monthly 3 (93).
    expect(noncurrentVersionDays(config, 'eu-west-1')).toBe(93 + 7);
    expect(noncurrentVersionDays(config, 'ap-south-1')).toBeUndefined();
    const built2 = buildApp({ config, bundle: false, nag: false, account });
    const days = (region: string) =>
      (
        backupBucketOf(Template.fromStack(built2.dr[region]!)).Properties.LifecycleConfiguration
          .Rules as { NoncurrentVersionExpiration?: { NoncurrentDays: number } }[]
      ).flatMap((rule) => rule.NoncurrentVersionExpiration?.NoncurrentDays ?? []);
    expect(days('us-west-2')).toEqual([14]);
    expect(days('eu-west-1')).toEqual([100]);
  });

  it('follows the retention horizon rules: maxAgeDays first, then the longest tier', () => {
    expect(retentionHorizonDays({ maxAgeDays: 40, yearly: 2 })).toBe(40);
    expect(retentionHorizonDays({ daily: 7, weekly: 4, monthly: 12, yearly: 0 })).toBe(372);
    expect(retentionHorizonDays({ yearly: 1 })).toBe(366);
    expect(retentionHorizonDays({ daily: 3, minAgeDays: 10 })).toBe(10);
    // keepLast only: no age limit, so noncurrent versions are not expired by lifecycle.
    expect(retentionHorizonDays({ keepLast: 3 })).toBeUndefined();
    const keepLastOnly = parseConfig({
      primaryRegion: 'us-east-1',
      policies: {
        a: {
          schedule: 'rate(1 day)',
          retention: { daily: 7 },
          copyTo: [{ region: 'us-west-2', retention: { keepLast: 3 } }],
        },
      },
    });
    expect(noncurrentVersionDays(keepLastOnly, 'us-west-2')).toBeUndefined();
    const rules = backupBucketOf(
      Template.fromStack(
        buildApp({ config: keepLastOnly, bundle: false, nag: false, account }).dr['us-west-2']!,
      ),
    ).Properties.LifecycleConfiguration.Rules as { Id: string }[];
    expect(rules.map((rule) => rule.Id)).toEqual(['abort-incomplete-uploads']);
  });

  it('names buckets within 63 characters, or refuses to synthesize', () => {
    expect(backupBucketName('backup-orchestrator', account, 'us-west-2')).toBe(
      drBucketName('us-west-2'),
    );
    expect(() => backupBucketName('p'.repeat(32), account, 'ap-southeast-4')).toThrow(/63/);
  });
});

describe('bucket-copy functions and their permissions', () => {
  let built: BackupApp;
  let stateless: Template;
  let functions: ReturnType<Template['findResources']>;
  const fn = (prefix: string) =>
    Object.entries(functions).find(([id]) => id.startsWith(prefix))?.[1];

  beforeAll(() => {
    built = buildApp({ config: twoRegions(), bundle: false, nag: false, account });
    stateless = Template.fromStack(built.stateless);
    functions = stateless.findResources('AWS::Lambda::Function');
  });

  it('tells discover the backup bucket of every DR region (BACKUP_BUCKETS) and lets it list tagged buckets', () => {
    const variables = fn('BackupDiscoverResources')?.Properties.Environment.Variables;
    const json = JSON.parse(flat(variables.BACKUP_BUCKETS)) as unknown;
    expect(json).toEqual({
      'eu-west-1': drBucketName('eu-west-1'),
      'us-west-2': drBucketName('us-west-2'),
    });
    const statements = policyStatementsOf(stateless, /^BackupDiscoverResourcesRole/);
    expect(allowing(statements, 'tag:GetResources')).toEqual([
      { Action: 'tag:GetResources', Effect: 'Allow', Resource: '*' },
    ]);
  });

  it('gives SyncBucket 1 GiB, a bounded young generation and a timeout below its Task timeout', () => {
    const sync = fn('BackupSyncBucket')!.Properties;
    expect(sync.MemorySize).toBe(1024);
    expect(sync.Timeout).toBe(300);
    expect(sync.Environment.Variables.NODE_OPTIONS).toBe(
      '--enable-source-maps --max-semi-space-size=16',
    );
    expect(fn('BackupRecordBucketCopies')!.Properties.MemorySize).toBe(512);
  });

  it('lets SyncBucket read any source bucket of this account only', () => {
    const statements = policyStatementsOf(stateless, /^BackupSyncBucketRole/);
    const sameAccount = { StringEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } };
    const list = allowing(statements, 's3:ListBucket').find(
      (statement) => flat(statement.Resource) === 'arn:aws:s3:::*',
    );
    expect(list?.Condition).toEqual(sameAccount);
    const read = allowing(statements, 's3:GetObject').find(
      (statement) => flat(statement.Resource) === 'arn:aws:s3:::*/*',
    );
    expect(read?.Action).toEqual([
      's3:GetObject',
      's3:GetObjectVersion',
      's3:GetObjectTagging',
      's3:GetObjectAttributes',
    ]);
    expect(read?.Condition).toEqual(sameAccount);
    // Nothing that writes or deletes is allowed on arbitrary buckets.
    for (const statement of statements) {
      if (!flat(statement.Resource).startsWith('arn:aws:s3:::*')) continue;
      expect([statement.Action].flat().every((action) => /^s3:(Get|List)/.test(action))).toBe(true);
    }
    expect(JSON.stringify(statements)).not.toContain('s3:DeleteObject');
  });

  it('lets SyncBucket write copies only into the backup buckets, by name', () => {
    const statements = policyStatementsOf(stateless, /^BackupSyncBucketRole/);
    const write = allowing(statements, 's3:PutObject');
    expect(write).toHaveLength(1);
    expect(write[0]?.Action).toEqual([
      's3:GetObject',
      's3:PutObject',
      's3:PutObjectTagging',
      's3:GetObjectTagging',
      's3:AbortMultipartUpload',
      's3:ListMultipartUploadParts',
    ]);
    expect(
      [write[0]?.Resource]
        .flat()
        .map((resource) => flat(resource))
        .sort(),
    ).toEqual([
      `arn:aws:s3:::${drBucketName('eu-west-1')}/*`,
      `arn:aws:s3:::${drBucketName('us-west-2')}/*`,
      'arn:aws:s3:::team-owned-backups/*',
    ]);
    expect(write[0]?.Condition).toBeUndefined();
  });

  it('uses the DR keys only by alias and only through S3 of their regions', () => {
    const kms = policyStatementsOf(stateless, /^BackupSyncBucketRole/).filter(
      (statement) =>
        JSON.stringify(statement.Action).includes('kms:') &&
        JSON.stringify(statement.Condition ?? {}).includes('kms:ViaService'),
    );
    expect(kms).toHaveLength(1);
    expect(kms[0]?.Action).toEqual([
      'kms:Encrypt',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'kms:ReEncryptFrom',
      'kms:ReEncryptTo',
    ]);
    expect(kms[0]?.Condition).toEqual({
      'ForAnyValue:StringEquals': { 'kms:ResourceAliases': built.config.drKeyAlias },
      StringEquals: {
        'kms:ViaService': ['s3.eu-west-1.amazonaws.com', 's3.us-west-2.amazonaws.com'],
      },
    });
    expect([kms[0]?.Resource].flat().map((resource) => flat(resource))).toEqual([
      `arn:aws:kms:eu-west-1:${account}:key/*`,
      `arn:aws:kms:us-west-2:${account}:key/*`,
    ]);
  });

  it('lets PlanBucketCopies find the previous run through the bySource index only', () => {
    const statements = policyStatementsOf(stateless, /^BackupPlanBucketCopiesRole/);
    const dynamodb = statements.filter((statement) =>
      JSON.stringify(statement.Action).includes('dynamodb:'),
    );
    expect(dynamodb).toEqual([
      expect.objectContaining({
        Action: 'dynamodb:Query',
        Resource: { 'Fn::Join': ['', [expect.anything(), '/index/bySource']] },
      }),
    ]);
  });

  it('lets PlanBucketCopies read inventory configurations and reports of this account, nothing else in S3', () => {
    const statements = policyStatementsOf(stateless, /^BackupPlanBucketCopiesRole/);
    const sameAccount = { StringEquals: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } };
    const s3 = statements.filter((statement) => JSON.stringify(statement.Action).includes('s3:'));
    expect(
      s3.every((statement) => JSON.stringify(statement.Condition) === JSON.stringify(sameAccount)),
    ).toBe(true);
    expect(
      s3
        .flatMap((statement) => [statement.Action].flat())
        .every((action) => /^s3:(Get|List)/.test(action)),
    ).toBe(true);
    expect(allowing(statements, 's3:GetInventoryConfiguration')).toHaveLength(1);
    expect(fn('BackupPlanBucketCopies')!.Properties.Timeout).toBe(300);
  });

  it('lets RecordBucketCopies write and tag manifests only, and index the copy in the catalog', () => {
    const statements = policyStatementsOf(stateless, /^BackupRecordBucketCopiesRole/);
    const s3 = statements.filter((statement) => JSON.stringify(statement.Action).includes('s3:'));
    expect(s3).toHaveLength(1);
    expect(s3[0]?.Action).toEqual(['s3:PutObject', 's3:PutObjectTagging']);
    expect(
      [s3[0]?.Resource]
        .flat()
        .map((resource) => flat(resource))
        .sort(),
    ).toEqual([
      `arn:aws:s3:::${drBucketName('eu-west-1')}/.manifests/*`,
      `arn:aws:s3:::${drBucketName('us-west-2')}/.manifests/*`,
      'arn:aws:s3:::team-owned-backups/.manifests/*',
    ]);
    const key = statements.find((statement: Statement) =>
      JSON.stringify(statement.Condition ?? {}).includes('kms:ViaService'),
    );
    expect(key?.Action).toBe('kms:GenerateDataKey');
    expect(allowing(statements, 'dynamodb:BatchWriteItem')).toHaveLength(1);
  });

  it('grants no bucket access when no policy copies anywhere', () => {
    const config = parseConfig({
      primaryRegion: 'us-east-1',
      policies: { a: { schedule: 'rate(1 day)', retention: { keepLast: 1 } } },
    });
    const plain = Template.fromStack(
      buildApp({ config, bundle: false, nag: false, account }).stateless,
    );
    const statements = policyStatementsOf(plain, /^Backup(SyncBucket|RecordBucketCopies)Role/);
    expect(JSON.stringify(statements)).not.toContain('s3:');
    const discover = Object.entries(plain.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('BackupDiscoverResources'),
    )?.[1];
    expect(discover?.Properties.Environment.Variables.BACKUP_BUCKETS).toBe('{}');
  });
});

describe('two DR regions, a bucket named by the configuration and Object Lock on', () => {
  it('pass cdk-nag AwsSolutions and cfn-lint', () => {
    const synthesized = synthesize({
      config: twoRegions(),
      bundle: false,
      context: { objectLock: true, objectLockDays: 30 },
    });
    expect(synthesized.synthError?.message).toBeUndefined();
    const report = JSON.parse(
      readFileSync(join(synthesized.outdir, 'validation-report.json'), 'utf8'),
    ) as { pluginReports: { violations: unknown[] }[] };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations)).toEqual([]);
    const templates = templatesOf(synthesized.outdir);
    expect(templates).toHaveLength(4);
    for (const { file, region } of templates) {
      const run = spawnSync(
        'cfn-lint',
        ['--regions', region, '--format', 'parseable', '--', file],
        {
          encoding: 'utf8',
        },
      );
      expect({ file, status: run.status, output: `${run.stdout}${run.stderr}`.trim() }).toEqual({
        file,
        status: 0,
        output: '',
      });
    }
  });
});
