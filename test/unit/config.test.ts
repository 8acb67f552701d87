import { readFileSync } from 'node:fs';
import {
  configJsonSchema,
  parseConfig,
  parseConfigText,
  policyNamed,
} from '../../functions/core/config.js';
import { ConfigError, UnknownPolicyError } from '../../functions/core/errors.js';

const valid = {
  primaryRegion: 'us-east-1',
  policies: {
    daily: {
      schedule: 'cron(0 3 * * ? *)',
      retention: { keepLast: 3, daily: 7 },
      copyTo: [{ region: 'us-west-2' }],
    },
  },
};

function issuesOf(value: unknown): string[] {
  try {
    parseConfig(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error('expected the configuration to be rejected');
}

describe('parseConfig', () => {
  it('accepts the documented shape and fills defaults', () => {
    const config = parseConfig(valid);
    expect(config.policies.daily?.timezone).toBe('UTC');
    expect(config.drKeyAlias).toBe('alias/backup-orchestrator-dr');
    expect(config.policies.daily?.copyTo).toEqual([{ region: 'us-west-2' }]);
  });

  it('accepts the repository example file', () => {
    expect(() => parseConfigText(readFileSync('backup.config.json', 'utf8'))).not.toThrow();
  });

  it('names the path and the value of a negative retention count, as docs/architecture.md §2.2 shows', () => {
    const issues = issuesOf({
      ...valid,
      policies: { daily: { ...valid.policies.daily, retention: { daily: -1 } } },
    });
    expect(issues).toContain(
      'policies.daily.retention.daily: expected a whole number >= 0, got -1',
    );
  });

  it('lists every problem at once, each by path', () => {
    const issues = issuesOf({
      primaryRegion: 'mars-1',
      policies: {
        daily: {
          schedule: 'cron(0 3 * * * *)',
          timezone: 'Nowhere/Land',
          retention: { weekly: 1.5 },
        },
        'bad name': { schedule: 'rate(1 days)', retention: { daily: 1 } },
      },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        'primaryRegion: expected an AWS region such as us-east-1, got "mars-1"',
        expect.stringMatching(/^policies\.daily\.schedule: cron needs "\?" in exactly one/),
        'policies.daily.timezone: unknown IANA time zone "Nowhere/Land"',
        'policies.daily.retention.weekly: expected a whole number >= 0, got 1.5',
        expect.stringMatching(/^policies\.bad name: policy names are 1-64 letters/),
        'policies.bad name.schedule: use "1 day" in rate(1 days)',
      ]),
    );
  });

  it('rejects a copy into the primary region and a region listed twice', () => {
    const issues = issuesOf({
      ...valid,
      policies: {
        daily: {
          ...valid.policies.daily,
          copyTo: [{ region: 'us-east-1' }, { region: 'eu-west-1' }, { region: 'eu-west-1' }],
        },
      },
    });
    expect(issues).toEqual([
      'policies.daily.copyTo.0.region: a copy must go to another region than primaryRegion us-east-1',
      'policies.daily.copyTo.2.region: region eu-west-1 is listed twice',
    ]);
  });

  it('rejects a retention that keeps nothing, unknown fields and an empty policy set', () => {
    expect(
      issuesOf({
        ...valid,
        policies: { daily: { ...valid.policies.daily, retention: { daily: 0 } } },
      }),
    ).toEqual([expect.stringMatching(/^policies\.daily\.retention: retention keeps nothing/)]);
    expect(issuesOf({ ...valid, surprise: true })).toEqual([
      expect.stringMatching(/^: Unrecognized key: "surprise"/),
    ]);
    expect(issuesOf({ primaryRegion: 'us-east-1', policies: {} })).toEqual([
      'policies: define at least one policy',
    ]);
  });

  it('fills the prune defaults and names a bad prune schedule and fraction', () => {
    const config = parseConfig({
      ...valid,
      policies: { daily: { ...valid.policies.daily, prune: {} } },
    });
    expect(config.policies.daily?.prune).toEqual({
      schedule: 'cron(0 3 * * ? *)',
      maxDeleteFraction: 0.5,
    });
    const issues = issuesOf({
      ...valid,
      policies: {
        daily: { ...valid.policies.daily, prune: { schedule: 'daily', maxDeleteFraction: 1.5 } },
      },
    });
    expect(issues).toContain(
      'policies.daily.prune.maxDeleteFraction: expected a fraction from 0 to 1, got 1.5',
    );
    expect(issues.some((issue) => issue.startsWith('policies.daily.prune.schedule: '))).toBe(true);
  });

  it('fills the restore allow-lists empty by default and names a bad instance profile and an unknown field', () => {
    expect(parseConfig(valid).restore).toEqual({
      instanceProfiles: [],
      kmsKeyIds: [],
      targetBuckets: [],
    });
    expect(
      parseConfig({ ...valid, restore: { instanceProfiles: ['app-server'] } }).restore
        .instanceProfiles,
    ).toEqual(['app-server']);
    const issues = issuesOf({ ...valid, restore: { instanceProfiles: [''], roles: [] } });
    expect(issues.some((issue) => issue.startsWith('restore.instanceProfiles.0: '))).toBe(true);
    expect(issues.some((issue) => issue.startsWith('restore: ') && issue.includes('roles'))).toBe(
      true,
    );
  });

  it('reports text that is not JSON as one problem at the root', () => {
    expect(() => parseConfigText('{ nope', 'x.json')).toThrow(/x\.json[\s\S]*not valid JSON/);
  });
});

describe('the JSON Schema for editors', () => {
  it('is the committed schema/backup.config.schema.json (regenerate with npm run schema)', () => {
    const committed = JSON.parse(readFileSync('schema/backup.config.schema.json', 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });
});

describe('policyNamed', () => {
  it('returns the named policy', () => {
    const config = parseConfig(valid);
    expect(policyNamed(config, 'daily')).toBe(config.policies.daily);
  });

  it('throws UnknownPolicyError listing the defined policies for any other name', () => {
    const config = parseConfig(valid);
    expect(() => policyNamed(config, 'hourly')).toThrow(UnknownPolicyError);
    expect(() => policyNamed(config, 'hourly')).toThrow(
      'unknown policy "hourly"; the configuration defines: daily',
    );
  });
});
