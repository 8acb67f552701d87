/**
 * Names S3 REST requests after the API operation they are (GetObject, UploadPartCopy...),
 * from method, path and query alone, for path-style URLs (`/bucket/key`), which is what
 * SDK clients use against an IP endpoint such as the emulator's.
 */

/** Bucket sub-resources (`?tagging`) and the noun their Get/Put/Delete operations use. */
const BUCKET_SUBRESOURCES: Record<string, string> = {
  accelerate: 'BucketAccelerateConfiguration',
  acl: 'BucketAcl',
  analytics: 'BucketAnalyticsConfiguration',
  cors: 'BucketCors',
  encryption: 'BucketEncryption',
  'intelligent-tiering': 'BucketIntelligentTieringConfiguration',
  inventory: 'BucketInventoryConfiguration',
  lifecycle: 'BucketLifecycleConfiguration',
  logging: 'BucketLogging',
  metrics: 'BucketMetricsConfiguration',
  notification: 'BucketNotificationConfiguration',
  'object-lock': 'ObjectLockConfiguration',
  ownershipControls: 'BucketOwnershipControls',
  policy: 'BucketPolicy',
  publicAccessBlock: 'PublicAccessBlock',
  replication: 'BucketReplication',
  requestPayment: 'BucketRequestPayment',
  tagging: 'BucketTagging',
  versioning: 'BucketVersioning',
  website: 'BucketWebsite',
};

/** Object sub-resources and their nouns. */
const OBJECT_SUBRESOURCES: Record<string, string> = {
  acl: 'ObjectAcl',
  attributes: 'ObjectAttributes',
  'legal-hold': 'ObjectLegalHold',
  retention: 'ObjectRetention',
  tagging: 'ObjectTagging',
};

const VERB: Record<string, string> = { GET: 'Get', PUT: 'Put', DELETE: 'Delete' };

export function s3OperationName(
  method: string,
  url: URL,
  headers: Record<string, unknown>,
): string {
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const q = url.searchParams;
  const copying = headers['x-amz-copy-source'] !== undefined;
  if (segments.length === 0) return method === 'GET' ? 'ListBuckets' : `${method} /`;
  if (segments.length === 1) return bucketOperation(method, q);
  return objectOperation(method, q, copying);
}

function subresource(q: URLSearchParams, table: Record<string, string>): string | undefined {
  for (const key of q.keys()) {
    const noun = table[key];
    if (noun !== undefined) return noun;
  }
  return undefined;
}

function bucketOperation(method: string, q: URLSearchParams): string {
  if (method === 'HEAD') return 'HeadBucket';
  if (method === 'POST' && q.has('delete')) return 'DeleteObjects';
  if (method === 'GET') {
    if (q.get('list-type') === '2') return 'ListObjectsV2';
    if (q.has('versions')) return 'ListObjectVersions';
    if (q.has('uploads')) return 'ListMultipartUploads';
    if (q.has('location')) return 'GetBucketLocation';
  }
  const noun = subresource(q, BUCKET_SUBRESOURCES);
  const verb = VERB[method];
  if (noun !== undefined && verb !== undefined) return `${verb}${noun}`;
  if (method === 'GET') return 'ListObjects';
  if (method === 'PUT') return 'CreateBucket';
  if (method === 'DELETE') return 'DeleteBucket';
  return `${method} bucket`;
}

function objectOperation(method: string, q: URLSearchParams, copying: boolean): string {
  const inUpload = q.has('uploadId');
  switch (method) {
    case 'HEAD':
      return 'HeadObject';
    case 'POST':
      if (q.has('uploads')) return 'CreateMultipartUpload';
      if (inUpload) return 'CompleteMultipartUpload';
      if (q.has('restore')) return 'RestoreObject';
      if (q.has('select')) return 'SelectObjectContent';
      return 'POST object';
    case 'PUT':
      if (inUpload && q.has('partNumber')) return copying ? 'UploadPartCopy' : 'UploadPart';
      break;
    case 'GET':
      if (inUpload) return 'ListParts';
      break;
    case 'DELETE':
      if (inUpload) return 'AbortMultipartUpload';
      break;
  }
  const noun = subresource(q, OBJECT_SUBRESOURCES);
  const verb = VERB[method];
  if (noun !== undefined && verb !== undefined) return `${verb}${noun}`;
  if (method === 'PUT') return copying ? 'CopyObject' : 'PutObject';
  if (method === 'GET') return 'GetObject';
  if (method === 'DELETE') return 'DeleteObject';
  return `${method} object`;
}
