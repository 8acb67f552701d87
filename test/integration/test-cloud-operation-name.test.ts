import { describeCall, type RequestFacts } from '../../emulator/operation-name.js';

const sign = (service: string, region = 'us-east-1') =>
  `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`;

function s3(method: string, url: string, headers: Record<string, string> = {}): string {
  return describeCall({ method, url, headers: { authorization: sign('s3'), ...headers } })
    .operation;
}

describe('describeCall', () => {
  it('reads JSON protocol operations from X-Amz-Target', () => {
    const facts: RequestFacts = {
      method: 'POST',
      url: '/',
      headers: {
        authorization: sign('dynamodb', 'eu-west-1'),
        'x-amz-target': 'DynamoDB_20120810.PutItem',
      },
    };
    expect(describeCall(facts)).toEqual({
      service: 'dynamodb',
      region: 'eu-west-1',
      operation: 'PutItem',
      protocol: 'json',
    });
  });

  it('reads query protocol operations from the form body or the query string', () => {
    const headers = { authorization: sign('ec2') };
    expect(
      describeCall({
        method: 'POST',
        url: '/',
        headers,
        formBody: 'Action=CreateSnapshot&Version=2016-11-15',
      }),
    ).toEqual({
      service: 'ec2',
      region: 'us-east-1',
      operation: 'CreateSnapshot',
      protocol: 'ec2',
    });
    expect(
      describeCall({
        method: 'GET',
        url: '/?Action=GetCallerIdentity',
        headers: { authorization: sign('sts') },
      }),
    ).toMatchObject({
      operation: 'GetCallerIdentity',
      protocol: 'query',
    });
  });

  it('names S3 REST operations', () => {
    expect(s3('GET', '/')).toBe('ListBuckets');
    expect(s3('HEAD', '/b')).toBe('HeadBucket');
    expect(s3('PUT', '/b')).toBe('CreateBucket');
    expect(s3('GET', '/b?list-type=2&prefix=a')).toBe('ListObjectsV2');
    expect(s3('GET', '/b?versions')).toBe('ListObjectVersions');
    expect(s3('GET', '/b')).toBe('ListObjects');
    expect(s3('GET', '/b?location')).toBe('GetBucketLocation');
    expect(s3('PUT', '/b?versioning')).toBe('PutBucketVersioning');
    expect(s3('GET', '/b?object-lock')).toBe('GetObjectLockConfiguration');
    expect(s3('DELETE', '/b?tagging')).toBe('DeleteBucketTagging');
    expect(s3('POST', '/b?delete')).toBe('DeleteObjects');
    expect(s3('GET', '/b/a/key.txt')).toBe('GetObject');
    expect(s3('HEAD', '/b/a/key.txt')).toBe('HeadObject');
    expect(s3('PUT', '/b/k')).toBe('PutObject');
    expect(s3('PUT', '/b/k', { 'x-amz-copy-source': '/src/k' })).toBe('CopyObject');
    expect(s3('POST', '/b/k?uploads')).toBe('CreateMultipartUpload');
    expect(s3('PUT', '/b/k?partNumber=1&uploadId=u')).toBe('UploadPart');
    expect(s3('PUT', '/b/k?partNumber=1&uploadId=u', { 'x-amz-copy-source': '/src/k' })).toBe(
      'UploadPartCopy',
    );
    expect(s3('POST', '/b/k?uploadId=u')).toBe('CompleteMultipartUpload');
    expect(s3('DELETE', '/b/k?uploadId=u')).toBe('AbortMultipartUpload');
    expect(s3('GET', '/b/k?uploadId=u')).toBe('ListParts');
    expect(s3('PUT', '/b/k?tagging')).toBe('PutObjectTagging');
    expect(s3('GET', '/b/k?legal-hold')).toBe('GetObjectLegalHold');
    expect(s3('DELETE', '/b/k')).toBe('DeleteObject');
  });

  it('reads presigned URLs, REST-JSON routes and unsigned requests', () => {
    const credential = encodeURIComponent('AKID/20260101/us-west-2/s3/aws4_request');
    expect(
      describeCall({ method: 'GET', url: `/b/k?X-Amz-Credential=${credential}`, headers: {} }),
    ).toMatchObject({
      service: 's3',
      region: 'us-west-2',
      operation: 'GetObject',
    });
    expect(
      describeCall({
        method: 'GET',
        url: '/2015-03-31/functions/f/configuration',
        headers: { authorization: sign('lambda') },
      }),
    ).toMatchObject({
      service: 'lambda',
      operation: 'GET /2015-03-31/functions',
      protocol: 'rest-json',
    });
    expect(describeCall({ method: 'GET', url: '/', headers: {} })).toMatchObject({
      service: 'unknown',
      region: 'unknown',
    });
  });
});
