import { backupBucketsEnvironment } from '../../functions/environment/backup-buckets-environment.js';
import { catalogEnvironment } from '../../functions/environment/catalog-environment.js';
import { exportEnvironment } from '../../functions/environment/export-environment.js';
import { observabilityEnvironment } from '../../functions/environment/observability-environment.js';
import { restoreTestNetworkEnvironment } from '../../functions/environment/restore-test-network-environment.js';
import {
  renderTaskEnvironment,
  taskEnvironments,
} from '../../functions/environment/task-environments.js';

describe('the restore-test network environment', () => {
  it('reads the test network, several security groups allowed', () => {
    expect(
      restoreTestNetworkEnvironment.parse({
        RESTORE_TEST_SUBNET_ID: 'subnet-0abc',
        RESTORE_TEST_SECURITY_GROUP_ID: 'sg-01, sg-02',
        RESTORE_TEST_INSTANCE_PROFILE: 'arn:aws:iam::123456789012:instance-profile/restore-test',
      }),
    ).toEqual({
      subnetId: 'subnet-0abc',
      securityGroupIds: ['sg-01', 'sg-02'],
      instanceProfile: 'arn:aws:iam::123456789012:instance-profile/restore-test',
    });
  });

  it('names every missing or malformed variable in one InvalidInputError', () => {
    expect(() =>
      restoreTestNetworkEnvironment.parse({ RESTORE_TEST_SECURITY_GROUP_ID: 'default' }),
    ).toThrow(
      expect.objectContaining({
        name: 'InvalidInputError',
        message: expect.stringMatching(
          /RESTORE_TEST_SUBNET_ID is not set.*RESTORE_TEST_SECURITY_GROUP_ID must be security group ids separated by commas, got "default".*RESTORE_TEST_INSTANCE_PROFILE is not set/,
        ),
      }),
    );
  });
});

describe('environment contracts', () => {
  it('render what the stack sets and read back the same values', () => {
    const rendered = restoreTestNetworkEnvironment.render({
      subnetId: 'subnet-0abc',
      securityGroupIds: 'sg-01,sg-02',
      instanceProfile: 'restore-test',
    });
    expect(rendered).toEqual({
      RESTORE_TEST_SUBNET_ID: 'subnet-0abc',
      RESTORE_TEST_SECURITY_GROUP_ID: 'sg-01,sg-02',
      RESTORE_TEST_INSTANCE_PROFILE: 'restore-test',
    });
    expect(restoreTestNetworkEnvironment.parse(rendered).securityGroupIds).toEqual([
      'sg-01',
      'sg-02',
    ]);
  });

  it('never render what the Lambda runtime sets, and need it to read', () => {
    expect(catalogEnvironment.render({ tableName: 'catalog' })).toEqual({
      CATALOG_TABLE_NAME: 'catalog',
    });
    expect(() => catalogEnvironment.parse({ CATALOG_TABLE_NAME: 'catalog' })).toThrow(
      expect.objectContaining({
        name: 'InvalidInputError',
        message: expect.stringContaining('AWS_REGION is not set'),
      }),
    );
    expect(
      catalogEnvironment.parse({ CATALOG_TABLE_NAME: 'catalog', AWS_REGION: 'eu-west-1' }),
    ).toEqual({ tableName: 'catalog', region: 'eu-west-1' });
  });

  it('read optional groups as empty, and name malformed values with what they must be', () => {
    expect(backupBucketsEnvironment.parse({})).toEqual({ byRegion: {} });
    expect(exportEnvironment.parse({})).toEqual({ bucketName: undefined, roleName: undefined });
    expect(backupBucketsEnvironment.parse({ BACKUP_BUCKETS: '{"us-west-2":"b"}' })).toEqual({
      byRegion: { 'us-west-2': 'b' },
    });
    for (const raw of ['not json', '["b"]', '{"us-west-2":1}']) {
      expect(() => backupBucketsEnvironment.parse({ BACKUP_BUCKETS: raw })).toThrow(
        expect.objectContaining({
          name: 'InvalidInputError',
          message: expect.stringContaining(
            `BACKUP_BUCKETS must be a JSON object of region to bucket name, got "${raw}"`,
          ),
        }),
      );
    }
  });

  it('default the observability names, and take the deployed ones', () => {
    expect(observabilityEnvironment.parse({})).toEqual({
      serviceName: 'backup-orchestrator',
      metricsNamespace: 'BackupOrchestrator',
    });
    expect(observabilityEnvironment.parse({ POWERTOOLS_SERVICE_NAME: 'svc' }).serviceName).toBe(
      'svc',
    );
  });

  it('parse once per source: a source read again is not parsed again', () => {
    const source = { CATALOG_TABLE_NAME: 'one', AWS_REGION: 'us-east-1' };
    const first = catalogEnvironment.read(source);
    source.CATALOG_TABLE_NAME = 'two';
    expect(catalogEnvironment.read(source)).toBe(first);
    expect(catalogEnvironment.read({ ...source }).tableName).toBe('two');
  });

  it('render the groups a Task reads, and refuse a group the stack gave no values for', () => {
    expect(
      renderTaskEnvironment(['catalog', 'backupBuckets'], {
        catalog: { tableName: 't' },
        backupBuckets: { byRegion: '{}' },
      }),
    ).toEqual({ CATALOG_TABLE_NAME: 't', BACKUP_BUCKETS: '{}' });
    expect(() => renderTaskEnvironment(['restoreTestNetwork'], {})).toThrow(
      /no values for the restoreTestNetwork environment/,
    );
  });

  it('use each variable name in one group only', () => {
    const names = Object.values(taskEnvironments).flatMap((contract) =>
      contract.variableNames.filter((name) => name !== 'AWS_REGION'),
    );
    expect(new Set(names).size).toBe(names.length);
  });
});
