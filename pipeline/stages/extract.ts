/**
 * Stage `extract` (+ `validate`) for receipts and invoices: the offline pass (layout rules), e-invoice
 * QR codes, and with `--extractor ollama` a vision model on top; then the merge and the checks.
 */
import { validateReceipt } from '../../extractors/checks/validate-receipt.js';
import { mergeReceipts } from '../../extractors/merge-receipt.js';
import type { OllamaClient } from '../../extractors/ollama/client.js';
import type { QrReceipt } from '../../extractors/qr/einvoice-fields.js';
import type { PageText } from '../../extractors/types.js';
import type { ReceiptRecord } from '../../schemas/receipt.js';
import type { Config } from '../config.js';
import { isDocintelError } from '../errors.js';
import type { Limiter } from '../limit.js';
import type { Classification } from './classify.js';

export interface ExtractDeps {
  config: Pick<Config, 'extractor' | 'visionModel' | 'minYear'>;
  /** Page images (PNG/JPEG bytes) for QR decoding and the vision model, loaded only when needed. */
  pageImages: () => Promise<Uint8Array[]>;
  /** The Ollama client, created on first use. */
  ollama: () => OllamaClient;
  /** Bounds the model calls in flight across documents. */
  llmLimit: Limiter;
  now?: Date;
  /** E-invoice QR codes the caller already looked for: the result, or null for none (not read again). */
  qr?: QrReceipt | null;
}

/** Decodes e-invoice QR codes on the page images; nothing found is not an error. */
export async function readEInvoiceQr(images: Uint8Array[]): Promise<QrReceipt | undefined> {
  const [{ decodeQrCodes }, { mergeEInvoiceCodes }, { fieldsFromEInvoice }] = await Promise.all([
    import('../../extractors/qr/decode.js'),
    import('../../extractors/qr/einvoice-payload.js'),
    import('../../extractors/qr/einvoice-fields.js'),
  ]);
  for (const [index, image] of images.entries()) {
    const codes = await decodeQrCodes(Buffer.from(image.buffer, image.byteOffset, image.byteLength));
    const data = mergeEInvoiceCodes(codes);
    if (data) return fieldsFromEInvoice(data, index + 1);
  }
  return undefined;
}

export async function extractReceipt(pages: PageText[], classification: Classification, deps: ExtractDeps): Promise<ReceiptRecord> {
  const { extractReceiptOffline } = await import('../../extractors/receipt/index.js');
  const offline = extractReceiptOffline(pages, { locale: classification.locale, minYear: deps.config.minYear, ...(deps.now ? { now: deps.now } : {}) });
  // E-invoices exist only in Taiwan; decoding costs a few hundred ms, so look only where they can be.
  const qr = deps.qr !== undefined ? (deps.qr ?? undefined) : classification.locale === 'TW' ? await readEInvoiceQr(await deps.pageImages()) : undefined;
  let llm: { value: import('../../extractors/ollama/receipt-extractor.js').LlmReceipt; model: string } | undefined;
  const reasons: string[] = [];
  if (deps.config.extractor === 'ollama') {
    const { extractReceiptWithOllama } = await import('../../extractors/ollama/receipt-extractor.js');
    try {
      const images = await deps.pageImages();
      const result = await deps.llmLimit.run(() =>
        extractReceiptWithOllama(deps.ollama(), deps.config.visionModel, {
          images: images.slice(0, 2),
          pageText: pages.map((p) => p.text).join('\n\n'),
          offline,
        }),
      );
      llm = { value: result.value, model: result.model };
    } catch (error) {
      // A model that answers nonsense twice is recorded and the record goes to review with the offline
      // values; transport failures (timeout, unreachable, 5xx) fail the document so the next run retries.
      if (isDocintelError(error) && error.code === 'OLLAMA_INVALID_OUTPUT') {
        reasons.push(`llm_invalid_output: ${error.message}`);
      } else {
        throw error;
      }
    }
  }
  const merged = mergeReceipts({ offline, qr, llm });
  if (reasons.length > 0) merged.reviewReasons.push(...reasons);
  if (deps.config.extractor === 'ollama' && !llm) merged.model = deps.config.visionModel;
  return validateReceipt(merged, { minYear: deps.config.minYear, ...(deps.now ? { now: deps.now } : {}) });
}
