/**
 * `ketch snapshot save FILE`: copies one member's backend to FILE (written as FILE.part, then
 * renamed), as etcdctl snapshot save.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { CliError, clientErrorMessage, ExitCode, newClient, runGroup, runWithFlags } from './client_flags.js';

const GO_ERRNO: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
};

/** Go's *PathError text for a failed file operation. */
function goPathError(op: string, path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return `${op} ${path}: ${GO_ERRNO[code] ?? (err as Error).message}`;
}

async function save(argv: readonly string[]): Promise<number> {
  return runWithFlags(argv, {}, 'usage: ketch snapshot save <filename>\n', async (f, g) => {
    if (f.positionals.length !== 1) throw new CliError(ExitCode.BAD_ARGS, 'snapshot save expects one argument');
    if (g.endpoints.length !== 1) throw new CliError(ExitCode.INTERRUPTED, `snapshot must be requested to one selected node, not multiple [${g.endpoints.join(' ')}]`);
    const path = f.positionals[0]!;
    const part = `${path}.part`;
    const file = createWriteStream(part, { mode: 0o600 });
    const opened = new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve());
      file.once('error', reject);
    });
    try {
      await opened;
    } catch (err) {
      throw new CliError(ExitCode.INTERRUPTED, `could not open ${part} (${goPathError('open', part, err)})`);
    }
    const client = newClient(g);
    try {
      await pipeline(client.snapshot({ endpoint: g.endpoints[0]! }), file);
      await rename(part, path);
    } catch (err) {
      await rm(part, { force: true });
      throw new CliError(ExitCode.INTERRUPTED, clientErrorMessage(err));
    } finally {
      client.close();
    }
    process.stdout.write(`Snapshot saved at ${path}\n`);
  });
}

export function runSnapshotCommand(argv: readonly string[]): Promise<number> {
  return runGroup('snapshot', argv, {
    save: { about: 'stores an etcd node backend snapshot to a given file', run: save },
  });
}
