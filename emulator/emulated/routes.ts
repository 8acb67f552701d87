import type { IncomingHttpHeaders } from 'node:http';
import type { RenderedResponse } from '../error-responses.js';
import type { PendingHolds } from '../pending-holds.js';
import { checkCopyTargetConditions } from './conditional-copies.js';
import { guestConsoleOutput } from './console-output.js';
import { copiedImageId, decorateDescribeImages } from './describe-images.js';
import type { ExportImageTasks } from './export-image.js';
import type { GuestProfiles } from './guest-profiles.js';
import type { ImageDeprecations } from './image-deprecation.js';
import type { ImageMarkStore } from './image-marks.js';
import { holdDescribeInstanceStatus, holdDescribeInstances } from './instance-holds.js';
import type { InventoryReports } from './inventory-report.js';
import { multipartChecksumRoutes } from './multipart-checksums.js';
import type { SnapshotLocks } from './snapshot-locks.js';
import type { SsmAgent } from './ssm-agent.js';
import type { RestoreImageTasks } from './restore-image-task.js';
import type { StoreImageTasks } from './store-image-task.js';
import { SyntheticBuckets } from './synthetic-bucket.js';
import {
  copyObject,
  copySourceOf,
  headObject,
  listObjectVersions,
  listObjectsV2,
  noSuchBucket,
} from './synthetic-bucket-s3.js';
import type { Upstream } from './upstream.js';
import { EmulatedError, QueryParams } from './wire.js';

/** What the test cloud does with a call instead of (or on top of) forwarding it to moto. */
export interface Interception {
  /** Answer this; moto never sees the request. */
  answer?: RenderedResponse;
  /** Forward to moto, then rewrite its successful (2xx) answer. */
  rewrite?: (body: string) => string;
}

/** A call as its emulation sees it. */
export interface RoutedCall {
  /** The SigV4 credential scope (us-east-1 when the call names none). */
  region: string;
  /** The (form or JSON) request body, when read. */
  body: Buffer | undefined;
  /** The request's path and query (S3 names its bucket there). */
  url: string;
  /** The request's headers (S3's CopyObject names its source there). */
  headers: IncomingHttpHeaders;
}

/** How one operation is handled; undefined: forward it untouched. */
export type Route = (
  call: RoutedCall,
) => Promise<Interception | undefined> | Interception | undefined;

/** The emulations a route may hand a call to (emulated-cloud.ts owns them). */
export interface Emulations {
  upstream: Upstream;
  holds: PendingHolds;
  profiles: GuestProfiles;
  marks: ImageMarkStore;
  deprecations: ImageDeprecations;
  snapshotLocks: SnapshotLocks;
  exports: ExportImageTasks;
  stores: StoreImageTasks;
  restoreImages: RestoreImageTasks;
  ssm: SsmAgent;
  inventory: InventoryReports;
  synthetic: SyntheticBuckets;
}

/** `service:Operation` → its route, for the operations the test cloud emulates or corrects. */
export function emulatedRoutes(e: Emulations): ReadonlyMap<string, Route> {
  return new Map(
    Object.entries({
      ...imageRoutes(e),
      ...snapshotLockRoutes(e),
      ...instanceRoutes(e),
      ...ssmRoutes(e),
      ...inventoryRoutes(e),
      ...multipartChecksumRoutes(e),
      ...syntheticBucketRoutes(e),
    }),
  );
}

function answered(response: RenderedResponse | undefined): Interception | undefined {
  return response === undefined ? undefined : { answer: response };
}

/** An EC2 route: the query protocol's parameters are in the form body. */
function ec2(
  route: (
    region: string,
    params: QueryParams,
  ) => Promise<Interception | undefined> | Interception | undefined,
): Route {
  return ({ region, body }) => route(region, QueryParams.parse(body));
}

/** Forward to moto; once it has succeeded, do `after` (its answer left as it is). */
function afterSuccess(after: () => void): Interception {
  return {
    rewrite: (text) => {
      after();
      return text;
    },
  };
}

/** Exports, store tasks, deprecation and marks (export-image.ts, store-image-task.ts, ...). */
function imageRoutes({
  exports,
  stores,
  restoreImages,
  deprecations,
  marks,
}: Emulations): Record<string, Route> {
  return {
    'ec2:ExportImage': ec2(async (region, params) =>
      answered(await exports.exportImage(region, params)),
    ),
    'ec2:DescribeExportImageTasks': ec2(async (region, params) =>
      answered(await exports.describe(region, params)),
    ),
    // Other export task ids are moto's.
    'ec2:CancelExportTask': ec2((region, params) =>
      params.get('ExportTaskId')?.startsWith('export-ami-') === true
        ? answered(exports.cancel(region, params))
        : undefined,
    ),
    'ec2:CreateStoreImageTask': ec2(async (region, params) =>
      answered(await stores.create(region, params)),
    ),
    'ec2:DescribeStoreImageTasks': ec2(async (region, params) =>
      answered(await stores.describe(region, params)),
    ),
    'ec2:CreateRestoreImageTask': ec2(async (region, params) =>
      answered(await restoreImages.create(region, params)),
    ),
    'ec2:EnableImageDeprecation': ec2(async (region, params) =>
      answered(await deprecations.enable(region, params)),
    ),
    'ec2:DisableImageDeprecation': ec2(async (region, params) =>
      answered(await deprecations.disable(region, params)),
    ),
    'ec2:DescribeImages': () =>
      Object.keys(deprecations.list()).length > 0 || Object.keys(marks.list()).length > 0
        ? { rewrite: (xml) => decorateDescribeImages(xml, deprecations, marks) }
        : undefined,
    // A marked image's copy carries its marks.
    'ec2:CopyImage': ec2((_region, params) => {
      const source = params.get('SourceImageId');
      if (source === undefined || marks.get(source) === undefined) return undefined;
      return {
        rewrite: (xml) => {
          const copy = copiedImageId(xml);
          if (copy !== undefined) marks.copy(source, copy);
          return xml;
        },
      };
    }),
  };
}

/** EBS snapshot locks, and DeleteSnapshot refused while locked (snapshot-locks.ts). */
function snapshotLockRoutes({ snapshotLocks }: Emulations): Record<string, Route> {
  return {
    'ec2:LockSnapshot': ec2(async (region, params) =>
      answered(await snapshotLocks.lock(region, params)),
    ),
    'ec2:UnlockSnapshot': ec2(async (region, params) =>
      answered(await snapshotLocks.unlock(region, params)),
    ),
    'ec2:DescribeLockedSnapshots': ec2((region, params) =>
      answered(snapshotLocks.describe(region, params)),
    ),
    'ec2:DeleteSnapshot': ec2((region, params) => {
      const snapshotId = params.get('SnapshotId');
      // Unlocked: moto's alone. Expired lock: forgotten once moto has deleted the snapshot.
      if (snapshotId === undefined || !snapshotLocks.checkDelete(region, snapshotId))
        return undefined;
      return afterSuccess(() => snapshotLocks.forget(snapshotId));
    }),
  };
}

/** Console output from guest profiles, and instance holds (instance-holds.ts). */
function instanceRoutes({ upstream, profiles, holds }: Emulations): Record<string, Route> {
  return {
    'ec2:GetConsoleOutput': ec2(async (region, params) =>
      answered(await guestConsoleOutput(upstream, profiles, region, params)),
    ),
    'ec2:DescribeInstances': () =>
      holds.hasKind('instance')
        ? { rewrite: (xml) => holdDescribeInstances(holds, xml) }
        : undefined,
    'ec2:DescribeInstanceStatus': () =>
      holds.hasKind('instance')
        ? { rewrite: (xml) => holdDescribeInstanceStatus(holds, xml) }
        : undefined,
  };
}

/** The SSM agent and the guest's self-check (ssm-agent.ts). */
function ssmRoutes({ ssm }: Emulations): Record<string, Route> {
  return {
    'ssm:DescribeInstanceInformation': async ({ region, body }) =>
      answered(await ssm.describeInstanceInformation(region, body)),
    'ssm:SendCommand': async ({ region, body }) => {
      await ssm.checkSendCommand(region, body);
      return { rewrite: (json) => ssm.recordSendCommand(region, json) };
    },
    'ssm:GetCommandInvocation': async ({ region, body }) =>
      answered(await ssm.getCommandInvocation(region, body)),
  };
}

/** moto keeps inventory configurations lossily: remember what it drops, restore it. */
function inventoryRoutes({ inventory }: Emulations): Record<string, Route> {
  return {
    's3:PutBucketInventoryConfiguration': ({ url, body }) => {
      const bucket = pathBucket(url);
      const remember = bucket === undefined ? undefined : inventory.rememberOnSuccess(bucket, body);
      return remember === undefined ? undefined : afterSuccess(remember);
    },
    // Also the List (same sub-resource, no id).
    's3:GetBucketInventoryConfiguration': ({ url }) => {
      const bucket = pathBucket(url);
      return bucket !== undefined && inventory.remembersAny()
        ? { rewrite: (xml) => inventory.correctAnswer(bucket, xml) }
        : undefined;
    },
  };
}

/**
 * Synthetic buckets (synthetic-bucket.ts): their listings, HeadObject and copies from them are
 * answered from the generator; declared copies are listed in their (moto) bucket under
 * `<name>/`. Other calls go to moto, which does not know the bucket.
 */
function syntheticBucketRoutes({ synthetic, upstream }: Emulations): Record<string, Route> {
  const declared = (name: string | undefined) => {
    if (!SyntheticBuckets.isSyntheticName(name)) return undefined;
    const bucket = synthetic.get(name);
    if (bucket === undefined) throw noSuchBucket(name ?? '');
    return bucket;
  };
  return {
    's3:ListObjectsV2': ({ url }) => {
      const name = pathBucket(url);
      const bucket = declared(name);
      if (bucket !== undefined) return { answer: listObjectsV2(bucket, url) };
      const prefix = new URL(url, 'http://test-cloud.invalid').searchParams.get('prefix') ?? '';
      const copiesOf = name === undefined ? undefined : synthetic.copiesListedBy(name, prefix);
      return copiesOf === undefined ? undefined : { answer: listObjectsV2(copiesOf, url, true) };
    },
    's3:ListObjectVersions': ({ url }) => {
      const bucket = declared(pathBucket(url));
      return bucket === undefined ? undefined : { answer: listObjectVersions(bucket, url) };
    },
    's3:HeadObject': ({ url, headers }) => {
      const bucket = declared(pathBucket(url));
      return bucket === undefined ? undefined : { answer: headObject(bucket, url, headers) };
    },
    's3:CopyObject': async (call) => {
      const { url, headers } = call;
      if (SyntheticBuckets.isSyntheticName(pathBucket(url))) throw notEmulated('copies into');
      const bucket = declared(copySourceOf(headers)?.bucket);
      if (bucket !== undefined) return { answer: copyObject(bucket, url, headers) };
      // Conditions on the target, which moto ignores on copies (conditional-copies.ts).
      await checkCopyTargetConditions(upstream, call);
      return undefined;
    },
    's3:UploadPartCopy': ({ headers }) => {
      if (declared(copySourceOf(headers)?.bucket) !== undefined)
        throw notEmulated('multipart copies from');
      return undefined;
    },
  };
}

function notEmulated(what: string): EmulatedError {
  return new EmulatedError(
    501,
    'NotImplemented',
    `the test cloud does not emulate ${what} synthetic buckets`,
  );
}

/** The bucket of a path-style S3 request (`/bucket/key?query`), if any. */
function pathBucket(url: string): string | undefined {
  const first = new URL(url, 'http://test-cloud.invalid').pathname.split('/')[1];
  if (first === undefined || first === '') return undefined;
  try {
    return decodeURIComponent(first);
  } catch {
    return undefined;
  }
}
