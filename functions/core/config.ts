import * as z from 'zod';
import { ConfigError, UnknownPolicyError, type ConfigIssue } from './errors.js';
import { describeScheduleProblem, isKnownTimeZone } from './schedule-expression.js';

/**
 * The one configuration file (`backup.config.json`). Parsed once into a typed object; every
 * problem is reported with its path, so a bad file fails fast with the whole list.
 */

const wholeNumber = () =>
  z
    .number({ error: (issue) => `expected a whole number >= 0, got ${describe(issue.input)}` })
    .int({ error: (issue) => `expected a whole number >= 0, got ${describe(issue.input)}` })
    .min(0, { error: (issue) => `expected a whole number >= 0, got ${describe(issue.input)}` });

const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, {
  error: (issue) => `expected an AWS region such as us-east-1, got ${describe(issue.input)}`,
});

/** A schedule EventBridge Scheduler accepts (rules in functions/core/schedule-expression.ts). */
const scheduleExpression = () =>
  z.string().superRefine((expression, ctx) => {
    const problem = describeScheduleProblem(expression);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const policyNamePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const RetentionSchema = z
  .strictObject({
    keepLast: wholeNumber().optional(),
    daily: wholeNumber().optional(),
    weekly: wholeNumber().optional(),
    monthly: wholeNumber().optional(),
    yearly: wholeNumber().optional(),
    minAgeDays: wholeNumber().optional(),
    maxAgeDays: wholeNumber().optional(),
  })
  .refine(
    (retention) =>
      [
        retention.keepLast,
        retention.daily,
        retention.weekly,
        retention.monthly,
        retention.yearly,
      ].some((count) => (count ?? 0) > 0) || (retention.maxAgeDays ?? 0) > 0,
    {
      error:
        'retention keeps nothing: set keepLast, daily, weekly, monthly, yearly or maxAgeDays above 0',
    },
  )
  .refine(
    (retention) =>
      retention.maxAgeDays === undefined ||
      retention.minAgeDays === undefined ||
      retention.minAgeDays <= retention.maxAgeDays,
    { error: 'minAgeDays must not exceed maxAgeDays', path: ['minAgeDays'] },
  );

export const CopyTargetSchema = z.strictObject({
  region: awsRegion,
  retention: RetentionSchema.optional(),
  /** KMS key id, ARN or alias in the destination region; defaults to the DR key the stack creates. */
  kmsKeyId: z.string().min(1).optional(),
  /** Backup bucket in that region for bucket copies; defaults to the one the DR stack creates. */
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, {
      error: (issue) => `expected an S3 bucket name, got ${describe(issue.input)}`,
    })
    .optional(),
});

/** How tagged buckets are copied into the backup buckets. */
export const BucketCopyOptionsSchema = z.strictObject({
  /** Storage class of the copies. */
  storageClass: z
    .enum([
      'STANDARD',
      'STANDARD_IA',
      'ONEZONE_IA',
      'INTELLIGENT_TIERING',
      'GLACIER_IR',
      'GLACIER',
      'DEEP_ARCHIVE',
    ])
    .default('STANDARD'),
  /** Objects larger than this are copied in parts (CopyObject allows at most 5 GiB). */
  multipartThresholdMiB: z.int().min(5).max(5120).default(5120),
  partSizeMiB: z.int().min(5).max(5120).default(512),
  /** Copies in flight per bucket and region. */
  concurrency: z.int().min(1).max(64).default(16),
  /** A manifest part (and a turn) lists at most this many keys; parts are where later runs split. */
  objectsPerPart: z.int().min(1).default(100_000),
  /** Keys per Map child when a later run splits a bucket along its previous manifest's parts. */
  objectsPerRange: z.int().min(1).default(1_000_000),
});
export type BucketCopyOptions = z.infer<typeof BucketCopyOptionsSchema>;

/**
 * Portable copies of boot images: ExportImage to VMDK, VHD or RAW, or CreateStoreImageTask
 * (STORE_TASK, the AMI as an S3 object that CreateRestoreImageTask can bring back).
 */
export const ImageExportSchema = z.strictObject({
  format: z.enum(['VMDK', 'VHD', 'RAW', 'STORE_TASK']),
  /** Key prefix in the export bucket; defaults to `exports/<policy>/`. */
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9!_.*'()/-]*\/$/, { error: 'expected a key prefix ending in "/"' })
    .optional(),
});

export const ImageOptionsSchema = z.strictObject({
  /** Crash-consistent images without stopping the instance (the default). */
  noReboot: z.boolean().default(true),
  export: ImageExportSchema.optional(),
});

/**
 * Scheduled restore tests: boot the newest image of each opted-in instance (or a sample) in the
 * isolated test network and verify it. `sample` N tests the N sources tested longest ago.
 */
export const RestoreTestOptionsSchema = z.strictObject({
  schedule: scheduleExpression(),
  sample: z
    .int({ error: (issue) => `expected a whole number >= 1, got ${describe(issue.input)}` })
    .min(1, { error: (issue) => `expected a whole number >= 1, got ${describe(issue.input)}` })
    .optional(),
  timeoutMinutes: z
    .int({
      error: (issue) => `expected a whole number of minutes >= 1, got ${describe(issue.input)}`,
    })
    .min(1, {
      error: (issue) => `expected a whole number of minutes >= 1, got ${describe(issue.input)}`,
    })
    .max(180, {
      error: (issue) => `expected at most 180 minutes, got ${describe(issue.input)}`,
    })
    .default(20),
  instanceType: z
    .string()
    .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, {
      error: (issue) =>
        `expected an EC2 instance type such as t3.micro, got ${describe(issue.input)}`,
    })
    .default('t3.micro'),
});

/** The scheduled prune of a policy's recovery points (retention applied, with rails). */
export const PruneOptionsSchema = z.strictObject({
  /** When the prune workflow runs, in the policy's time zone. */
  schedule: scheduleExpression().default('cron(0 3 * * ? *)'),
  /** A prune deletes at most this share of a source's points in a region unless forced. */
  maxDeleteFraction: z
    .number({ error: (issue) => `expected a fraction from 0 to 1, got ${describe(issue.input)}` })
    .min(0, { error: (issue) => `expected a fraction from 0 to 1, got ${describe(issue.input)}` })
    .max(1, { error: (issue) => `expected a fraction from 0 to 1, got ${describe(issue.input)}` })
    .default(0.5),
});

/**
 * What restores may use beyond the product's own resources (docs/adr/0012-restore-api.md): the
 * restore roles are scoped to these lists (infra/constructs/restore-allow-lists.ts) and the
 * preflights check them, so a request can name nothing else.
 */
export const RestoreOptionsSchema = z.strictObject({
  /** Instance profiles (by name) a restored instance may be given; none by default. */
  instanceProfiles: z.array(z.string().min(1).max(128)).default([]),
  /** The roles of those profiles (iam:PassRole); default: each profile's own name. */
  instanceProfileRoles: z.array(z.string().min(1).max(64)).optional(),
  /** KMS keys (id, ARN or alias) a restored volume may be encrypted with, beyond the default EBS key. */
  kmsKeyIds: z.array(z.string().min(1)).default([]),
  /** Buckets objects may be restored into; empty: any bucket of the account that is not a backup bucket. */
  targetBuckets: z.array(z.string().min(3).max(63)).default([]),
});
export type RestoreOptions = z.infer<typeof RestoreOptionsSchema>;

export const PolicySchema = z.strictObject({
  schedule: scheduleExpression(),
  timezone: z
    .string()
    .default('UTC')
    .refine(isKnownTimeZone, {
      error: (issue) => `unknown IANA time zone ${describe(issue.input)}`,
    }),
  retention: RetentionSchema,
  copyTo: z.array(CopyTargetSchema).default([]),
  image: ImageOptionsSchema.optional(),
  buckets: BucketCopyOptionsSchema.optional(),
  restoreTest: RestoreTestOptionsSchema.optional(),
  prune: PruneOptionsSchema.optional(),
  description: z.string().optional(),
});

export const BackupConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    primaryRegion: awsRegion,
    /** Alias of the KMS key the DR stacks create; used for copies that name no key. */
    drKeyAlias: z
      .string()
      .regex(/^alias\/[A-Za-z0-9/_-]+$/)
      .default('alias/backup-orchestrator-dr'),
    policies: z.record(z.string(), PolicySchema).superRefine((policies, ctx) => {
      if (Object.keys(policies).length === 0) {
        ctx.addIssue({ code: 'custom', message: 'define at least one policy' });
      }
    }),
    restore: RestoreOptionsSchema.default({
      instanceProfiles: [],
      kmsKeyIds: [],
      targetBuckets: [],
    }),
  })
  .superRefine(
    (config, ctx) => {
      // Runs even when other fields have problems, so it reads the raw value defensively.
      for (const [name, policy] of Object.entries(config.policies ?? {})) {
        const seen = new Set<string>();
        (Array.isArray(policy?.copyTo) ? policy.copyTo : []).forEach((target, index) => {
          if (target.region === config.primaryRegion) {
            ctx.addIssue({
              code: 'custom',
              path: ['policies', name, 'copyTo', index, 'region'],
              message: `a copy must go to another region than primaryRegion ${config.primaryRegion}`,
            });
          }
          if (seen.has(target.region)) {
            ctx.addIssue({
              code: 'custom',
              path: ['policies', name, 'copyTo', index, 'region'],
              message: `region ${target.region} is listed twice`,
            });
          }
          seen.add(target.region);
        });
      }
    },
    { when: () => true },
  );

export type BackupConfig = z.infer<typeof BackupConfigSchema>;
export type Policy = z.infer<typeof PolicySchema>;
export type Retention = z.infer<typeof RetentionSchema>;
export type CopyTarget = z.infer<typeof CopyTargetSchema>;
export type RestoreTestOptions = z.infer<typeof RestoreTestOptionsSchema>;
export type PruneOptions = z.infer<typeof PruneOptionsSchema>;

/** The policy of that name; UnknownPolicyError (listing the defined ones) when there is none. */
export function policyNamed(config: BackupConfig, name: string): Policy {
  const policy = config.policies[name];
  if (!policy) throw new UnknownPolicyError(name, Object.keys(config.policies));
  return policy;
}

/** Validates an already-decoded JSON value; throws ConfigError listing every problem by path. */
export function parseConfig(value: unknown, source = 'backup.config.json'): BackupConfig {
  const result = BackupConfigSchema.safeParse(value, { reportInput: true });
  // Names are checked on the raw input too: zod skips record-level checks once a value fails.
  const nameIssues = policyNameIssues(value);
  if (result.success && nameIssues.length === 0) return result.data;
  const issues = [...(result.success ? [] : toConfigIssues(result.error)), ...nameIssues];
  throw new ConfigError(source, issues);
}

/** Decodes and validates the text of a configuration file. */
export function parseConfigText(text: string, source = 'backup.config.json'): BackupConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(source, [
      { path: '', message: `not valid JSON: ${(error as Error).message}` },
    ]);
  }
  return parseConfig(value, source);
}

function policyNameIssues(value: unknown): ConfigIssue[] {
  const policies = (value as { policies?: unknown } | null)?.policies;
  if (typeof policies !== 'object' || policies === null) return [];
  return Object.keys(policies)
    .filter((name) => !policyNamePattern.test(name))
    .map((name) => ({
      path: `policies.${name}`,
      message: `policy names are 1-64 letters, digits, "-" or "_", got ${describe(name)}`,
    }));
}

export function toConfigIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** JSON Schema for editors, generated from the same zod schema. */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(BackupConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
}

function describe(input: unknown): string {
  if (input === undefined) return 'nothing';
  return JSON.stringify(input) ?? String(input);
}
