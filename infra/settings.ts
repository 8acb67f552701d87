import type { Construct } from 'constructs';

/**
 * Deployment settings read from CDK context (`cdk.json` or `-c key=value`), with defaults:
 *
 * - `prefix` (default `backup-orchestrator`): stack names (`<prefix>-stateful`,
 *   `<prefix>-stateless`, `<prefix>-dr-<region>`) and physical names (state machine,
 *   schedule group, key alias).
 * - `config`: path of the configuration file (else $BACKUP_CONFIG, else ./backup.config.json).
 * - `logRetentionDays` (default 90): retention of every log group the app creates.
 * - `vmImportRoleName` (default `<prefix>-vmimport`): name of the VM Import/Export service role
 *   that ExportImage writes exports to S3 with (it is passed by name, so the name is fixed).
 * - `objectLock` (default false): create every DR region's backup bucket with S3 Object Lock and
 *   a GOVERNANCE default retention, so that no copy or manifest can be overwritten or deleted
 *   for `objectLockDays` (default 7) without `s3:BypassGovernanceRetention`. Decide before the
 *   first deployment: Object Lock cannot be turned off on a bucket once on.
 */
export interface Settings {
  readonly prefix: string;
  readonly logRetentionDays: number;
  readonly vmImportRoleName: string;
  /** Default retention (days) of backup bucket Object Lock; undefined when Object Lock is off. */
  readonly objectLockDays: number | undefined;
}

export const DEFAULT_PREFIX = 'backup-orchestrator';
export const DEFAULT_LOG_RETENTION_DAYS = 90;
export const DEFAULT_OBJECT_LOCK_DAYS = 7;

const prefixPattern = /^[a-z][a-z0-9-]{0,31}$/;

export function readSettings(scope: Construct): Settings {
  const prefix = String(scope.node.tryGetContext('prefix') ?? DEFAULT_PREFIX);
  if (!prefixPattern.test(prefix)) {
    throw new Error(
      `context "prefix" must be 1-32 lower-case letters, digits or "-", starting with a letter; got ${JSON.stringify(prefix)}`,
    );
  }
  const rawRetention = scope.node.tryGetContext('logRetentionDays') ?? DEFAULT_LOG_RETENTION_DAYS;
  const logRetentionDays = Number(rawRetention);
  if (!Number.isInteger(logRetentionDays) || logRetentionDays <= 0) {
    throw new Error(
      `context "logRetentionDays" must be a whole number of days, got ${JSON.stringify(rawRetention)}`,
    );
  }
  const vmImportRoleName = String(
    scope.node.tryGetContext('vmImportRoleName') ?? `${prefix}-vmimport`,
  );
  if (!roleNamePattern.test(vmImportRoleName)) {
    throw new Error(
      `context "vmImportRoleName" must be an IAM role name (1-64 letters, digits or +=,.@_-); got ${JSON.stringify(vmImportRoleName)}`,
    );
  }
  return { prefix, logRetentionDays, vmImportRoleName, objectLockDays: readObjectLock(scope) };
}

/** `-c objectLock=true` arrives as a string; JSON context (cdk.json) as a boolean. */
function readObjectLock(scope: Construct): number | undefined {
  const raw = scope.node.tryGetContext('objectLock') ?? false;
  if (raw !== true && raw !== false && raw !== 'true' && raw !== 'false') {
    throw new Error(`context "objectLock" must be true or false; got ${JSON.stringify(raw)}`);
  }
  if (raw === false || raw === 'false') return undefined;
  const rawDays = scope.node.tryGetContext('objectLockDays') ?? DEFAULT_OBJECT_LOCK_DAYS;
  const days = Number(rawDays);
  if (!Number.isInteger(days) || days <= 0 || days > 36500) {
    throw new Error(
      `context "objectLockDays" must be a whole number of days from 1 to 36500, got ${JSON.stringify(rawDays)}`,
    );
  }
  return days;
}

const roleNamePattern = /^[\w+=,.@-]{1,64}$/;

export const stackNames = {
  stateful: (prefix: string) => `${prefix}-stateful`,
  stateless: (prefix: string) => `${prefix}-stateless`,
  dr: (prefix: string, region: string) => `${prefix}-dr-${region}`,
};
