/**
 * Decides what a file is from its first bytes. The extension is never consulted: scanners, phones and
 * mail gateways name files freely (a `.jpg` that is really a PDF, a `.pdf` that is an HTML error page),
 * and every later stage trusts this answer.
 */

export type FileType = 'jpeg' | 'png' | 'tiff' | 'webp' | 'heif' | 'pdf';

/** Every type docintel can read, in a stable order (for messages and `--help`). */
export const FILE_TYPES: readonly FileType[] = ['jpeg', 'png', 'tiff', 'webp', 'heif', 'pdf'];

/**
 * How many leading bytes `detectFileType` looks at. A PDF may start with junk (mail headers, a BOM):
 * Acrobat accepts `%PDF-` starting anywhere in the first 1024 bytes (PDF Reference 1.7, appendix H,
 * implementation note 13), and so do we.
 */
export const DETECT_HEAD_BYTES = 1024;

const MIME: Readonly<Record<FileType, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  tiff: 'image/tiff',
  webp: 'image/webp',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

/**
 * ISO-BMFF brands that mean a still image (or image sequence) in the HEIF family: HEIC/HEVC, the
 * generic MIAF/HEIF brands, and AVIF. An MP4 video (`isom`, `mp41`, ...) carries none of them.
 */
const HEIF_BRANDS: ReadonlySet<string> = new Set([
  'heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs',
  'mif1', 'mif2', 'msf1', 'miaf',
  'avif', 'avis', 'avio',
]);

const PDF_MARKER = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

/** The file type judged from `head` (the first bytes of the file; 1024 are enough), or undefined. */
export function detectFileType(head: Uint8Array): FileType | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  // Classic TIFF (42) and BigTIFF (43), little- and big-endian.
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(head, [0x49, 0x49, 0x2b, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])) return 'tiff';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'webp';
  if (isHeif(head)) return 'heif';
  if (indexOf(head, PDF_MARKER, DETECT_HEAD_BYTES) >= 0) return 'pdf';
  return undefined;
}

/** The MIME type recorded for a detected file type. */
export function mimeOf(type: FileType): string {
  return MIME[type];
}

/**
 * HEIF files open with an `ftyp` box: size (4 bytes, big-endian), 'ftyp', major brand, minor version,
 * then compatible brands up to the box size. Phones often write a generic major brand (`mif1`) with
 * `heic` only among the compatible ones, so all brands are checked.
 */
function isHeif(head: Uint8Array): boolean {
  if (head.length < 12 || ascii(head, 4, 8) !== 'ftyp') return false;
  const boxSize = ((head[0] ?? 0) << 24 >>> 0) + ((head[1] ?? 0) << 16) + ((head[2] ?? 0) << 8) + (head[3] ?? 0);
  if (HEIF_BRANDS.has(ascii(head, 8, 12))) return true;
  // Size 0 means "to the end of the file" and 1 a 64-bit size follows; neither occurs for a real ftyp box,
  // so fall back to what we have of the head.
  const end = Math.min(head.length, boxSize >= 16 ? boxSize : head.length, 4096);
  for (let offset = 16; offset + 4 <= end; offset += 4) {
    if (HEIF_BRANDS.has(ascii(head, offset, offset + 4))) return true;
  }
  return false;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  if (bytes.length < prefix.length) return false;
  return prefix.every((byte, i) => bytes[i] === byte);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  if (bytes.length < end) return '';
  return String.fromCharCode(...bytes.subarray(start, end));
}

/** First index < `limit` where `needle` starts, or -1. */
function indexOf(bytes: Uint8Array, needle: readonly number[], limit: number): number {
  const last = Math.min(bytes.length - needle.length, limit - 1);
  outer: for (let i = 0; i <= last; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (bytes[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}
