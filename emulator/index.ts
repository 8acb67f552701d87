/** The local emulator: moto in server mode, and the test cloud proxy in front of it. */
export { ensureMotoInstalled, findMotoServer, MOTO_PIN, startMoto } from './moto-server.js';
export type { MotoInstallation, MotoServer, StartMotoOptions } from './moto-server.js';
export { CONTROL_PREFIX, startTestCloud } from './test-cloud.js';
export type {
  FaultKind,
  FaultRule,
  FaultRuleState,
  HoldKind,
  HoldRequest,
  HoldState,
  RequestCounts,
  TestCloud,
  TestCloudControls,
  TestCloudOptions,
  EmulatedState,
  EmulationSettings,
  GuestProfile,
  GuestSelfCheck,
  GuestSelfReport,
  ImageMarks,
  SnapshotLockInfo,
  SnapshotLockMode,
  SnapshotLockState,
  ExportImageTaskState,
  StoreImageTaskState,
  DeliveredInventoryReport,
  InventoryReportRequest,
  SsmCommandRecord,
} from './test-cloud.js';
export { artifactBody, DEFAULT_ARTIFACT_BYTES } from './emulated/artifact.js';
export { DEFAULT_GUEST_PROFILE } from './emulated/guest-profiles.js';
export { TestCloudClient } from './test-cloud-client.js';
export { describeCall, type AwsCall, type WireProtocol } from './operation-name.js';
export * from './errors.js';
