import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface HashedFile {
  sha256: string;
  size: number;
  /** The first bytes, for content-type detection without a second read. */
  head: Buffer;
}

const HEAD_BYTES = 4096;

/** Hashes a file as a stream (memory stays flat for large files) and keeps its first bytes. */
export function hashFile(path: Buffer | string): Promise<HashedFile> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const headParts: Buffer[] = [];
    let headLength = 0;
    let size = 0;
    const stream = createReadStream(path as string, { highWaterMark: 1 << 20 });
    stream.on('data', (chunk) => {
      const buffer = chunk as Buffer;
      hash.update(buffer);
      size += buffer.length;
      if (headLength < HEAD_BYTES) {
        const part = buffer.subarray(0, HEAD_BYTES - headLength);
        headParts.push(part);
        headLength += part.length;
      }
    });
    stream.on('error', reject);
    stream.on('end', () => resolve({ sha256: hash.digest('hex'), size, head: Buffer.concat(headParts) }));
  });
}
