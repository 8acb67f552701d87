import { configPath, loadConfigFile } from '../../functions/config/load-config-file.js';
import { InvalidInputError } from '../../functions/core/errors.js';
import { ExitCode } from '../exit-codes.js';
import type { GlobalOptions } from '../global-options.js';
import { listenOnLoopback, localRestoreApi } from '../local-restore-api.js';
import { LocalRestoreWorkflows } from '../../statemachines/local/local-restore-workflows.js';

export interface ServeCommandOptions extends GlobalOptions {
  port?: string;
  catalogTable?: string;
  restoreTable?: string;
}

/**
 * `backupctl serve [--port N]`: the restore API on 127.0.0.1 (issue 11's contract). The base URL
 * is the first line on stdout; SIGTERM (or SIGINT) stops it: no new connections, running local
 * restores stopped, exit 0.
 */
export async function serveCommand(options: ServeCommandOptions): Promise<number> {
  const port = options.port === undefined ? 0 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidInputError(`--port must be 0-65535, got "${options.port}"`);
  }
  const config = loadConfigFile(configPath(options.config));
  const region = options.region ?? config.primaryRegion;
  const { app, workflows } = await localRestoreApi({
    region,
    allowLists: config.restore,
    ...(options.catalogTable ? { catalogTable: options.catalogTable } : {}),
    ...(options.restoreTable ? { restoreTable: options.restoreTable } : {}),
    onServerError: (error, requestId) =>
      process.stderr.write(
        `request ${requestId}: ${error instanceof Error ? error.stack : String(error)}\n`,
      ),
  });
  const listening = await listenOnLoopback(app, port);
  process.stdout.write(`${listening.baseUrl}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await listening.close();
  if (workflows instanceof LocalRestoreWorkflows) await workflows.stopAll();
  return ExitCode.ok;
}
