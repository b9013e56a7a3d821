/**
 * Worker thread of the PP-OCR pool (ppocr-pool.ts): loads the models once, then reads one page per
 * message. Pixels arrive already decoded (sharp stays on the main thread).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PpOcrEngine, type PpOcrModelFiles } from './ppocr-engine.js';
import type { GreyImage } from './image-ops.js';
import type { RecognisedRegion } from './page-layout.js';

export interface WorkerSetup {
  models: PpOcrModelFiles;
  threads: number;
}

export interface PageRequest {
  id: number;
  image: GreyImage;
  detectionImage: GreyImage;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'failed-to-start'; message: string }
  | { type: 'page'; id: number; regions: RecognisedRegion[] }
  | { type: 'error'; id: number; message: string };

const port = parentPort;
if (port === null) throw new Error('ppocr-worker.ts runs as a worker thread only');
const setup = workerData as WorkerSetup;
const post = (message: WorkerMessage): void => port.postMessage(message);

try {
  const engine = await PpOcrEngine.load(setup.models, setup.threads);
  port.on('message', (request: PageRequest) => {
    engine.readPage(request.image, request.detectionImage).then(
      (regions) => post({ type: 'page', id: request.id, regions }),
      (error: unknown) => post({ type: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) }),
    );
  });
  post({ type: 'ready' });
} catch (error) {
  post({ type: 'failed-to-start', message: error instanceof Error ? error.message : String(error) });
}
