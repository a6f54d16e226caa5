import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { describePlan, runSeed, type SimOptions, type SimResult } from '../raft/sim/index.js';

/**
 * `ketch sim`: runs the deterministic cluster simulator over a range of seeds. Progress goes to
 * stderr; results, replay commands and traces to stdout, ending with the line `N passed, M failed`.
 */
export const SIM_USAGE = `usage: ketch sim [--seeds N] [--seed-start S] [--workers K] [--verbose] [--trace] [--unsafe-forget-votes]

Runs seeds S..S+N-1 of the Raft cluster simulator (faults, then healing; invariants checked after
every event). A failing seed prints the command that replays it exactly.

  --seeds N        how many seeds (default 100)
  --seed-start S   the first seed (default 0)
  --workers K      worker threads to spread the seeds over (default 1)
  --verbose        one line per seed: plan and statistics
  --trace          print the full trace of failing seeds (always, for a single failing seed)
  --unsafe-forget-votes
                   break the simulated driver on purpose (votes are not persisted), to see the
                   checkers catch it; every seed should fail
`;

/** What a seed's run reports back, small enough to pass between threads. */
interface SeedOutcome {
  readonly seed: number;
  readonly ok: boolean;
  readonly error: string | undefined;
  readonly summary: string;
}

interface WorkerJob {
  readonly ketchSim: true;
  readonly seeds: readonly number[];
  readonly options: SimOptions;
}

export async function runSimCommand(argv: readonly string[]): Promise<number> {
  let flags;
  try {
    flags = parseArgs({
      args: [...argv],
      options: {
        seeds: { type: 'string', default: '100' },
        'seed-start': { type: 'string', default: '0' },
        workers: { type: 'string', default: '1' },
        verbose: { type: 'boolean', default: false },
        trace: { type: 'boolean', default: false },
        'unsafe-forget-votes': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    process.stderr.write(`ketch sim: ${(err as Error).message}\n\n${SIM_USAGE}`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(SIM_USAGE);
    return 0;
  }
  // Output piped into a reader that stops early (`| head`): stop quietly rather than crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
  const count = wholeNumber(flags.seeds, 1);
  const start = wholeNumber(flags['seed-start'], 0);
  const workers = wholeNumber(flags.workers, 1);
  if (count === undefined || start === undefined || workers === undefined || start + count > 0x1_0000_0000) {
    process.stderr.write(`ketch sim: --seeds and --workers take whole numbers >= 1, --seed-start a whole number >= 0 (seeds are 32-bit)\n\n${SIM_USAGE}`);
    return 2;
  }

  const options: SimOptions = flags['unsafe-forget-votes'] ? { unsafeDriver: 'forgetVotes' } : {};
  if (options.unsafeDriver !== undefined) process.stderr.write('ketch sim: WARNING: --unsafe-forget-votes breaks the simulated driver on purpose\n');
  const seeds = Array.from({ length: count }, (_, i) => start + i);
  const startedMs = performance.now();
  let done = 0;
  let failed = 0;
  let lastProgressMs = startedMs;
  const failures: SeedOutcome[] = [];
  const onOutcome = (o: SeedOutcome): void => {
    done++;
    if (!o.ok) {
      failed++;
      failures.push(o);
    }
    if (flags.verbose) process.stdout.write(`seed ${o.seed} ${o.ok ? 'ok' : `FAILED: ${o.error}`} ${o.summary}\n`);
    const now = performance.now();
    if (now - lastProgressMs >= 2_000 || done === count) {
      lastProgressMs = now;
      const rate = done / ((now - startedMs) / 1000);
      process.stderr.write(`sim: ${done}/${count} seeds, ${rate.toFixed(1)} seeds/s, ${failed} failed\n`);
    }
  };

  if (workers <= 1 || count === 1) for (const seed of seeds) onOutcome(outcomeOf(runSeed(seed, options)));
  else await runInWorkers(seeds, Math.min(workers, count), options, onOutcome);

  failures.sort((a, b) => a.seed - b.seed);
  const unsafeFlag = options.unsafeDriver === undefined ? '' : ' --unsafe-forget-votes';
  for (const f of failures) {
    process.stdout.write(`seed ${f.seed} FAILED: ${f.error}\n  replay: npm run sim -- --seeds 1 --seed-start ${f.seed} --trace${unsafeFlag}\n`);
    if (flags.trace || count === 1) printTrace(f, options);
  }
  if (flags.trace && count === 1 && failures.length === 0) printTrace({ seed: start, ok: true, error: undefined, summary: '' }, options);
  process.stdout.write(`${count - failed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

/** Replays a seed keeping every trace record, and prints it. The replay must fail the same way. */
function printTrace(o: SeedOutcome, options: SimOptions): void {
  const replay = runSeed(o.seed, { ...options, traceLimit: Infinity });
  process.stdout.write(`--- trace of seed ${o.seed} (${describePlan(replay.plan)}) ---\n`);
  process.stdout.write(`${replay.trace.lines().join('\n')}\n`);
  process.stdout.write(`--- end of trace of seed ${o.seed} ---\n`);
  const replayError = replay.error?.message;
  if (replayError !== o.error) {
    process.stdout.write(`warning: the replay of seed ${o.seed} ended differently (${replayError ?? 'ok'}): the simulation is not deterministic\n`);
  }
}

function outcomeOf(r: SimResult): SeedOutcome {
  const s = r.stats;
  const summary =
    `${describePlan(r.plan)} | virtual=${Math.round(s.virtualMs)}ms events=${s.events} committed=${s.committedIndex} ` +
    `commands=${s.commandsApplied}/${s.commandsProposed} leaders=${s.leadersElected} maxTerm=${s.maxTerm} crashes=${s.crashes} ` +
    `dropped=${s.dropped} snapshotsSent=${s.snapshotsSent} confChanges=${s.confChangesApplied} reads=${s.readStates} ` +
    `final voters=[${s.finalVoters.join(',')}] learners=[${s.finalLearners.join(',')}]`;
  return { seed: r.seed, ok: r.ok, error: r.error?.message, summary };
}

async function runInWorkers(seeds: readonly number[], workers: number, options: SimOptions, onOutcome: (o: SeedOutcome) => void): Promise<void> {
  const runs: Promise<void>[] = [];
  for (let w = 0; w < workers; w++) {
    const job: WorkerJob = { ketchSim: true, seeds: seeds.filter((_, i) => i % workers === w), options };
    runs.push(
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(new URL(import.meta.url), { workerData: job });
        worker.on('message', (o: SeedOutcome) => onOutcome(o));
        worker.on('error', reject);
        worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sim worker exited with code ${code}`))));
      }),
    );
  }
  await Promise.all(runs);
}

function wholeNumber(text: string | undefined, min: number): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= min ? n : undefined;
}

// Inside a worker thread started by runInWorkers: run the assigned seeds and report each one.
if (!isMainThread && parentPort !== null && (workerData as Partial<WorkerJob> | null)?.ketchSim === true) {
  const job = workerData as WorkerJob;
  for (const seed of job.seeds) parentPort.postMessage(outcomeOf(runSeed(seed, job.options)));
}
