/**
 * Imported first by the local runner: in-process runs (CLI --local, tests) keep stdout for the
 * product's own output, so Powertools logs are silenced and EMF metrics are not printed unless
 * the caller asked for them. Module order matters: this must be evaluated before the handlers.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
