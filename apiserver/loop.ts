import type { Logger } from 'pino';

/**
 * A control loop of the API server (namespace lifecycle, garbage collection, the kubernetes
 * service): `run` every `periodMs` after the previous run ends, never two at once; a failed run is
 * logged and the next one tries again. Its timer does not keep the process alive.
 */
export function startLoop(periodMs: number, run: () => Promise<void>, log: Logger, failure: string): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void run()
        .catch((err: unknown) => log.warn({ err }, failure))
        .finally(schedule);
    }, periodMs);
    timer.unref();
  };
  schedule();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
