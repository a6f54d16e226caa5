#!/usr/bin/env node
/**
 * The `ketch` command: a thin dispatcher to one module per subcommand.
 */
type Run = (argv: readonly string[]) => Promise<number>;

/** Each command's module is loaded only when it runs: a client command need not load the store. */
const lazy =
  <M>(load: () => Promise<M>, pick: (m: M) => Run): Run =>
  async (argv) =>
    pick(await load())(argv);

const COMMANDS: Readonly<Record<string, { readonly about: string; readonly run: Run }>> = {
  up: { about: 'start a local cluster of store members (data in ./.ketch)', run: lazy(() => import('./up.js'), (m) => m.runUpCommand) },
  store: { about: 'run one store member (etcd flags)', run: lazy(() => import('./store.js'), (m) => m.runStoreCommand) },
  apiserver: { about: 'run the Kubernetes-style API server (kube-apiserver flags)', run: lazy(() => import('./apiserver.js'), (m) => m.runApiserverCommand) },
  certs: { about: 'make the CA and API server certificates', run: lazy(() => import('./certs.js'), (m) => m.runCertsCommand) },
  kv: { about: 'put, get, del, txn, watch, compact (etcdctl flags and output)', run: lazy(() => import('./kv.js'), (m) => m.runKvCommand) },
  lease: { about: 'grant, revoke, keep-alive, timetolive, list leases', run: lazy(() => import('./lease.js'), (m) => m.runLeaseCommand) },
  member: { about: 'list, add, remove, promote members', run: lazy(() => import('./member.js'), (m) => m.runMemberCommand) },
  endpoint: { about: 'status and health of endpoints', run: lazy(() => import('./endpoint.js'), (m) => m.runEndpointCommand) },
  snapshot: { about: 'save a member backend snapshot to a file', run: lazy(() => import('./snapshot.js'), (m) => m.runSnapshotCommand) },
  sim: { about: 'run the deterministic Raft cluster simulator over a range of seeds', run: lazy(() => import('./sim.js'), (m) => m.runSimCommand) },
  jepsen: { about: 'check recorded histories for linearizability (Jepsen-style suite)', run: lazy(() => import('./jepsen.js'), (m) => m.runJepsenCommand) },
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
