/**
 * What the simulated guest of an image does in the in-memory restore lab (in-memory-restore-lab.ts):
 * the same knobs as the test cloud's guest profiles (docs/adr/0005-restore-tests.md, Emulator).
 */
export interface GuestProfile {
  agent: 'online' | 'never';
  /** DescribeInstanceInformation calls before the agent reports Online. */
  onlineAfterPolls?: number;
  selfCheck: 'healthy' | 'wrong-ip' | 'no-default-route' | 'dns-fails' | 'imds-fails';
  consoleOutput?: string;
  /** GetCommandInvocation calls that answer InProgress before the result. */
  commandPendingPolls?: number;
  /** ok (default); stops: the instance terminates itself while booting; impaired: status checks fail. */
  boot?: 'ok' | 'stops' | 'impaired';
  /** DescribeInstances calls that show a new instance pending. */
  pendingPolls?: number;
}

export const healthy: GuestProfile = { agent: 'online', selfCheck: 'healthy' };

/** The one line the simulated guest prints for the self-check. */
export function guestReport(profile: GuestProfile, ip: string): string {
  const check = profile.selfCheck;
  return JSON.stringify({
    ip: check === 'wrong-ip' ? '192.168.77.10' : ip,
    defaultRoute: check !== 'no-default-route',
    dns: check !== 'dns-fails',
    imds: check !== 'imds-fails',
    hostname: `ip-${ip.replaceAll('.', '-')}`,
  });
}
