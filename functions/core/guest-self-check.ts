import * as z from 'zod';

/**
 * The guest's own view of its network, asked for through SSM (AWS-RunShellScript) during a
 * restore test: the primary IPv4 address, whether a default route exists, whether DNS resolves
 * the regional SSM endpoint, and whether IMDSv2 answers. The script prints exactly one line of
 * JSON and always exits 0, so a failed check is data, not a failed command:
 *
 *   {"ip":"10.0.1.23","defaultRoute":true,"dns":true,"imds":true,"hostname":"ip-10-0-1-23"}
 *
 * POSIX sh, only tools every mainstream Linux AMI has (iproute2, getent, curl); `{{region}}` is
 * replaced by the test's region (see guestSelfCheckScript).
 */
export const GUEST_SELF_CHECK_SCRIPT = `#!/bin/sh
# backup-orchestrator restore test: the guest's view of its network as one line of JSON.
addr="$(ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \\([0-9.]*\\).*/\\1/p' | head -n 1)"
[ -n "$addr" ] || addr="$(hostname -I 2>/dev/null | awk '{print $1}')"
route=false
ip route show default 2>/dev/null | grep -q '^default' && route=true
dns=false
getent hosts ssm.{{region}}.amazonaws.com >/dev/null 2>&1 && dns=true
imds=false
token="$(curl -sf -m 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token 2>/dev/null)"
if [ -n "$token" ] && curl -sf -m 2 -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/local-ipv4 >/dev/null 2>&1; then imds=true; fi
name="$(hostname 2>/dev/null | tr -cd 'A-Za-z0-9.-')"
printf '{"ip":"%s","defaultRoute":%s,"dns":%s,"imds":%s,"hostname":"%s"}\\n' "$addr" "$route" "$dns" "$imds" "$name"
exit 0
`;

const regionPattern = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The self-check script for a region (the DNS check resolves that region's SSM endpoint). */
export function guestSelfCheckScript(region: string): string {
  if (!regionPattern.test(region)) {
    throw new RangeError(
      `guest self-check: expected an AWS region such as us-east-1, got "${region}"`,
    );
  }
  return GUEST_SELF_CHECK_SCRIPT.replaceAll('{{region}}', region);
}

export const GuestSelfCheckReportSchema = z.object({
  ip: z.string(),
  defaultRoute: z.boolean(),
  dns: z.boolean(),
  imds: z.boolean(),
  hostname: z.string().optional(),
});
export type GuestSelfCheckReport = z.infer<typeof GuestSelfCheckReportSchema>;

export type ParsedSelfCheck =
  { ok: true; report: GuestSelfCheckReport; line: string } | { ok: false; problem: string };

/**
 * Reads the report from the command's stdout: the last line that is a JSON object of the right
 * shape (a login banner or a warning before it does not matter).
 */
export function parseSelfCheckOutput(stdout: string): ParsedSelfCheck {
  const lines = stdout
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('{'));
  let problem = `no JSON line in the self-check output ${JSON.stringify(excerpt(stdout))}`;
  for (const line of lines.reverse()) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problem = `self-check output is not valid JSON: ${JSON.stringify(excerpt(line))}`;
      continue;
    }
    const parsed = GuestSelfCheckReportSchema.safeParse(value);
    if (parsed.success) return { ok: true, report: parsed.data, line };
    problem = `self-check output lacks ${parsed.error.issues
      .map((issue) => issue.path.join('.') || '(root)')
      .join(', ')}: ${JSON.stringify(excerpt(line))}`;
  }
  return { ok: false, problem };
}

/** The checks of a report against what EC2 says the machine should see. */
export function failedSelfChecks(report: GuestSelfCheckReport, expectedIp: string): string[] {
  const failed: string[] = [];
  if (report.ip !== expectedIp) {
    failed.push(
      `ip: the guest reports ${JSON.stringify(report.ip)}, its network interface has ${expectedIp}`,
    );
  }
  if (!report.defaultRoute) failed.push('defaultRoute: the guest has no default route');
  if (!report.dns) failed.push('dns: the guest cannot resolve the regional SSM endpoint');
  if (!report.imds) failed.push('imds: the instance metadata service (IMDSv2) did not answer');
  return failed;
}

function excerpt(text: string, limit = 200): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}…`;
}
