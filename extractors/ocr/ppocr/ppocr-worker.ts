/**
 * Child process of the PP-OCR pool (ppocr-pool.ts): loads the models once, then reads one page per
 * message. Pixels arrive already decoded (sharp stays in the parent).
 *
 * A process, not a worker thread: onnxruntime-node runs a model synchronously in native code, and a
 * worker thread stopped during that call (a page past its time limit, a stop) aborts the whole parent
 * process when the call returns (`terminate called after throwing an instance of 'Napi::Error'`, seen in
 * CI). A child process can be killed at any moment without harming the run.
 */
import { PpOcrEngine, type PpOcrModelFiles } from './ppocr-engine.js';
import type { GreyImage } from './image-ops.js';
import type { RecognisedRegion } from './page-layout.js';

export interface WorkerSetup {
  type: 'setup';
  models: PpOcrModelFiles;
  threads: number;
  /** Words whose spelling wins over a near-miss reading (lexicon.ts); none by default. */
  lexicon?: string[];
}

export interface PageRequest {
  type: 'page';
  id: number;
  image: GreyImage;
  detectionImage: GreyImage;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'failed-to-start'; message: string }
  | { type: 'page'; id: number; regions: RecognisedRegion[] }
  | { type: 'error'; id: number; message: string };

const send = process.send?.bind(process);
if (send === undefined) throw new Error('ppocr-worker.js runs as a child process of the PP-OCR pool only');
const post = (message: WorkerMessage): void => void send(message);
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

// The parent went away (it exited or was killed): nothing is left to read pages for.
process.on('disconnect', () => process.exit(0));

let engine: PpOcrEngine | null = null;
// Pages are read one after another: the pool sends a page only to an idle process, and the chain keeps
// that true even if a second page arrived.
let reading: Promise<void> = Promise.resolve();

process.on('message', (message: WorkerSetup | PageRequest) => {
  if (message.type === 'setup') {
    PpOcrEngine.load(message.models, message.threads, message.lexicon).then(
      (loaded) => {
        engine = loaded;
        post({ type: 'ready' });
      },
      (error: unknown) => post({ type: 'failed-to-start', message: messageOf(error) }),
    );
    return;
  }
  const request = message;
  reading = reading.then(async () => {
    if (engine === null) {
      post({ type: 'error', id: request.id, message: 'the models are not loaded yet' });
      return;
    }
    try {
      post({ type: 'page', id: request.id, regions: await engine.readPage(request.image, request.detectionImage) });
    } catch (error) {
      post({ type: 'error', id: request.id, message: messageOf(error) });
    }
  });
});
