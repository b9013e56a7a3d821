import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../pipeline/limit.js';
import { jsonLinesSink, ttyProgressSink } from '../../pipeline/progress.js';
import { formatSummary } from '../../pipeline/summary.js';
import type { RunSummary } from '../../pipeline/runner.js';

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out += chunk.toString();
      callback();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { columns: 200, isTTY: true });
  return { stream, text: () => out };
}

describe('progress output', () => {
  it('draws a bar with done/total, stages, rate and ETA on a terminal', () => {
    let now = 0;
    const out = capture();
    const sink = ttyProgressSink(out.stream, () => now);
    sink.emit({ type: 'queue', total: 4 });
    sink.emit({ type: 'document-started', documentId: 1, path: '/a', attempt: 1 });
    sink.emit({ type: 'stage', documentId: 1, stage: 'read' });
    now = 30_000;
    sink.emit({ type: 'document-done', documentId: 1, path: '/a', pages: 1, ms: 30_000 });
    sink.emit({ type: 'document-failed', documentId: 2, path: '/b.jpg', stage: 'preprocess', code: 'IMAGE_CORRUPT', message: 'truncated', final: false });
    sink.close();
    const text = out.text();
    expect(text).toContain('failed [IMAGE_CORRUPT] /b.jpg: truncated\n');
    expect(text).toMatch(/\[#{12}\.{12}\] 2\/4 done 1 failed 1 \| 4\.0\/min ETA 0:30/);
  });

  it('writes one JSON object per line, without the unchanged-file noise', () => {
    const out = capture();
    const sink = jsonLinesSink(out.stream);
    sink.emit({ type: 'skipped', path: '/a', reason: 'unchanged' });
    sink.emit({ type: 'document-done', documentId: 3, path: '/c', pages: 2, ms: 5 });
    const lines = out.text().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ type: 'document-done', documentId: 3, pages: 2 });
    expect(typeof lines[0]!.time).toBe('string');
  });

  it('summarises a run with failures by code and the hint to retry', () => {
    const summary: RunSummary = {
      runId: 7, folder: '/inbox', status: 'finished', startedAt: '', finishedAt: '', wallMs: 1500,
      files: { seen: 3, new: 2, unchanged: 1, duplicate: 0, rehashed: 0, skipped: { hidden: 1 } },
      documents: { queued: 2, done: 1, failed: 1, failedByCode: { PDF_CORRUPT: 1 }, leftFailed: 0 },
      stageMs: { read: 1200 },
      pagesTurned: 0,
      turnedReads: 0,
      failures: [{ documentId: 9, path: '/inbox/x.pdf', stage: 'preprocess', code: 'PDF_CORRUPT', message: 'broken xref', attempts: 3, final: true }],
    };
    const text = formatSummary(summary);
    expect(text).toContain('docintel run 7 finished in 1.5s over /inbox');
    expect(text).toMatch(/PDF_CORRUPT\s+1/);
    expect(text).toContain('#9 [PDF_CORRUPT] at preprocess: /inbox/x.pdf');
    expect(text).toContain('`docintel retry`');
    expect(text).not.toContain('OCR');
  });

  it('shows how the OCR languages were used in auto mode', () => {
    const summary: RunSummary = {
      runId: 8, folder: '/inbox', status: 'finished', startedAt: '', finishedAt: '', wallMs: 900,
      files: { seen: 5, new: 5, unchanged: 0, duplicate: 0, rehashed: 0, skipped: {} },
      documents: { queued: 5, done: 5, failed: 0, failedByCode: {}, leftFailed: 0 },
      stageMs: { read: 800 },
      ocr: { engine: 'tesseract', pages: 5, failed: 0, languageMode: 'auto', languageUse: { firstLanguageOnly: 3, escalated: 1, direct: 1, linesRetried: 4, linesReplaced: 2 } },
      pagesTurned: 0,
      turnedReads: 0,
      failures: [],
    };
    const text = formatSummary(summary);
    expect(text).toMatch(/OCR\n\s+engine\s+tesseract\n\s+pages read\s+5\n\s+first language only\s+3\n\s+read again, all languages\s+1\n\s+all languages at once\s+1\n\s+lines re-read \/ replaced\s+4 \/ 2/);
  });
});

describe('formatSummary with PP-OCR', () => {
  it('names the engine and counts the Chinese pages given in Traditional characters', () => {
    const summary: RunSummary = {
      runId: 9, folder: '/inbox', status: 'finished', startedAt: '', finishedAt: '', wallMs: 900,
      files: { seen: 3, new: 3, unchanged: 0, duplicate: 0, rehashed: 0, skipped: {} },
      documents: { queued: 3, done: 3, failed: 0, failedByCode: {}, leftFailed: 0 },
      stageMs: { read: 800 },
      ocr: { engine: 'ppocr', pages: 3, failed: 0, chinesePages: 1 },
      pagesTurned: 0,
      turnedReads: 0,
      failures: [],
    };
    expect(formatSummary(summary)).toMatch(/OCR\n\s+engine\s+ppocr\n\s+pages read\s+3\n\s+Chinese, in Traditional\s+1\n/);
    expect(formatSummary(summary)).not.toContain('turned');
  });

  it('counts the pages kept turned because they were scanned sideways or upside down', () => {
    const summary: RunSummary = {
      runId: 10, folder: '/inbox', status: 'finished', startedAt: '', finishedAt: '', wallMs: 900,
      files: { seen: 2, new: 2, unchanged: 0, duplicate: 0, rehashed: 0, skipped: {} },
      documents: { queued: 2, done: 2, failed: 0, failedByCode: {}, leftFailed: 0 },
      stageMs: { read: 800 },
      ocr: { engine: 'ppocr', pages: 5, failed: 0 },
      pagesTurned: 1,
      turnedReads: 3,
      failures: [],
    };
    // Of the 5 OCR passes, 3 were over pages tried turned; one page was kept turned.
    expect(formatSummary(summary)).toMatch(/pages read\s+5\n\s+of them read turned\s+3\n\s+turned upright\s+1\n/);
  });

  it('counts duplicate claims flagged and taken off, and says nothing of them when there were none', () => {
    const summary: RunSummary = {
      runId: 11, folder: '/inbox', status: 'finished', startedAt: '', finishedAt: '', wallMs: 900,
      files: { seen: 0, new: 0, unchanged: 0, duplicate: 0, rehashed: 0, skipped: {} },
      documents: { queued: 0, done: 0, failed: 0, failedByCode: {}, leftFailed: 0 },
      stageMs: {},
      pagesTurned: 0,
      turnedReads: 0,
      failures: [],
      duplicateClaims: { flagged: 2, cleared: 1 },
    };
    expect(formatSummary(summary)).toMatch(/duplicate claims \(one purchase, two files\)\n\s+flagged for review\s+2\n\s+no longer duplicates\s+1\n/);
    expect(formatSummary({ ...summary, duplicateClaims: { flagged: 0, cleared: 0 } })).not.toContain('duplicate claims');
  });
});

describe('createLimiter', () => {
  it('never runs more than its concurrency at once and runs everything', async () => {
    const limit = createLimiter(2);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        limit.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(() => createLimiter(0)).toThrow(/concurrency must be a whole number >= 1, received 0/);
  });
});
