#!/usr/bin/env node
/**
 * CDK entry point (`cdk.json`: `npx tsx infra/app.ts`). Context: `config` (path of the
 * configuration file), `prefix`, `logRetentionDays`, `vmImportRoleName`, `objectLock`,
 * `objectLockDays`; see infra/settings.ts.
 */
import { ConfigError } from '../functions/core/errors.js';
import { buildApp } from './build-app.js';

try {
  buildApp().app.synth();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
