/**
 * Discover: walks the inbox folder as a stream (one directory handle at a time, never the whole
 * listing in memory), yielding the regular files worth registering.
 *
 * - Symlinks are followed only when their target stays inside the folder; loops are cut by
 *   remembering the (device, inode) of every directory entered.
 * - Hidden files, office lock files and partial downloads are skipped, as are files modified within
 *   the settle time (probably still being copied in): the next run picks them up.
 * - Names are handled as bytes, so a file name that is not valid UTF-8 is still processed; its
 *   stored path is percent-escaped (see displayPath).
 */
import { opendir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { sep } from 'node:path';
import { DocintelError } from './errors.js';

export interface DiscoveredFile {
  /** Absolute path as bytes (always usable with fs, whatever the name's encoding). */
  pathBytes: Buffer;
  /** Absolute path for storage and messages (percent-escaped when not valid UTF-8). */
  path: string;
  pathIsEscaped: boolean;
  size: number;
  mtimeMs: number;
}

export type SkipReason = 'hidden' | 'temporary' | 'settling' | 'outside-folder' | 'loop' | 'not-a-file' | 'unreadable';

export interface DiscoverEvents {
  /** Called for every entry passed over, with why (for the run summary). */
  onSkip?: (path: string, reason: SkipReason, detail?: string) => void;
}

export interface DiscoverOptions extends DiscoverEvents {
  /** Files modified less than this long ago are left for the next run. Default 2000 ms. */
  settleMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

const TEMPORARY = [
  /^~\$/, // Office owner files
  /^\.~lock\./, // LibreOffice locks
  /\.(part|partial|crdownload|download|tmp|temp|swp|swx|lock)$/i,
  /^(thumbs\.db|desktop\.ini)$/i,
  /~$/, // editor backups
];

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The path as text: UTF-8 when valid, otherwise percent-escaped bytes (reversible, stays ASCII). */
export function displayPath(bytes: Buffer): { path: string; escaped: boolean } {
  try {
    return { path: utf8.decode(bytes), escaped: false };
  } catch {
    let out = '';
    for (const byte of bytes) {
      out += byte >= 0x20 && byte < 0x7f && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    return { path: out, escaped: true };
  }
}

function classify(name: Buffer): SkipReason | undefined {
  if (name[0] === 0x2e /* . */) return 'hidden';
  const text = name.toString('latin1');
  if (TEMPORARY.some((pattern) => pattern.test(text))) return 'temporary';
  return undefined;
}

function join(dir: Buffer, name: Buffer): Buffer {
  return Buffer.concat([dir, Buffer.from(sep), name]);
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Streams the files of `folder`, depth first. */
export async function* discoverFiles(folder: string, options: DiscoverOptions = {}): AsyncGenerator<DiscoveredFile> {
  const settleMs = options.settleMs ?? 2000;
  const now = options.now ?? Date.now;
  let root: string;
  let rootStat: Stats;
  try {
    root = await realpath(folder);
    rootStat = await stat(root);
  } catch (cause) {
    throw new DocintelError('FOLDER_NOT_FOUND', `Cannot open the folder ${folder}`, {
      cause,
      hint: 'Check the path and that this user may read it.',
    });
  }
  if (!rootStat.isDirectory()) {
    throw new DocintelError('FOLDER_NOT_FOUND', `${folder} is not a folder`, { hint: 'Pass the folder that holds the documents.' });
  }
  const visited = new Set<string>([`${rootStat.dev}:${rootStat.ino}`]);
  const skip = (bytes: Buffer, reason: SkipReason, detail?: string) => options.onSkip?.(displayPath(bytes).path, reason, detail);
  const rootBytes = Buffer.from(root);

  // Explicit stack of directories still to read: bounded by depth x siblings pending, not by file count.
  const stack: Buffer[] = [rootBytes];
  while (stack.length > 0) {
    const dirBytes = stack.pop()!;
    let dir;
    try {
      dir = await opendir(dirBytes as unknown as string, { encoding: 'buffer' as BufferEncoding, bufferSize: 64 });
    } catch (error) {
      skip(dirBytes, 'unreadable', (error as Error).message);
      continue;
    }
    const subdirs: Buffer[] = [];
    for await (const entry of dir) {
      const name = entry.name as unknown as Buffer;
      const full = join(dirBytes, name);
      const reason = classify(name);
      if (reason) {
        skip(full, reason);
        continue;
      }
      let info: Stats;
      try {
        if (entry.isSymbolicLink()) {
          const target = await realpath(full as unknown as string);
          if (!isInside(root, target)) {
            skip(full, 'outside-folder', target);
            continue;
          }
        }
        info = await stat(full as unknown as string); // follows a symlink inside the folder
      } catch (error) {
        // A broken link, or a file deleted since the listing.
        skip(full, 'unreadable', (error as Error).message);
        continue;
      }
      if (info.isDirectory()) {
        const key = `${info.dev}:${info.ino}`;
        if (visited.has(key)) {
          skip(full, 'loop');
          continue;
        }
        visited.add(key);
        subdirs.push(full);
        continue;
      }
      if (!info.isFile()) {
        skip(full, 'not-a-file');
        continue;
      }
      if (now() - info.mtimeMs < settleMs) {
        skip(full, 'settling');
        continue;
      }
      const shown = displayPath(full);
      yield { pathBytes: full, path: shown.path, pathIsEscaped: shown.escaped, size: info.size, mtimeMs: info.mtimeMs };
    }
    // Sorted for a stable, reproducible order; pushed reversed so the stack pops them in order.
    subdirs.sort(Buffer.compare);
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
  }
}

/** Reverses discover's percent-escaping of non-UTF-8 names back to the bytes on disk. */
export function decodePath(path: string, escaped: boolean): Buffer | string {
  if (!escaped) return path;
  const bytes: number[] = [];
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '%' && /^[0-9A-F]{2}$/.test(path.slice(i + 1, i + 3))) {
      bytes.push(parseInt(path.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(path.charCodeAt(i));
    }
  }
  return Buffer.from(bytes);
}
