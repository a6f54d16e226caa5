#!/usr/bin/env node
/**
 * The `ketch` command: a thin dispatcher to one module per subcommand.
 */
import { runSimCommand } from './sim.js';
import { runStoreCommand } from './store.js';
import { runUpCommand } from './up.js';

const COMMANDS: Readonly<Record<string, { readonly about: string; readonly run: (argv: readonly string[]) => Promise<number> }>> = {
  up: { about: 'start a local cluster of store members (data in ./.ketch)', run: runUpCommand },
  store: { about: 'run one store member (etcd flags)', run: runStoreCommand },
  sim: { about: 'run the deterministic Raft cluster simulator over a range of seeds', run: runSimCommand },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)}${c.about}`);
  return `usage: ketch <command> [flags]\n\ncommands:\n${lines.join('\n')}\n\nRun 'ketch <command> --help' for a command's flags.\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? process.stderr : process.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`ketch: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ketch: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
