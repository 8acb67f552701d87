import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { RoutedCall } from './routes.js';
import type { Upstream } from './upstream.js';
import { EmulatedError } from './wire.js';

/**
 * CopyObject's conditional writes on its TARGET, which S3 honours and moto 5.2.1 ignores on
 * copies (it checks them on PutObject only): `If-None-Match: *` (write only if the key is
 * absent) and `If-Match: <etag>` (write only over that object). Minimal semantics: the test cloud
 * HEADs the target at moto and refuses with S3's 412 PreconditionFailed when the condition does
 * not hold; otherwise moto copies. Check and copy are two requests, so the test cloud's check is
 * not atomic as S3's is; the objects restore (functions/steps/restore/) relies on the condition
 * only to close the race between its own HEAD and its copy.
 */
export async function checkCopyTargetConditions(
  upstream: Upstream,
  call: RoutedCall,
): Promise<void> {
  const ifNoneMatch = header(call, 'if-none-match');
  const ifMatch = header(call, 'if-match');
  if (ifNoneMatch === undefined && ifMatch === undefined) return;
  const target = pathTarget(call.url);
  if (target === undefined) return;
  const etag = await currentEtag(upstream, call.region, target);
  const unquoted = (value: string) => value.replace(/"/g, '');
  const holds =
    (ifNoneMatch === undefined || (ifNoneMatch.trim() === '*' && etag === undefined)) &&
    (ifMatch === undefined || (etag !== undefined && unquoted(ifMatch) === unquoted(etag)));
  if (!holds)
    throw new EmulatedError(
      412,
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
    );
}

function header(call: RoutedCall, name: string): string | undefined {
  const value = call.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The bucket and key of a path-style request (`/bucket/key?query`). */
function pathTarget(url: string): { Bucket: string; Key: string } | undefined {
  const [, bucket, ...key] = new URL(url, 'http://test-cloud.invalid').pathname.split('/');
  if (!bucket || key.length === 0) return undefined;
  return { Bucket: decodeURIComponent(bucket), Key: decodeURIComponent(key.join('/')) };
}

async function currentEtag(
  upstream: Upstream,
  region: string,
  target: { Bucket: string; Key: string },
): Promise<string | undefined> {
  try {
    return (await upstream.s3Client(region).send(new HeadObjectCommand(target))).ETag;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return undefined;
    throw error;
  }
}
