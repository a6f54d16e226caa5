import { runJepsenCheckCommand } from './jepsen_check.js';
import { runJepsenRunCommand } from './jepsen_run.js';

/**
 * `ketch jepsen`: the Jepsen-style suite. `run` injects faults into a live local cluster and checks
 * what clients saw; `check` verifies a recorded history.
 */
export const JEPSEN_USAGE = `usage: ketch jepsen <command> [flags]

commands:
  run       a fault-injection run against a local cluster: history, checks, report
  check     check a recorded history (JSON Lines): linearizability, or a workload's checker

Run 'ketch jepsen <command> --help' for a command's flags.
`;

const SUBCOMMANDS: Readonly<Record<string, (argv: readonly string[]) => Promise<number>>> = {
  run: runJepsenRunCommand,
  check: runJepsenCheckCommand,
};

export async function runJepsenCommand(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? process.stderr : process.stdout).write(JEPSEN_USAGE);
    return name === undefined ? 2 : 0;
  }
  const run = SUBCOMMANDS[name];
  if (run === undefined) {
    process.stderr.write(`ketch jepsen: unknown command '${name}'\n\n${JEPSEN_USAGE}`);
    return 2;
  }
  return run(rest);
}
