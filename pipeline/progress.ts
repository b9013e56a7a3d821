/**
 * What a run tells the operator while it works: a progress bar on a terminal, JSON lines otherwise
 * (cron, systemd, CI). Both write to stderr so stdout stays for the summary.
 */
export type RunEvent =
  | { type: 'run-started'; runId: number; folder: string }
  | { type: 'discovered'; total: number }
  | { type: 'registered'; path: string; documentId: number; isNew: boolean }
  | { type: 'skipped'; path: string; reason: string; detail?: string }
  | { type: 'queue'; total: number }
  | { type: 'document-started'; documentId: number; path: string; attempt: number }
  | { type: 'document-done'; documentId: number; path: string; pages: number; ms: number }
  | { type: 'document-failed'; documentId: number; path: string; stage: string; code: string; message: string; final: boolean }
  | { type: 'stage'; documentId: number; stage: string }
  | { type: 'interrupted'; signal: string }
  | { type: 'run-finished'; runId: number; status: string };

export interface ProgressSink {
  emit(event: RunEvent): void;
  close(): void;
}

export function jsonLinesSink(stream: NodeJS.WritableStream): ProgressSink {
  return {
    emit(event) {
      // Registration of unchanged files is the bulk of a nightly re-run and says nothing new.
      if (event.type === 'skipped' && event.reason === 'unchanged') return;
      stream.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
    },
    close() {},
  };
}

function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--:--';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}:${String(s % 60).padStart(2, '0')}`;
}

/** A one-line progress bar redrawn at most 10 times a second. */
export function ttyProgressSink(stream: NodeJS.WriteStream, now: () => number = Date.now): ProgressSink {
  let registered = 0;
  let queue = 0;
  let done = 0;
  let failed = 0;
  let started = 0;
  const inStage = new Map<number, string>();
  let lastDraw = 0;
  let firstDocumentAt: number | undefined;
  const draw = (force = false) => {
    const t = now();
    if (!force && t - lastDraw < 100) return;
    lastDraw = t;
    const finished = done + failed;
    const width = 24;
    const ratio = queue > 0 ? finished / queue : 0;
    const bar = '#'.repeat(Math.round(ratio * width)).padEnd(width, '.');
    const elapsed = firstDocumentAt === undefined ? 0 : t - firstDocumentAt;
    const rate = elapsed > 0 ? (finished / elapsed) * 60_000 : 0;
    const eta = rate > 0 ? ((queue - finished) / rate) * 60_000 : NaN;
    const stages = new Map<string, number>();
    for (const stage of inStage.values()) stages.set(stage, (stages.get(stage) ?? 0) + 1);
    const stageText = [...stages].map(([s, n]) => `${s} ${n}`).join(', ');
    const line = queue > 0
      ? `[${bar}] ${finished}/${queue} done ${done} failed ${failed}${stageText ? ` | ${stageText}` : ''} | ${rate.toFixed(1)}/min ETA ${formatDuration(eta)}`
      : `registering... ${registered} files`;
    stream.write(`\r\x1b[2K${line.slice(0, (stream.columns || 120) - 1)}`);
  };
  return {
    emit(event) {
      switch (event.type) {
        case 'registered':
          registered++;
          break;
        case 'queue':
          queue = event.total;
          break;
        case 'document-started':
          started++;
          firstDocumentAt ??= now();
          inStage.set(event.documentId, 'preprocess');
          break;
        case 'stage':
          inStage.set(event.documentId, event.stage);
          break;
        case 'document-done':
          done++;
          inStage.delete(event.documentId);
          break;
        case 'document-failed':
          failed++;
          inStage.delete(event.documentId);
          stream.write(`\r\x1b[2Kfailed [${event.code}] ${event.path}: ${event.message}\n`);
          break;
        case 'interrupted':
          stream.write(`\r\x1b[2K${event.signal}: finishing the documents in flight...\n`);
          break;
        default:
          break;
      }
      void started;
      draw(event.type === 'queue' || event.type === 'document-failed');
    },
    close() {
      draw(true);
      stream.write('\n');
    },
  };
}

export function silentSink(): ProgressSink {
  return { emit() {}, close() {} };
}
