/**
 * The tools the bucket-sync benchmark compares: the product's CLI and its peers (`aws s3 sync`
 * from Debian's awscli, `rclone sync` from Debian's rclone), each a child process pointed at the
 * same counting endpoint with dummy credentials, each syncing into its own destination bucket.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable, runMeasured, versionOf, type Measured } from './measure.js';

export const INSTALL_HINT = 'apt-get install -y awscli rclone';

export interface SyncContext {
  /** The counting test cloud in front of moto. */
  endpoint: string;
  sourceBucket: string;
  sourceRegion: string;
  destinationRegion: string;
  /** Scratch directory for config files and HOME. */
  workDir: string;
  /** Repository root (where bin/backupctl.js is). */
  repoRoot: string;
  timeoutMs: number;
  /** Objects above this size are copied in parts of this size, by every tool. */
  multipartMiB: number;
}

export interface SyncTool {
  name: string;
  destinationBucket: string;
  /** Why the tool cannot run here, or undefined when it can. */
  unavailable: string | undefined;
  /** Version line(s) for the report. */
  version: string;
  /** Before the first phase (e.g. tagging the source bucket, writing config). */
  prepare?(context: SyncContext): Promise<void>;
  /** One sync of the source into `destinationBucket` under the prefix `<sourceBucket>/`. */
  run(context: SyncContext, phase: string): Promise<Measured>;
}

const DUMMY_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' };

/** A clean environment: PATH and locale from ours, nothing else that could redirect a tool. */
function baseEnv(context: SyncContext): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    LANG: process.env.LANG ?? 'C.UTF-8',
    LC_ALL: process.env.LC_ALL ?? 'C.UTF-8',
    HOME: context.workDir,
    ...DUMMY_CREDENTIALS,
  };
}

// ---------------------------------------------------------------------------------- aws s3 sync

/**
 * Debian's awscli package installs `/usr/bin/aws`; a pip or pyenv `aws` earlier on PATH may be
 * v1. Prefer any v2 we can find, else take what there is and say so.
 */
function findAwsCli(): { path?: string; version: string; note?: string } {
  const candidates = [...new Set([findExecutable('aws'), '/usr/bin/aws'])].filter(
    (path): path is string => path !== undefined && findExecutable(path) !== undefined,
  );
  const found = candidates.map((path) => ({ path, version: versionOf(path, ['--version']) }));
  const v2 = found.find((entry) => entry.version?.startsWith('aws-cli/2'));
  if (v2) return { path: v2.path, version: v2.version! };
  const any = found.find((entry) => entry.version !== undefined);
  if (any)
    return {
      path: any.path,
      version: any.version!,
      note: 'AWS CLI v1, not the v2 the issue asks for',
    };
  return { version: 'not installed' };
}

export function awsCliTool(destinationBucket: string): SyncTool {
  const cli = findAwsCli();
  const label = cli.version.split(' ')[0] ?? 'aws';
  return {
    name: `aws s3 sync (${label}${cli.note ? `, ${cli.note}` : ''})`,
    destinationBucket,
    unavailable: cli.path ? undefined : `peer aws not installed: ${INSTALL_HINT}`,
    version: `${cli.path ?? 'aws'}: ${cli.version}`,
    async prepare(context) {
      // The CLI's multipart settings for copies (its threshold is inclusive, MB meaning MiB).
      writeFileSync(
        join(context.workDir, 'aws-config'),
        `[default]\ns3 =\n  multipart_threshold = ${context.multipartMiB}MB\n` +
          `  multipart_chunksize = ${context.multipartMiB}MB\n`,
      );
    },
    run(context) {
      return runMeasured(
        cli.path!,
        [
          's3',
          'sync',
          `s3://${context.sourceBucket}`,
          `s3://${destinationBucket}/${context.sourceBucket}/`,
          '--endpoint-url',
          context.endpoint,
          '--region',
          context.sourceRegion,
          '--no-progress',
          '--only-show-errors',
        ],
        {
          env: {
            ...baseEnv(context),
            AWS_CONFIG_FILE: join(context.workDir, 'aws-config'),
            AWS_SHARED_CREDENTIALS_FILE: join(context.workDir, 'aws-credentials-none'),
            AWS_EC2_METADATA_DISABLED: 'true',
            AWS_PAGER: '',
          },
          timeoutMs: context.timeoutMs,
        },
      );
    },
  };
}

// --------------------------------------------------------------------------------- rclone sync

export function rcloneTool(
  destinationBucket: string,
  variant: { label: string; flags: string[] },
): SyncTool {
  const path = findExecutable('rclone');
  const version = path ? (versionOf(path, ['version'])?.split('\n')[0] ?? '?') : 'not installed';
  return {
    name: `rclone sync ${variant.label} (${version.replace(/^rclone /, '')})`,
    destinationBucket,
    unavailable: path ? undefined : `peer rclone not installed: ${INSTALL_HINT}`,
    version: `${path ?? 'rclone'}: ${version}`,
    run(context) {
      return runMeasured(
        path!,
        [
          'sync',
          `emu:${context.sourceBucket}`,
          `emu:${destinationBucket}/${context.sourceBucket}`,
          ...variant.flags,
          // Server-side copies above the cutoff are multipart, in parts of the cutoff's size.
          '--s3-copy-cutoff',
          `${context.multipartMiB}Mi`,
          '--log-level',
          'ERROR',
        ],
        {
          env: {
            ...baseEnv(context),
            RCLONE_CONFIG: join(context.workDir, 'rclone.conf'),
            RCLONE_CONFIG_EMU_TYPE: 's3',
            RCLONE_CONFIG_EMU_PROVIDER: 'Other',
            RCLONE_CONFIG_EMU_ENDPOINT: context.endpoint,
            RCLONE_CONFIG_EMU_ACCESS_KEY_ID: DUMMY_CREDENTIALS.AWS_ACCESS_KEY_ID,
            RCLONE_CONFIG_EMU_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
            RCLONE_CONFIG_EMU_FORCE_PATH_STYLE: 'true',
            RCLONE_CONFIG_EMU_REGION: context.sourceRegion,
          },
          timeoutMs: context.timeoutMs,
        },
      );
    },
  };
}

// ------------------------------------------------------------------------------------ product

export const PRODUCT_POLICY = 'benchsync';

/**
 * Whether `backupctl backup` copies buckets yet: a bucket step in functions/steps and a bucket
 * branch in the backup workflow. Returns why not, or undefined.
 */
export function productBucketSyncMissing(repoRoot: string): string | undefined {
  const steps = join(repoRoot, 'functions', 'steps');
  const asl = join(repoRoot, 'statemachines', 'backup.asl.json');
  const hasStep = readdirNames(steps).some((name) => /bucket|object/i.test(name));
  const hasBranch = existsSync(asl) && /bucket/i.test(readFileSync(asl, 'utf8'));
  if (hasStep && hasBranch) return undefined;
  return (
    'product bucket sync not available yet ' +
    `(${[!hasStep && 'no bucket step in functions/steps', !hasBranch && 'no bucket branch in statemachines/backup.asl.json'].filter(Boolean).join('; ')})`
  );
}

function readdirNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The product's config for the benchmark: one policy whose copy target names the destination
 * bucket. The copy target's bucket field is the one functions/core/config.ts defines.
 */
export function productConfig(
  destinationRegion: string,
  destinationBucket: string,
  multipartMiB: number,
): unknown {
  return {
    primaryRegion: 'us-east-1',
    policies: {
      [PRODUCT_POLICY]: {
        schedule: 'cron(0 3 * * ? *)',
        retention: { daily: 7 },
        copyTo: [{ region: destinationRegion, bucket: destinationBucket }],
        buckets: { multipartThresholdMiB: multipartMiB, partSizeMiB: multipartMiB },
      },
    },
  };
}

/** The project's Node (node_modules/.bin/node, Node 24) when installed, else ours. */
export function productNode(repoRoot: string): string {
  const local = join(repoRoot, 'node_modules', '.bin', 'node');
  return existsSync(local) ? local : process.execPath;
}

export function productTool(
  destinationBucket: string,
  options: { repoRoot: string; tagSource: () => Promise<void> },
): SyncTool {
  const missing = productBucketSyncMissing(options.repoRoot);
  let configFile = '';
  return {
    name: 'backupctl backup --local (product)',
    destinationBucket,
    unavailable: missing,
    version: `${productNode(options.repoRoot)} bin/backupctl.js (TypeScript through tsx)`,
    async prepare(context) {
      configFile = join(context.workDir, 'backup.config.json');
      writeFileSync(
        configFile,
        JSON.stringify(
          productConfig(context.destinationRegion, destinationBucket, context.multipartMiB),
          null,
          2,
        ),
      );
      await options.tagSource();
    },
    run(context, phase) {
      const runId = `bench-${phase}-${Date.now()}`;
      return runMeasured(
        productNode(context.repoRoot),
        [
          join(context.repoRoot, 'bin', 'backupctl.js'),
          '--config',
          configFile,
          '--local',
          '--json',
          'backup',
          '--policy',
          PRODUCT_POLICY,
          '--run-id',
          runId,
        ],
        {
          env: {
            ...baseEnv(context),
            AWS_ENDPOINT_URL: context.endpoint,
            AWS_REGION: context.sourceRegion,
            CATALOG_TABLE_NAME: 'bench-bucket-sync-catalog',
          },
          cwd: context.repoRoot,
          timeoutMs: context.timeoutMs,
        },
      );
    },
  };
}
