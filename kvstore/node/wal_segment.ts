import { open, readdir, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * One segment file of the WAL: `<seq:016x>-<firstIndex:016x>.wal`, where `seq` numbers segments
 * from 0 without gaps and `firstIndex` is the raft index the segment's first entry would have.
 *
 * Segments are preallocated with real zeros (not a sparse hole), so that an append only overwrites
 * blocks the file already owns: the file's size and extents do not change and fdatasync has only
 * the data to flush.
 */
export interface SegmentName {
  readonly seq: number;
  readonly firstIndex: number;
  readonly file: string;
}

const NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

export function segmentFileName(seq: number, firstIndex: number): string {
  return `${hex16(seq)}-${hex16(firstIndex)}.wal`;
}

export function parseSegmentFileName(file: string): SegmentName | undefined {
  const m = NAME.exec(file);
  if (m === null) return undefined;
  return { seq: parseInt(m[1] as string, 16), firstIndex: parseInt(m[2] as string, 16), file };
}

/** The segments in `dir`, by sequence number. Other files are ignored. */
export async function listSegments(dir: string): Promise<SegmentName[]> {
  const names: SegmentName[] = [];
  for (const file of await readdir(dir)) {
    const name = parseSegmentFileName(file);
    if (name !== undefined) names.push(name);
  }
  return names.sort((a, b) => a.seq - b.seq);
}

/** Creates (or replaces) `path` as `bytes` zero bytes, durably. */
export async function preallocate(path: string, bytes: number): Promise<void> {
  const fd = await open(path, 'w');
  try {
    await writeZeros(fd, 0, bytes);
    await fd.sync();
  } finally {
    await fd.close();
  }
}

/** Overwrites [from, to) of an open file with zeros (not durable until the caller syncs). */
async function writeZeros(fd: FileHandle, from: number, to: number): Promise<void> {
  for (let o = from; o < to; o += ZERO_CHUNK.length) await writeFully(fd, ZERO_CHUNK.subarray(0, Math.min(ZERO_CHUNK.length, to - o)), o);
}

/** Makes a directory's entries (created, renamed, deleted files) durable. */
export async function syncDir(dir: string): Promise<void> {
  const fd = await open(dir, 'r');
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
}

/** The segment being appended to: writes go at `offset`, which only moves forward. */
export class SegmentFile {
  private constructor(
    private readonly fd: FileHandle,
    readonly path: string,
    private writeOffset: number,
  ) {}

  /** Opens an existing segment to append at `offset` (the end of its valid records). */
  static async openAt(path: string, offset: number): Promise<SegmentFile> {
    return new SegmentFile(await open(path, 'r+'), path, offset);
  }

  /**
   * Turns a preallocated file into the segment `path`: writes `header` at its start, makes it
   * durable, then renames it into place (and syncs the directory), so that a segment never exists
   * without its header.
   */
  static async install(preallocated: string, path: string, header: Buffer): Promise<SegmentFile> {
    const fd = await open(preallocated, 'r+');
    try {
      await writeFully(fd, header, 0);
      await fd.datasync();
      await rename(preallocated, path);
      await syncDir(dirname(path));
    } catch (err) {
      await fd.close();
      throw err;
    }
    return new SegmentFile(fd, path, header.length);
  }

  get offset(): number {
    return this.writeOffset;
  }

  /** Writes `data` at the current offset (durable only after sync()). */
  async append(data: Buffer): Promise<void> {
    await writeFully(this.fd, data, this.writeOffset);
    this.writeOffset += data.length;
  }

  /** Overwrites everything from the offset up to `end` with zeros: erases a torn write. */
  async eraseFrom(end: number): Promise<void> {
    await writeZeros(this.fd, this.writeOffset, end);
  }

  /** fdatasync: the data written so far is durable when this resolves. */
  async sync(): Promise<void> {
    await this.fd.datasync();
  }

  async close(): Promise<void> {
    await this.fd.close();
  }
}

const ZERO_CHUNK = Buffer.alloc(1024 * 1024);

async function writeFully(fd: FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fd.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

function hex16(n: number): string {
  return n.toString(16).padStart(16, '0');
}
