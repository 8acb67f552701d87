import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { ensureCatalogTable } from '../functions/adapters/dynamodb-recovery-point-catalog.js';
import { ensureRestoreTable } from '../functions/adapters/dynamodb-restore-store.js';
import {
  configuredCredentials,
  type AwsCredentialIdentityProvider,
  SignatureRejectedError,
  verifyApiSignature,
} from '../functions/adapters/sigv4-requests.js';
import { HttpProblemError } from '../functions/api/problem-details.js';
import { restoreApp, type SignedRequest } from '../functions/api/restore-app.js';
import { realRestoreServicePorts } from '../functions/api/restore-service-ports.js';
import { RestoreService, type RestoreServicePorts } from '../functions/api/restore-service.js';
import { catalogEnvironment } from '../functions/environment/catalog-environment.js';
import {
  restoreAllowListsEnvironment,
  restoreEnvironment,
} from '../functions/environment/restore-environment.js';
import type { RestoreWorkflows } from '../functions/ports/restore-workflows.js';
import { LocalRestoreWorkflows } from '../statemachines/local/local-restore-workflows.js';
import { catalogTableName, usingCustomEndpoint } from './global-options.js';

export interface LocalRestoreApiSettings {
  /** The primary region: where the tables are, and the SigV4 scope requests must be signed for. */
  region: string;
  catalogTable?: string;
  restoreTable?: string;
  /** Default: the local runner (the registry's restore workflows in this process). */
  workflows?: RestoreWorkflows;
  /** Replaces some of the real ports (a test's preflights, say). */
  ports?: Partial<RestoreServicePorts>;
  /** The configuration's `restore` allow-lists the preflights check (default: none). */
  allowLists?: { instanceProfiles: readonly string[]; targetBuckets: readonly string[] };
  /** Told of every 5xx (serve prints it on stderr). */
  onServerError?: (error: unknown, requestId: string) => void;
}

/** The restore table: flag, else $RESTORE_TABLE_NAME, else the name the stack gives it. */
function restoreTable(explicit?: string): string {
  return explicit ?? process.env.RESTORE_TABLE_NAME ?? 'backup-orchestrator-restores';
}

/** What the local service and the workflows' handlers read (functions/environment/). */
export function localRestoreApiEnvironment(
  settings: Pick<
    LocalRestoreApiSettings,
    'region' | 'catalogTable' | 'restoreTable' | 'allowLists'
  >,
): Record<string, string> {
  return {
    ...(process.env as Record<string, string>),
    ...catalogEnvironment.render({ tableName: catalogTableName(settings.catalogTable) }),
    ...restoreEnvironment.render({ tableName: restoreTable(settings.restoreTable) }),
    ...restoreAllowListsEnvironment.render({
      instanceProfiles: (settings.allowLists?.instanceProfiles ?? []).join(','),
      targetBuckets: (settings.allowLists?.targetBuckets ?? []).join(','),
    }),
    AWS_REGION: settings.region,
  };
}

/**
 * The restore service's real ports against the endpoint the CLI uses (the tables created on an
 * emulator when missing), its workflows run by the local runner unless others are given: what
 * `backupctl serve` and `backupctl restore --local` run the service on.
 */
export async function localRestoreServicePorts(
  settings: Omit<LocalRestoreApiSettings, 'onServerError'>,
): Promise<{ workflows: RestoreWorkflows; ports: RestoreServicePorts }> {
  const environment = localRestoreApiEnvironment(settings);
  if (usingCustomEndpoint()) {
    await ensureCatalogTable(catalogTableName(settings.catalogTable), settings.region);
    await ensureRestoreTable(restoreTable(settings.restoreTable), settings.region);
  }
  const workflows =
    settings.workflows ??
    new LocalRestoreWorkflows({ environment, ...(usingCustomEndpoint() ? { waitMs: 0 } : {}) });
  return {
    workflows,
    ports: { ...realRestoreServicePorts(environment, workflows), ...settings.ports },
  };
}

/**
 * The restore API as `backupctl serve` runs it: the same app as the Lambda, over the real ports
 * against the endpoint the CLI uses (the test cloud when AWS_ENDPOINT_URL is set; its tables
 * created when missing), its workflows run by the local runner, and every request's SigV4
 * signature verified against the configured credentials (API Gateway's AWS_IAM, locally).
 */
export async function localRestoreApi(settings: LocalRestoreApiSettings) {
  const { workflows, ports } = await localRestoreServicePorts(settings);
  const app = restoreApp({
    service: new RestoreService(ports),
    authorize: sigV4Authorizer(settings.region, configuredCredentials()),
    ...(settings.onServerError ? { onServerError: settings.onServerError } : {}),
  });
  return { app, workflows, ports };
}

/** API Gateway's AWS_IAM check, locally: a request not signed by these credentials is a 403. */
export function sigV4Authorizer(
  region: string,
  credentials: AwsCredentialIdentityProvider,
): (request: SignedRequest) => Promise<void> {
  return async (request) => {
    try {
      await verifyApiSignature(request, region, credentials);
    } catch (error) {
      if (!(error instanceof SignatureRejectedError)) throw error;
      throw new HttpProblemError(403, 'signature-rejected', error.message);
    }
  };
}

/** Serves an app on 127.0.0.1 (`port` 0: a free one); resolves with its base URL, `…/v1`. */
export function listenOnLoopback(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  port = 0,
): Promise<{ server: ServerType; baseUrl: string; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, (info: AddressInfo) =>
      resolve({
        server,
        baseUrl: `http://127.0.0.1:${info.port}/v1`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      }),
    );
    server.once('error', reject);
  });
}
