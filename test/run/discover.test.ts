import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodePath, discoverFiles, displayPath, type SkipReason } from '../../pipeline/discover.js';

async function collect(folder: string, settleMs = 0) {
  const skipped: [string, SkipReason][] = [];
  const files: string[] = [];
  for await (const file of discoverFiles(folder, { settleMs, onSkip: (path, reason) => skipped.push([path, reason]) })) {
    files.push(file.path.slice(folder.length + 1));
  }
  return { files: files.sort(), skipped };
}

describe('discoverFiles', () => {
  let root: string;
  let outside: string;
  const old = new Date(Date.now() - 3600_000);

  function file(relative: string, content = 'x'): void {
    const full = join(root, relative);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, content);
    utimesSync(full, old, old);
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'docintel-discover-'));
    outside = mkdtempSync(join(tmpdir(), 'docintel-outside-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('walks sub-folders and skips hidden, temporary and lock files', async () => {
    file('a.jpg');
    file('2024/03/b.pdf');
    file('.hidden.jpg');
    file('.git/config');
    file('~$report.docx');
    file('scan.pdf.part');
    file('photo.jpg.crdownload');
    file('Thumbs.db');
    const { files, skipped } = await collect(root);
    expect(files).toEqual(['2024/03/b.pdf', 'a.jpg']);
    const reasons = Object.fromEntries(skipped.map(([path, reason]) => [path.slice(root.length + 1), reason]));
    expect(reasons).toMatchObject({
      '.hidden.jpg': 'hidden',
      '.git': 'hidden',
      '~$report.docx': 'temporary',
      'scan.pdf.part': 'temporary',
      'photo.jpg.crdownload': 'temporary',
      'Thumbs.db': 'temporary',
    });
  });

  it('leaves a file that is still being written (modified within the settle time)', async () => {
    file('old.jpg');
    writeFileSync(join(root, 'fresh.jpg'), 'being copied');
    const { files, skipped } = await collect(root, 60_000);
    expect(files).toEqual(['old.jpg']);
    expect(skipped).toContainEqual([join(root, 'fresh.jpg'), 'settling']);
  });

  it('follows symlinks inside the folder, never outside, and survives loops', async () => {
    file('real/doc.jpg');
    writeFileSync(join(outside, 'secret.jpg'), 'no');
    symlinkSync(join(outside, 'secret.jpg'), join(root, 'escape.jpg'));
    symlinkSync(outside, join(root, 'escape-dir'));
    symlinkSync(join(root, 'real'), join(root, 'real', 'loop'));
    symlinkSync(join(root, 'real', 'doc.jpg'), join(root, 'alias.jpg'));
    symlinkSync(join(root, 'missing.jpg'), join(root, 'broken.jpg'));
    const { files, skipped } = await collect(root);
    expect(files).toEqual(['alias.jpg', 'real/doc.jpg']);
    const reasons = Object.fromEntries(skipped.map(([path, reason]) => [path.slice(root.length + 1), reason]));
    expect(reasons['escape.jpg']).toBe('outside-folder');
    expect(reasons['escape-dir']).toBe('outside-folder');
    expect(reasons['real/loop']).toBe('loop');
    expect(reasons['broken.jpg']).toBe('unreadable');
  });

  it('handles names with spaces, newlines and bytes that are not UTF-8', async () => {
    file('with space.jpg');
    file('new\nline.jpg');
    file('收據 2024.jpg');
    const latin1 = Buffer.concat([Buffer.from(root + '/caf'), Buffer.from([0xe9]), Buffer.from('.jpg')]);
    writeFileSync(latin1, 'x');
    utimesSync(latin1, old, old);
    const found: { path: string; escaped: boolean; bytes: Buffer }[] = [];
    for await (const f of discoverFiles(root, { settleMs: 0 })) found.push({ path: f.path, escaped: f.pathIsEscaped, bytes: f.pathBytes });
    const names = found.map((f) => f.path.slice(root.length + 1)).sort();
    expect(names).toEqual(['caf%E9.jpg', 'new\nline.jpg', 'with space.jpg', '收據 2024.jpg']);
    const escaped = found.find((f) => f.escaped)!;
    expect(Buffer.compare(escaped.bytes, latin1)).toBe(0);
    expect(Buffer.compare(decodePath(escaped.path, true) as Buffer, latin1)).toBe(0);
  });

  it('escapes only what it must, and a literal % survives the round trip', () => {
    const bytes = Buffer.from([0x61, 0x25, 0xff, 0x62]);
    const shown = displayPath(bytes);
    expect(shown).toEqual({ path: 'a%25%FFb', escaped: true });
    expect(Buffer.compare(decodePath(shown.path, true) as Buffer, bytes)).toBe(0);
    expect(displayPath(Buffer.from('a%b'))).toEqual({ path: 'a%b', escaped: false });
  });

  it('fails clearly for a folder that does not exist', async () => {
    await expect(collect(join(root, 'nope'))).rejects.toMatchObject({ code: 'FOLDER_NOT_FOUND' });
  });
});
