import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { DocintelError } from '../errors.js';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

/**
 * Takes `<dir>.lock` with O_EXCL so only one process uses `dir` at a time. A lock left behind by a
 * process that died (kill -9, power loss) on this host is taken over; one held by a live process, or by
 * another host (a shared disk), is a RUN_LOCKED error naming the owner. Returns the release function.
 */
export function acquireDirectoryLock(dir: string, what: string): () => void {
  const path = `${dir}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const current = readOwner(path);
        if (current?.pid === process.pid && current.host === owner.host) rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new DocintelError('DB_UNREACHABLE', `Cannot create the lock file ${path} for ${what}`, {
          cause: error,
          hint: 'Check that the directory is writable by this user.',
        });
      }
      const owner = readOwner(path);
      const stale = owner === undefined || (owner.host === hostname() && !isAlive(owner.pid));
      if (stale) {
        rmSync(path, { force: true });
        continue;
      }
      throw new DocintelError(
        'RUN_LOCKED',
        `Another run is in progress since ${owner.since} on ${owner.host} (pid ${owner.pid}): ${what} in ${dir} is in use`,
        { hint: `Wait for it to finish. If no such process exists, delete ${path}.`, details: { ...owner } },
      );
    }
  }
  throw new DocintelError('RUN_LOCKED', `Cannot take the lock ${path} for ${what}`, {
    hint: `Delete ${path} if no docintel process is running.`,
  });
}
