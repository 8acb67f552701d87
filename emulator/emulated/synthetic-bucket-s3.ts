import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RenderedResponse } from '../error-responses.js';
import {
  copyOf,
  isChecksumAlgorithm,
  syntheticChecksum,
  syntheticCopy,
  syntheticIndexOf,
  syntheticObject,
  versionOf,
  type SyntheticBucketState,
  type SyntheticObject,
} from './synthetic-bucket.js';
import { EmulatedError } from './wire.js';

/**
 * The S3 answers of a synthetic bucket (synthetic-bucket.ts): ListObjectsV2, ListObjectVersions
 * and HeadObject of its generated objects, ListObjectsV2 of its declared copies, and CopyObject
 * from it (acknowledged, nothing written), rendered as S3 renders them.
 */

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const PAGE_LIMIT = 1000;

/** S3's own XML escaping (named entities; ETags' quotes as `&quot;`). */
function xmlText(text: string): string {
  return text.replace(/[<>&"']/g, (c) => XML_ENTITIES[c] ?? c);
}
const XML_ENTITIES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  '"': '&quot;',
  "'": '&apos;',
};

function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${xmlText(String(value))}</${name}>`;
}

function xmlAnswer(root: string, inner: string, headers: Record<string, string> = {}) {
  return {
    status: 200,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': randomUUID(), ...headers },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NS}">${inner}</${root}>`,
  };
}

export function noSuchBucket(name: string): EmulatedError {
  return new EmulatedError(404, 'NoSuchBucket', `The specified bucket ${name} does not exist`);
}

function notImplemented(what: string): EmulatedError {
  return new EmulatedError(501, 'NotImplemented', `synthetic buckets do not emulate ${what}`);
}

/** UTF-8 byte order, S3's listing order. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Which keys a listing walks: the bucket's own objects, or its copies under `<name>/`. */
type Generated = (index: number) => SyntheticObject;

/** One page of keys under `prefix` strictly after `after`, at most `max`. */
function page(
  bucket: SyntheticBucketState,
  make: Generated,
  prefix: string,
  after: string,
  max: number,
): { objects: SyntheticObject[]; truncated: boolean } {
  const keyAt = (index: number) => make(index).key;
  // Keys ascend with the index: the first index past both bounds, by bisection.
  let low = 0;
  let high = bucket.objects;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const key = keyAt(middle);
    if (byteOrder(key, after) > 0 && byteOrder(key, prefix) >= 0) high = middle;
    else low = middle + 1;
  }
  const objects: SyntheticObject[] = [];
  let index = low;
  for (; index < bucket.objects && objects.length < max; index += 1) {
    const object = make(index);
    if (!object.key.startsWith(prefix)) break;
    objects.push(object);
  }
  const truncated = index < bucket.objects && keyAt(index).startsWith(prefix);
  return { objects, truncated };
}

function queryOf(url: string): URLSearchParams {
  return new URL(url, 'http://test-cloud.invalid').searchParams;
}

function listingParams(query: URLSearchParams): { prefix: string; max: number } {
  if (query.has('delimiter')) throw notImplemented('listings with a delimiter');
  if (query.has('encoding-type')) throw notImplemented('encoding-type');
  const maxKeys = query.get('max-keys');
  const max = maxKeys === null ? PAGE_LIMIT : Number(maxKeys);
  if (!Number.isInteger(max) || max < 0)
    throw new EmulatedError(400, 'InvalidArgument', 'max-keys must be a whole number');
  return { prefix: query.get('prefix') ?? '', max: Math.min(max, PAGE_LIMIT) };
}

function continuationKey(token: string | null): string {
  if (token === null) return '';
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (key === '' || Buffer.from(key, 'utf8').toString('base64url') !== token)
    throw new EmulatedError(400, 'InvalidArgument', 'The continuation token provided is incorrect');
  return key;
}

function contentsOf(object: SyntheticObject): string {
  return (
    '<Contents>' +
    el('Key', object.key) +
    el('LastModified', object.lastModified.toISOString()) +
    el('ETag', object.etag) +
    el('ChecksumAlgorithm', 'CRC64NVME') +
    el('ChecksumType', 'FULL_OBJECT') +
    el('Size', object.size) +
    el('StorageClass', 'STANDARD') +
    '</Contents>'
  );
}

/** ListObjectsV2 of the bucket's objects, or (`copies`) of its copies in the copies' bucket. */
export function listObjectsV2(
  bucket: SyntheticBucketState,
  url: string,
  copies = false,
): RenderedResponse {
  const query = queryOf(url);
  const { prefix, max } = listingParams(query);
  const token = query.get('continuation-token');
  const startAfter = query.get('start-after') ?? '';
  const tokenKey = continuationKey(token);
  const after = byteOrder(tokenKey, startAfter) > 0 ? tokenKey : startAfter;
  const make: Generated = copies
    ? (index) => syntheticCopy(bucket, index)
    : (index) => syntheticObject(bucket, index);
  const { objects, truncated } = page(bucket, make, prefix, after, max);
  const last = objects[objects.length - 1]?.key;
  return xmlAnswer(
    'ListBucketResult',
    el('Name', copies ? bucket.copies?.bucket : bucket.name) +
      el('Prefix', prefix) +
      el('KeyCount', objects.length) +
      el('MaxKeys', max) +
      el('IsTruncated', truncated) +
      objects.map(contentsOf).join('') +
      el('ContinuationToken', token ?? undefined) +
      el(
        'NextContinuationToken',
        truncated && last !== undefined
          ? Buffer.from(last, 'utf8').toString('base64url')
          : undefined,
      ) +
      el('StartAfter', query.get('start-after') ?? undefined),
  );
}

/** ListObjectVersions: every key has one version, its current one (no history is kept). */
export function listObjectVersions(bucket: SyntheticBucketState, url: string): RenderedResponse {
  const query = queryOf(url);
  const { prefix, max } = listingParams(query);
  const keyMarker = query.get('key-marker') ?? '';
  const { objects, truncated } = page(
    bucket,
    (index) => syntheticObject(bucket, index),
    prefix,
    keyMarker,
    max,
  );
  const last = objects[objects.length - 1];
  const versions = objects.map(
    (object) =>
      '<Version>' +
      el('Key', object.key) +
      el('VersionId', object.versionId) +
      el('IsLatest', true) +
      el('LastModified', object.lastModified.toISOString()) +
      el('ETag', object.etag) +
      el('Size', object.size) +
      el('StorageClass', 'STANDARD') +
      el('ChecksumAlgorithm', 'CRC64NVME') +
      '</Version>',
  );
  return xmlAnswer(
    'ListVersionsResult',
    el('Name', bucket.name) +
      el('Prefix', prefix) +
      el('KeyMarker', keyMarker) +
      el('VersionIdMarker', query.get('version-id-marker') ?? '') +
      el('NextKeyMarker', truncated ? last?.key : undefined) +
      el('NextVersionIdMarker', truncated ? last?.versionId : undefined) +
      el('MaxKeys', max) +
      el('IsTruncated', truncated) +
      versions.join(''),
  );
}

/** The object path of a path-style request (`/bucket/key`), decoded. */
function objectKeyOf(url: string): string {
  const path = new URL(url, 'http://test-cloud.invalid').pathname;
  return decodeURIComponent(path.split('/').slice(2).join('/'));
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The generated object a request names (`versionId` must be its current one), or 404. */
function namedObject(
  bucket: SyntheticBucketState,
  key: string,
  versionId: string | null | undefined,
): SyntheticObject {
  const index = syntheticIndexOf(key, bucket.objects);
  if (index === undefined)
    throw new EmulatedError(404, 'NoSuchKey', 'The specified key does not exist.');
  const object = syntheticObject(bucket, index);
  if (versionId !== null && versionId !== undefined && versionId !== object.versionId)
    throw new EmulatedError(404, 'NoSuchVersion', 'The specified version does not exist.');
  return object;
}

/** HeadObject; the checksum headers when the request enables checksum mode. */
export function headObject(
  bucket: SyntheticBucketState,
  url: string,
  headers: IncomingHttpHeaders,
): RenderedResponse {
  const object = namedObject(bucket, objectKeyOf(url), queryOf(url).get('versionId'));
  const checksums: Record<string, string> =
    header(headers, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED'
      ? { 'x-amz-checksum-crc64nvme': object.checksum, 'x-amz-checksum-type': 'FULL_OBJECT' }
      : {};
  return {
    status: 200,
    headers: {
      'content-type': 'application/octet-stream',
      etag: object.etag,
      'last-modified': object.lastModified.toUTCString(),
      'x-amz-version-id': object.versionId,
      'accept-ranges': 'bytes',
      'x-amz-request-id': randomUUID(),
      ...checksums,
    },
    // Node sends no body in answer to HEAD: this body only makes Content-Length the object's size.
    body: ' '.repeat(object.size),
  };
}

/** `bucket/key[?versionId=v]` of an `x-amz-copy-source` header, decoded. */
export function copySourceOf(
  headers: IncomingHttpHeaders,
): { bucket: string; key: string; versionId?: string } | undefined {
  const raw = header(headers, 'x-amz-copy-source');
  if (raw === undefined) return undefined;
  const [path = '', query = ''] = raw.replace(/^\//, '').split('?');
  const slash = path.indexOf('/');
  if (slash <= 0) return undefined;
  const versionId = new URLSearchParams(query).get('versionId') ?? undefined;
  return {
    bucket: decodeURIComponent(path.slice(0, slash)),
    key: decodeURIComponent(path.slice(slash + 1)),
    ...(versionId !== undefined ? { versionId } : {}),
  };
}

/**
 * CopyObject from a synthetic bucket: the source checked (key, version, `If-Match`) and the
 * copy acknowledged as S3 would (ETag, version id, the checksum asked for), nothing written.
 */
export function copyObject(
  bucket: SyntheticBucketState,
  url: string,
  headers: IncomingHttpHeaders,
): RenderedResponse {
  const source = copySourceOf(headers);
  const object = namedObject(bucket, source?.key ?? '', source?.versionId);
  const ifMatch = header(headers, 'x-amz-copy-source-if-match');
  if (ifMatch !== undefined && unquoted(ifMatch) !== unquoted(object.etag))
    throw new EmulatedError(
      412,
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
    );
  const targetBucket = decodeURIComponent(
    new URL(url, 'http://x.invalid').pathname.split('/')[1] ?? '',
  );
  const targetKey = objectKeyOf(url);
  const requested = header(headers, 'x-amz-checksum-algorithm')?.toUpperCase();
  const algorithm =
    requested !== undefined && isChecksumAlgorithm(requested) ? requested : 'CRC64NVME';
  const index = syntheticIndexOf(object.key, bucket.objects) ?? 0;
  const version = versionOf(index, bucket.generation, bucket.changeEvery);
  const checksum = syntheticChecksum(algorithm, bucket.name, object.key, version);
  bucket.copiesAcknowledged += 1;
  const copy = copyOf(targetBucket, targetKey, object.etag);
  return xmlAnswer(
    'CopyObjectResult',
    el('LastModified', new Date().toISOString()) +
      el('ETag', copy.etag) +
      el('ChecksumType', 'FULL_OBJECT') +
      el(`Checksum${algorithm}`, checksum),
    { 'x-amz-version-id': copy.versionId, 'x-amz-copy-source-version-id': object.versionId },
  );
}

function unquoted(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}
