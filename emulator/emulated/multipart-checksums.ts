import {
  CompleteMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  type CompletedPart,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import type { RenderedResponse } from '../error-responses.js';
import type { Interception, Route, RoutedCall } from './routes.js';
import type { Upstream } from './upstream.js';
import { EmulatedError } from './wire.js';

/**
 * CompleteMultipartUpload's checksum. S3 answers the completion of an upload created with a
 * checksum algorithm with the new object's checksum and its type (`FULL_OBJECT`, or `COMPOSITE`
 * as `…-N`); moto 5.2.1 computes and stores that checksum (HeadObject in checksum mode reports
 * it) but leaves it out of its answer. For such uploads the test cloud completes the upload
 * itself, straight at moto, reads the new version's stored checksum back and answers as S3
 * does (moto's HeadObject drops a composite checksum's type and `-N`: the type is the
 * upload's, as S3 defaults it). Uploads without an algorithm go to moto untouched. The call is
 * counted and faulted like any other (before this runs). Not emulated: the part checksums S3
 * checks on completion.
 */
export function multipartChecksumRoutes({
  upstream,
}: {
  upstream: Upstream;
}): Record<string, Route> {
  return { 's3:CompleteMultipartUpload': (call) => completeWithChecksum(upstream, call) };
}

/** The request body S3 operations whose emulation must read it (emulated-cloud.ts). */
export const MULTIPART_CHECKSUM_BODY_OPERATIONS = ['s3:CompleteMultipartUpload'];

const CHECKSUM_FIELDS = [
  'ChecksumCRC32',
  'ChecksumCRC32C',
  'ChecksumCRC64NVME',
  'ChecksumSHA1',
  'ChecksumSHA256',
] as const;
type Checksums = Partial<Record<(typeof CHECKSUM_FIELDS)[number] | 'ChecksumType', string>>;

async function completeWithChecksum(
  upstream: Upstream,
  call: RoutedCall,
): Promise<Interception | undefined> {
  const target = uploadOf(call.url);
  if (target === undefined || call.body === undefined) return undefined;
  const client = upstream.s3Client(call.region);
  const { Bucket, Key, UploadId } = target;
  const listed = await client.send(new ListMultipartUploadsCommand({ Bucket, Prefix: Key }));
  const upload = listed.Uploads?.find((each) => each.UploadId === UploadId && each.Key === Key);
  if (upload?.ChecksumAlgorithm === undefined) return undefined;
  // As S3 defaults it; moto's HeadObject reports neither the type nor a composite's "-N".
  const type =
    upload.ChecksumType ?? (upload.ChecksumAlgorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
  const parts = partsOf(call.body.toString('utf8'));
  let done;
  let head: HeadObjectCommandOutput;
  try {
    done = await client.send(
      new CompleteMultipartUploadCommand({
        ...target,
        MultipartUpload: { Parts: parts },
      }),
    );
    head = await client.send(
      new HeadObjectCommand({
        Bucket,
        Key,
        ChecksumMode: 'ENABLED',
        ...(done.VersionId ? { VersionId: done.VersionId } : {}),
      }),
    );
  } catch (error) {
    const failed = error as Error & { $metadata?: { httpStatusCode?: number } };
    throw new EmulatedError(failed.$metadata?.httpStatusCode ?? 500, failed.name, failed.message);
  }
  return { answer: completed(done, checksumsOf(head, type, parts.length)) };
}

/** Bucket, key and upload id of a path-style `POST /bucket/key?uploadId=…`. */
function uploadOf(url: string): { Bucket: string; Key: string; UploadId: string } | undefined {
  const parsed = new URL(url, 'http://test-cloud.invalid');
  const [, bucket, ...key] = parsed.pathname.split('/');
  const uploadId = parsed.searchParams.get('uploadId');
  if (!bucket || key.length === 0 || !uploadId) return undefined;
  try {
    return {
      Bucket: decodeURIComponent(bucket),
      Key: key.map(decodeURIComponent).join('/'),
      UploadId: uploadId,
    };
  } catch {
    return undefined;
  }
}

/** The `<Part>`s of a CompleteMultipartUpload body, with their ETags and checksums. */
function partsOf(xml: string): CompletedPart[] {
  return [...xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map(([, inner = '']) => {
    const fields = Object.fromEntries(
      [...inner.matchAll(/<(\w+)>([^<]*)<\/\1>/g)].map(([, name = '', value = '']) => [
        name,
        unescapeXml(value),
      ]),
    );
    const part: CompletedPart = { PartNumber: Number(fields.PartNumber), ETag: fields.ETag };
    for (const field of CHECKSUM_FIELDS) if (fields[field]) part[field] = fields[field];
    return part;
  });
}

/** The stored checksum as S3 answers it: with its type, a composite one as `…-N`. */
function checksumsOf(head: HeadObjectCommandOutput, type: string, partCount: number): Checksums {
  const found: Checksums = {};
  for (const field of CHECKSUM_FIELDS) {
    const value = head[field];
    if (value === undefined) continue;
    found[field] = type === 'COMPOSITE' && !value.includes('-') ? `${value}-${partCount}` : value;
    found.ChecksumType = type;
  }
  return found;
}

/** S3's answer: moto's completion with the stored checksum and its type. */
function completed(
  done: { Location?: string; Bucket?: string; Key?: string; ETag?: string } & {
    VersionId?: string;
    ServerSideEncryption?: string;
    SSEKMSKeyId?: string;
  },
  checksums: Checksums,
): RenderedResponse {
  const element = (name: string, value: string | undefined) =>
    value === undefined ? '' : `<${name}>${escapeXml(value)}</${name}>`;
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    element('Location', done.Location) +
    element('Bucket', done.Bucket) +
    element('Key', done.Key) +
    element('ETag', done.ETag) +
    CHECKSUM_FIELDS.map((field) => element(field, checksums[field])).join('') +
    element('ChecksumType', checksums.ChecksumType) +
    '</CompleteMultipartUploadResult>';
  const headers: Record<string, string> = { 'content-type': 'application/xml' };
  if (done.VersionId) headers['x-amz-version-id'] = done.VersionId;
  if (done.ServerSideEncryption)
    headers['x-amz-server-side-encryption'] = done.ServerSideEncryption;
  if (done.SSEKMSKeyId) headers['x-amz-server-side-encryption-aws-kms-key-id'] = done.SSEKMSKeyId;
  return { status: 200, headers, body };
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function unescapeXml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&');
}
