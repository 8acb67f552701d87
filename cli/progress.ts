import ora, { type Ora } from 'ora';

/** Progress on stderr, only on a TTY (ora stays silent otherwise), so stdout stays parseable. */
export interface Progress {
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
}

export function startProgress(text: string): Progress {
  const spinner: Ora = ora({
    text,
    stream: process.stderr,
    isEnabled: process.stderr.isTTY === true,
  }).start();
  return {
    update: (next) => {
      spinner.text = next;
    },
    succeed: (next) => void spinner.succeed(next),
    fail: (next) => void spinner.fail(next),
  };
}
