import * as z from 'zod';
import { BackupConfigSchema } from '../config.js';

/**
 * The payloads that flow through the restore-test workflow's ASL (statemachines/restore-test.asl.json).
 * Handlers parse them with these schemas at the edge; the steps work on the inferred types.
 */

/** What a restore test concluded about one image. `passed` is the only success. */
export const RestoreOutcomeSchema = z.enum([
  'passed',
  /** The instance stopped or terminated on its own (state reason Server.* / Client.*). */
  'image-not-bootable',
  /** The reachability status checks (instance or system) report impaired. */
  'status-checks-impaired',
  /** The instance ran but its SSM agent never reported Online within the timeout. */
  'agent-never-online',
  /** The guest's own view of its IP, route, DNS or IMDS was wrong (its report is the evidence). */
  'network-self-check-failed',
  /** Anything else still unresolved when the timeout struck. */
  'timed-out',
  /** RunInstances refused for good (an image, network or capacity problem; the code says which). */
  'launch-failed',
]);
export type RestoreOutcome = z.infer<typeof RestoreOutcomeSchema>;

/** Execution-input knobs for tests and unusual accounts; the policy's restoreTest has the rest. */
export const RestoreTestOptionsInputSchema = z.strictObject({
  /** Images per batch: one Map iteration and one poll loop each. SendCommand takes 50 ids. */
  batchSize: z.int().min(1).max(50).default(5),
  firstPollSeconds: z.int().min(0).default(15),
  /** Caps the poll interval, which is also the resolution of the measured RTO. */
  maxPollSeconds: z.int().min(0).default(30),
  /** RunInstances calls per second per batch worker (EC2 refills its bucket at 2/s). */
  runInstancesPerSecond: z.number().positive().default(1),
  /** Throttled, transient or capacity-refused launches are retried on later polls up to this. */
  maxLaunchAttempts: z.int().min(1).default(5),
  /** A self-check that fails is asked again this many times in all before the verdict. */
  selfCheckAttempts: z.int().min(1).max(5).default(2),
  /** Overrides the policy's restoreTest.timeoutMinutes (per image, from its launch call). */
  timeoutSeconds: z.int().min(0).optional(),
  /** Bytes of console output kept as evidence of a failure. */
  consoleExcerptBytes: z.int().min(0).max(16_384).default(2048),
});
export type RestoreTestOptionsInput = z.infer<typeof RestoreTestOptionsInputSchema>;

/** Execution input: what a schedule (or `backupctl restore-test`) starts a run with. */
export const RestoreTestRequestSchema = z.object({
  policyName: z.string().min(1),
  config: BackupConfigSchema,
  options: RestoreTestOptionsInputSchema.partial().optional(),
});
export type RestoreTestRequest = z.infer<typeof RestoreTestRequestSchema>;

export const PickRestoreCandidatesEventSchema = z.object({
  request: RestoreTestRequestSchema,
  /** Execution name: the run id. */
  executionName: z.string().min(1),
  executionStartTime: z.string().min(1),
});
export type PickRestoreCandidatesEvent = z.infer<typeof PickRestoreCandidatesEventSchema>;

/** The isolated test network the stack creates (from the Lambdas' environment). */
export const RestoreNetworkSchema = z.object({
  subnetId: z.string().min(1),
  securityGroupIds: z.array(z.string().min(1)).min(1),
  /** Instance profile name or ARN (with AmazonSSMManagedInstanceCore). */
  instanceProfile: z.string().min(1),
});
export type RestoreNetwork = z.infer<typeof RestoreNetworkSchema>;

export const RestoreRunContextSchema = z.object({
  runId: z.string(),
  policyName: z.string(),
  primaryRegion: z.string(),
  startedAt: z.string(),
  instanceType: z.string(),
  /** Per image, from its launch call to its verdict. */
  timeoutSeconds: z.int().min(0),
  network: RestoreNetworkSchema,
  options: RestoreTestOptionsInputSchema,
});
export type RestoreRunContext = z.infer<typeof RestoreRunContextSchema>;

export const ImageRefSchema = z.object({
  imageId: z.string(),
  sourceId: z.string(),
  createdAt: z.string(),
  /** When this source was last restore-tested (any of its images); absent if never. */
  lastTestedAt: z.string().optional(),
});
export type ImageRef = z.infer<typeof ImageRefSchema>;

export const RestoreEvidenceSchema = z.object({
  /** What EC2 and SSM said, e.g. { instanceState, privateIp, instanceStatus, agent }. */
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  failedChecks: z.array(z.string()).optional(),
  /** The guest's self-check line, verbatim. */
  guestReport: z.string().optional(),
  /** The last bytes of the console output, decoded. */
  consoleExcerpt: z.string().optional(),
});
export type RestoreEvidence = z.infer<typeof RestoreEvidenceSchema>;

export const RestoreVerdictSchema = z.object({
  outcome: RestoreOutcomeSchema,
  reason: z.string(),
  decidedAt: z.string(),
  /** Launch call to verified machine; passed tests only. */
  rtoSeconds: z.number().optional(),
  evidence: RestoreEvidenceSchema,
});
export type RestoreVerdict = z.infer<typeof RestoreVerdictSchema>;

export const FailureSchema = z.object({ name: z.string(), message: z.string() });

/** What the turns have seen of one test machine so far. */
export const RestoreFactsSchema = z.object({
  instanceState: z.string().optional(),
  privateIp: z.string().optional(),
  stateReason: z.string().optional(),
  instanceStatus: z.string().optional(),
  systemStatus: z.string().optional(),
  agentPingStatus: z.string().optional(),
  commandId: z.string().optional(),
  /** Self-check commands sent so far. */
  selfCheckAttempts: z.int().default(0),
  /** The latest finished self-check command. */
  selfCheck: z
    .object({
      commandId: z.string(),
      status: z.enum(['success', 'failed']),
      detail: z.string(),
      stdout: z.string(),
      stderr: z.string(),
    })
    .optional(),
});
export type RestoreFacts = z.infer<typeof RestoreFactsSchema>;

export const RestoreWorkSchema = z.object({
  imageId: z.string(),
  sourceId: z.string(),
  status: z.enum(['queued', 'testing', 'judged', 'done']),
  launchAttempts: z.int().default(0),
  instanceId: z.string().optional(),
  /** The moment of the launch call (ISO-8601). */
  launchedAt: z.string().optional(),
  /** The loop's waited seconds at launch: timeouts count the ASL's waits too (see judge). */
  waitedAtLaunch: z.number().optional(),
  lastError: FailureSchema.optional(),
  facts: RestoreFactsSchema,
  verdict: RestoreVerdictSchema.optional(),
  /** TerminateInstances accepted (or nothing was launched). */
  terminated: z.boolean().default(false),
  cleanupError: FailureSchema.optional(),
});
export type RestoreWork = z.infer<typeof RestoreWorkSchema>;

export const RestoreLoopSchema = z.object({
  polls: z.int(),
  waitedSeconds: z.number(),
  nextPollSeconds: z.int(),
  settled: z.boolean(),
});
export type RestoreLoop = z.infer<typeof RestoreLoopSchema>;

/** First input of a batch (from the Map's ItemSelector). */
export const RestoreBatchInputSchema = z.object({
  run: RestoreRunContextSchema,
  batchIndex: z.int(),
  images: z.array(ImageRefSchema),
});
export type RestoreBatchInput = z.infer<typeof RestoreBatchInputSchema>;

/** A batch's state between polls. */
export const RestoreBatchStateSchema = RestoreBatchInputSchema.extend({
  items: z.array(RestoreWorkSchema),
  loop: RestoreLoopSchema,
});
export type RestoreBatchState = z.infer<typeof RestoreBatchStateSchema>;

export const RestoreBatchStepEventSchema = z.union([
  RestoreBatchStateSchema,
  RestoreBatchInputSchema,
]);
export type RestoreBatchStepEvent = z.infer<typeof RestoreBatchStepEventSchema>;

/** One image's result, as the summary and the CLI show it. */
export const RestoreTestResultSchema = z.object({
  imageId: z.string(),
  sourceId: z.string(),
  instanceId: z.string().optional(),
  launchedAt: z.string().optional(),
  outcome: RestoreOutcomeSchema.or(z.literal('not-tested')),
  reason: z.string(),
  rtoSeconds: z.number().optional(),
  testedAt: z.string(),
  evidence: RestoreEvidenceSchema.optional(),
  /** Cleanup or recording problems that did not change the verdict. */
  problems: z.array(z.string()).default([]),
});
export type RestoreTestResult = z.infer<typeof RestoreTestResultSchema>;

export const RestoreBatchResultSchema = z.object({
  batchIndex: z.int(),
  results: z.array(RestoreTestResultSchema),
});
export type RestoreBatchResult = z.infer<typeof RestoreBatchResultSchema>;

/** What the Catch path hands to the batch clean-up: the batch's input plus the error. */
export const FailedRestoreBatchEventSchema = z.object({
  run: RestoreRunContextSchema,
  batchIndex: z.int(),
  images: z.array(ImageRefSchema),
  batchError: z.object({ Error: z.string(), Cause: z.string().optional() }),
});
export type FailedRestoreBatchEvent = z.infer<typeof FailedRestoreBatchEventSchema>;

export const FailedRestoreBatchSchema = z.object({
  batchIndex: z.int(),
  batchError: z.object({ Error: z.string(), Cause: z.string().optional() }),
  images: z.array(ImageRefSchema),
  /** Instances of this batch terminated by the clean-up. */
  terminatedInstances: z.array(z.string()).default([]),
  cleanupError: FailureSchema.optional(),
});
export type FailedRestoreBatch = z.infer<typeof FailedRestoreBatchSchema>;

export const RestoreSelectionSchema = z.object({
  /** Sources of the policy with an available image in the primary region. */
  candidates: z.int(),
  selected: z.int(),
  sample: z.int().optional(),
});
export type RestoreSelection = z.infer<typeof RestoreSelectionSchema>;

export const PickRestoreCandidatesResultSchema = z.object({
  run: RestoreRunContextSchema,
  batches: z.array(z.object({ batchIndex: z.int(), images: z.array(ImageRefSchema) })),
  selection: RestoreSelectionSchema,
});
export type PickRestoreCandidatesResult = z.infer<typeof PickRestoreCandidatesResultSchema>;

export const SweepRestoreLeftoversEventSchema = z.object({ run: RestoreRunContextSchema });
export type SweepRestoreLeftoversEvent = z.infer<typeof SweepRestoreLeftoversEventSchema>;

export const SweepResultSchema = z.object({
  terminatedInstances: z.array(z.string()),
  deletedVolumes: z.array(z.string()),
  deletedNetworkInterfaces: z.array(z.string()),
  problems: z.array(z.string()),
});
export type SweepResult = z.infer<typeof SweepResultSchema>;

export const SummarizeRestoreTestEventSchema = z.object({
  run: RestoreRunContextSchema,
  selection: RestoreSelectionSchema,
  batchResults: z.array(z.union([RestoreBatchResultSchema, FailedRestoreBatchSchema])),
  /** The sweeper's result, or its error when the sweeper itself failed (caught by the ASL). */
  sweep: z.union([
    SweepResultSchema,
    z.object({ Error: z.string(), Cause: z.string().optional() }),
  ]),
});
export type SummarizeRestoreTestEvent = z.infer<typeof SummarizeRestoreTestEventSchema>;
