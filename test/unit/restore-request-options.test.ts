import { describe, expect, it } from '@jest/globals';
import { restoreKindOf, restoreRequestOf } from '../../cli/restore-request-options.js';

describe('backupctl restore flags → restore request', () => {
  it('infers the kind from the point or the source id, or from the catalog entry', () => {
    expect(restoreKindOf({ recoveryPoint: 'snap-0abc' })).toBe('volume');
    expect(restoreKindOf({ recoveryPoint: 'ami-0abc' })).toBe('instance');
    expect(restoreKindOf({ source: 'vol-1', at: '2026-01-01T00:00:00Z' })).toBe('volume');
    expect(restoreKindOf({ source: 'i-1', at: '2026-01-01T00:00:00Z' })).toBe('instance');
    expect(restoreKindOf({ source: 'my-bucket', at: '2026-01-01T00:00:00Z' })).toBe('objects');
    expect(restoreKindOf({ recoveryPoint: 's3://b/k' }, 'image-export')).toBe('image');
    expect(restoreKindOf({ kind: 'objects', recoveryPoint: 'snap-1' })).toBe('objects');
    expect(() => restoreKindOf({ recoveryPoint: 's3://b/index.json' })).toThrow(/--kind/);
  });

  it('builds a volume request with numbers, an attachment and tags', () => {
    expect(
      restoreRequestOf('volume', {
        recoveryPoint: 'snap-1',
        availabilityZone: 'us-east-1a',
        volumeType: 'gp3',
        sizeGib: '20',
        iops: '4000',
        attachInstance: 'i-1',
        device: '/dev/sdf',
        tag: ['team=db', 'note=a=b'],
        dryRun: true,
      }),
    ).toEqual({
      kind: 'volume',
      recoveryPointId: 'snap-1',
      target: {
        availabilityZone: 'us-east-1a',
        volumeType: 'gp3',
        sizeGiB: 20,
        iops: 4000,
        attach: { instanceId: 'i-1', device: '/dev/sdf' },
      },
      tags: { team: 'db', note: 'a=b' },
      dryRun: true,
    });
  });

  it('builds an objects request at a time with prefixes, globs and the existing-objects mode', () => {
    expect(
      restoreRequestOf('objects', {
        source: 'data',
        at: '2026-03-01T00:00:00Z',
        targetBucket: 'restored',
        targetPrefix: 'r/',
        prefix: ['a/', 'b/'],
        include: ['**/*.csv'],
        existingObjects: 'overwrite-if-different',
      }),
    ).toEqual({
      kind: 'objects',
      sourceId: 'data',
      at: '2026-03-01T00:00:00Z',
      target: { bucket: 'restored', prefix: 'r/' },
      prefixes: ['a/', 'b/'],
      include: ['**/*.csv'],
      existingObjects: 'overwrite-if-different',
    });
  });

  it('names every problem of bad flags and never builds a request from them', () => {
    expect(() => restoreRequestOf('volume', { recoveryPoint: 'snap-1' })).toThrow(
      /target\.availabilityZone/,
    );
    expect(() =>
      restoreRequestOf('volume', {
        recoveryPoint: 'snap-1',
        availabilityZone: 'a',
        sizeGib: 'ten',
      }),
    ).toThrow(/--size-gib must be a number, got "ten"/);
    expect(() =>
      restoreRequestOf('instance', { recoveryPoint: 'ami-1', subnetId: 's', tag: ['x'] }),
    ).toThrow(/--tag must be KEY=VALUE, got "x"/);
    expect(() =>
      restoreRequestOf('objects', {
        recoveryPoint: 's3://b/k',
        source: 'data',
        at: '2026-01-01T00:00:00Z',
        targetBucket: 'restored',
      }),
    ).toThrow(/recoveryPointId, or sourceId with at/);
    expect(() =>
      restoreRequestOf('instance', { recoveryPoint: 'ami-1', subnetId: 's', tag: ['aws:x=1'] }),
    ).toThrow(/reserved/);
  });
});
