import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { BackupConfig } from '../functions/core/config.js';
import { drRegionsOfConfig } from '../functions/core/dr-regions.js';
import { configPath, loadConfigFile } from '../functions/config/load-config-file.js';
import { noncurrentVersionDays } from './constructs/backup-bucket.js';
import { readSettings, stackNames } from './settings.js';
import { DrRegionStack } from './stacks/dr-region-stack.js';
import { StatefulStack } from './stacks/stateful-stack.js';
import { StatelessStack } from './stacks/stateless-stack.js';

export interface BuildAppOptions {
  /** The parsed configuration; else the file named by context `config`, $BACKUP_CONFIG or ./backup.config.json. */
  readonly config?: BackupConfig;
  /** Cloud assembly directory; else the CDK CLI's, else a temporary one. */
  readonly outdir?: string;
  /** Extra CDK context (`prefix`, `logRetentionDays`, ...). */
  readonly context?: Record<string, unknown>;
  /** Register cdk-nag's AwsSolutions checks (default true). */
  readonly nag?: boolean;
  /** Bundle the Lambda code with esbuild (default true); false synthesizes faster with placeholder assets. */
  readonly bundle?: boolean;
  /** Account of every stack; else $CDK_DEFAULT_ACCOUNT, else account-agnostic. */
  readonly account?: string;
}

export interface BackupApp {
  readonly app: App;
  readonly config: BackupConfig;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
  /** One stack per DR region, keyed by region. */
  readonly dr: Readonly<Record<string, DrRegionStack>>;
}

/**
 * Context every build starts from (cdk.json and `-c` override it). Cross-stack references (the
 * stateless stack reading the catalog table and key of the stateful stack) are locked to
 * "strong" (Export/ImportValue): the stateful stack cannot lose what a deployed stack uses.
 * Server access logs are delivered under a bucket policy for the S3 logging service (not the
 * legacy LogDeliveryWrite ACL), so the log bucket can keep ACLs disabled.
 */
export const DEFAULT_CONTEXT: Readonly<Record<string, unknown>> = {
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
};

/**
 * Builds the whole CDK app from a configuration: the stateful stack and the stateless stack in
 * the primary region, and one DR stack per copy region. Throws ConfigError (every problem listed
 * by path) when the configuration file is invalid.
 */
export function buildApp(options: BuildAppOptions = {}): BackupApp {
  const context: Record<string, unknown> = { ...DEFAULT_CONTEXT, ...options.context };
  if (options.bundle === false) context['aws:cdk:bundling-stacks'] = [];
  const app = new App({ ...(options.outdir ? { outdir: options.outdir } : {}), context });
  const contextConfig = app.node.tryGetContext('config') as string | undefined;
  const config = options.config ?? loadConfigFile(configPath(contextConfig));
  const settings = readSettings(app);
  const account = options.account ?? process.env.CDK_DEFAULT_ACCOUNT;
  const env = (region: string) => ({ region, ...(account ? { account } : {}) });

  const stateful = new StatefulStack(app, stackNames.stateful(settings.prefix), {
    env: env(config.primaryRegion),
    prefix: settings.prefix,
    vmImportRoleName: settings.vmImportRoleName,
    description:
      'Backup orchestrator: primary KMS key, recovery-point catalog, image export bucket (retained)',
  });

  const drRegions = drRegionsOfConfig(config);
  const dr: Record<string, DrRegionStack> = {};
  for (const region of drRegions) {
    dr[region] = new DrRegionStack(app, stackNames.dr(settings.prefix, region), {
      env: env(region),
      prefix: settings.prefix,
      keyAlias: config.drKeyAlias,
      noncurrentVersionDays: noncurrentVersionDays(config, region),
      objectLockDays: settings.objectLockDays,
      description: `Backup orchestrator: DR key and backup bucket for copies in ${region} (retained)`,
    });
  }

  const stateless = new StatelessStack(app, stackNames.stateless(settings.prefix), {
    env: env(config.primaryRegion),
    prefix: settings.prefix,
    config,
    catalog: stateful.catalog,
    restores: stateful.restores,
    exportDestination: stateful.exportDestination.exportReferences(),
    key: stateful.key,
    logRetentionDays: settings.logRetentionDays,
    description:
      'Backup orchestrator: functions, state machines, restore-test network, schedules and alarms',
  });
  // No reference crosses a region (the DR keys are found by alias, the backup buckets by their
  // deterministic names), but both must exist before the first scheduled copy: deploy the DR
  // stacks first.
  for (const stack of Object.values(dr))
    stateless.addStackDependency(stack, 'DR keys and backup buckets must exist before copies run');

  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, config, stateful, stateless, dr };
}
