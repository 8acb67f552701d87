import type { Tags } from '../core/tag-keys.js';
import type { LabInstance } from './restore-lab.js';

export interface LabVolume {
  volumeId: string;
  state: string;
  tags: Tags;
}

export interface LabNetworkInterface {
  networkInterfaceId: string;
  status: string;
  tags: Tags;
}

/**
 * What restore tests leave behind, found by tag, and its removal: the turn's own terminations,
 * the failed batch's Catch path and the sweeper (functions/ports/restore-lab.ts: the lab's other
 * ports). A turn also finds the machines its run already launched here, to adopt them.
 */
export interface RestoreCleanup {
  readonly region: string;
  /**
   * Instances of restore tests that are not terminated (pending, running, stopping, stopped),
   * found by tag: of one run, or of every run when `runId` is absent.
   */
  findTestInstances(runId?: string): Promise<LabInstance[]>;
  /** Returns each instance's state after the call; ids already gone count as terminated. */
  terminate(instanceIds: string[]): Promise<{ instanceId: string; state: string }[]>;
  /** Volumes and network interfaces left by restore tests (tagged with a restore-test run). */
  findTestVolumes(): Promise<LabVolume[]>;
  findTestNetworkInterfaces(): Promise<LabNetworkInterface[]>;
  deleteVolume(volumeId: string): Promise<void>;
  deleteNetworkInterface(networkInterfaceId: string): Promise<void>;
}
