import * as z from 'zod';

/**
 * The body of `POST /v1/restores` (issue 11's contract; docs/adr/0012-restore-api.md): one shape
 * per kind, discriminated by `kind`. Each names its recovery point by id, or by `sourceId` with
 * `at` (the newest available point of that source at or before that time). Plain zod: the API
 * generates its OpenAPI document from these schemas (functions/api/), the CLI builds the same
 * bodies, the restore workflow receives them parsed.
 */

/** User tags added to what a restore creates; `aws:` and `backup:` keys are the product's. */
export const RestoreTagsSchema = z
  .record(z.string().min(1).max(128), z.string().max(256))
  .refine((tags) => Object.keys(tags).length <= 40, { message: 'at most 40 tags' })
  .refine((tags) => !Object.keys(tags).some((key) => /^(aws|backup):/i.test(key)), {
    message: 'tag keys starting with aws: or backup: are reserved',
  });

const IsoTime = z.iso.datetime({ offset: true });

/** Either a recovery point id, or a source with a time. */
const pointSelector = {
  recoveryPointId: z.string().min(1).max(256).optional(),
  sourceId: z.string().min(1).max(256).optional(),
  at: IsoTime.optional(),
};

function selectsOnePoint(body: { recoveryPointId?: string; sourceId?: string; at?: string }) {
  return body.recoveryPointId !== undefined
    ? body.sourceId === undefined && body.at === undefined
    : body.sourceId !== undefined && body.at !== undefined;
}
const selectorProblem = {
  message: 'give recoveryPointId, or sourceId with at (not both)',
  path: ['recoveryPointId'],
  // Checked even when other fields have problems, so a 400 names every one of them at once.
  when: (payload: { value: unknown }) =>
    typeof payload.value === 'object' && payload.value !== null,
};

export const VolumeTypes = ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard'] as const;

export const VolumeRestoreRequestSchema = z
  .strictObject({
    kind: z.literal('volume'),
    ...pointSelector,
    target: z.strictObject({
      availabilityZone: z.string().min(1),
      volumeType: z.enum(VolumeTypes).optional(),
      sizeGiB: z.number().int().min(1).max(65_536).optional(),
      iops: z.number().int().min(100).max(256_000).optional(),
      throughputMiBps: z.number().int().min(125).max(2_000).optional(),
      /** Default: the account's default EBS key; restores are always encrypted. */
      kmsKeyId: z.string().min(1).optional(),
      attach: z
        .strictObject({ instanceId: z.string().min(1), device: z.string().min(1) })
        .optional(),
    }),
    tags: RestoreTagsSchema.optional(),
    dryRun: z.boolean().optional(),
  })
  .refine(selectsOnePoint, selectorProblem);

export const InstanceRestoreRequestSchema = z
  .strictObject({
    kind: z.literal('instance'),
    ...pointSelector,
    target: z.strictObject({
      /** Required: never a default-VPC fallback. */
      subnetId: z.string().min(1),
      /** Default: the type recorded on the image at backup time. */
      instanceType: z.string().min(1).optional(),
      securityGroupIds: z.array(z.string().min(1)).max(5).optional(),
      /** An instance profile name on the configuration's allow-list. */
      instanceProfile: z.string().min(1).optional(),
      keyName: z.string().min(1).optional(),
      /** Default false. */
      associatePublicIpAddress: z.boolean().optional(),
    }),
    /** Run the restore-test checks on the restored instance and report the RTO. */
    verify: z.boolean().optional(),
    tags: RestoreTagsSchema.optional(),
    dryRun: z.boolean().optional(),
  })
  .refine(selectsOnePoint, selectorProblem);

export const ExistingObjectsModes = ['skip', 'overwrite-if-different', 'fail'] as const;

export const ObjectsRestoreRequestSchema = z
  .strictObject({
    kind: z.literal('objects'),
    ...pointSelector,
    target: z.strictObject({
      bucket: z.string().min(3).max(63),
      /** Prepended to each restored key (prefix mapping). */
      prefix: z.string().max(1024).optional(),
      /** Default: the primary region. */
      region: z.string().min(1).optional(),
    }),
    /** Only keys under one of these source prefixes (default: all). */
    prefixes: z.array(z.string().max(1024)).max(100).optional(),
    /** Glob patterns on the source key (`*` within a segment, `**` across). */
    include: z.array(z.string().min(1).max(1024)).max(100).optional(),
    exclude: z.array(z.string().min(1).max(1024)).max(100).optional(),
    /** Default `skip`: an object already in the target is left as it is. */
    existingObjects: z.enum(ExistingObjectsModes).optional(),
    dryRun: z.boolean().optional(),
  })
  .refine(selectsOnePoint, selectorProblem);

export const ImageRestoreRequestSchema = z
  .strictObject({
    kind: z.literal('image'),
    ...pointSelector,
    target: z
      .strictObject({
        name: z.string().min(3).max(128).optional(),
        region: z.string().min(1).optional(),
      })
      .optional(),
    tags: RestoreTagsSchema.optional(),
    dryRun: z.boolean().optional(),
  })
  .refine(selectsOnePoint, selectorProblem);

export const RestoreRequestSchema = z.discriminatedUnion('kind', [
  VolumeRestoreRequestSchema,
  InstanceRestoreRequestSchema,
  ObjectsRestoreRequestSchema,
  ImageRestoreRequestSchema,
]);

export type VolumeRestoreRequest = z.infer<typeof VolumeRestoreRequestSchema>;
export type InstanceRestoreRequest = z.infer<typeof InstanceRestoreRequestSchema>;
export type ObjectsRestoreRequest = z.infer<typeof ObjectsRestoreRequestSchema>;
export type ImageRestoreRequest = z.infer<typeof ImageRestoreRequestSchema>;
export type RestoreRequest = z.infer<typeof RestoreRequestSchema>;
export type RestoreKind = RestoreRequest['kind'];
