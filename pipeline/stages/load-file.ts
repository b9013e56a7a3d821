/**
 * Reads a document's bytes from disk for processing, turning every way that can go wrong into a
 * recorded error code. Originals are opened read-only and never written.
 */
import { open } from 'node:fs/promises';
import { DocintelError } from '../errors.js';

export interface LoadedFile {
  bytes: Buffer;
  size: number;
}

/** Turns a fs error into the per-document code a person can act on. */
export function fileError(error: unknown, path: string): DocintelError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new DocintelError('FILE_VANISHED', `File ${path} was deleted or moved before it could be read`, {
      cause: error,
      hint: 'Nothing to do if that was intended; otherwise put it back and run again.',
    });
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new DocintelError('FILE_UNREADABLE', `No permission to read ${path}`, {
      cause: error,
      hint: 'Give the docintel user read access (e.g. chmod o+r), then run `docintel retry`.',
    });
  }
  if (code === 'EISDIR') {
    return new DocintelError('FILE_UNREADABLE', `${path} is a directory, not a file`, { cause: error });
  }
  return new DocintelError('FILE_UNREADABLE', `Cannot read ${path}: ${(error as Error).message}`, { cause: error });
}

export async function loadFile(pathBytes: Buffer | string, shownPath: string, maxBytes: number): Promise<LoadedFile> {
  let handle;
  try {
    handle = await open(pathBytes as string, 'r');
  } catch (error) {
    throw fileError(error, shownPath);
  }
  try {
    const info = await handle.stat();
    if (info.size === 0) {
      throw new DocintelError('FILE_EMPTY', `File ${shownPath} is empty (0 bytes)`, {
        hint: 'The copy into the folder probably failed; copy the document again.',
      });
    }
    if (info.size > maxBytes) {
      throw new DocintelError(
        'FILE_TOO_LARGE',
        `File ${shownPath} is ${(info.size / 2 ** 20).toFixed(1)} MiB, above the limit of ${(maxBytes / 2 ** 20).toFixed(0)} MiB`,
        { hint: 'Raise --max-file-mb if this file is genuine.' },
      );
    }
    const bytes = await handle.readFile();
    return { bytes, size: bytes.length };
  } catch (error) {
    if (error instanceof DocintelError) throw error;
    throw fileError(error, shownPath);
  } finally {
    await handle.close();
  }
}
