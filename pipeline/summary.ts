import type { RunSummary } from './runner.js';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** The end-of-run table printed to stdout (the same data goes to --report as JSON). */
export function formatSummary(summary: RunSummary): string {
  const lines: string[] = [];
  const row = (label: string, value: string | number) => lines.push(`  ${label.padEnd(28)}${value}`);
  lines.push(`docintel run ${summary.runId} ${summary.status} in ${seconds(summary.wallMs)}${summary.folder ? ` over ${summary.folder}` : ''}`);
  lines.push('files');
  row('seen', summary.files.seen);
  row('new documents', summary.files.new);
  row('unchanged (not read again)', summary.files.unchanged);
  row('copies of known documents', summary.files.duplicate);
  for (const [reason, count] of Object.entries(summary.files.skipped).sort()) row(`skipped: ${reason}`, count);
  lines.push('documents');
  row('queued', summary.documents.queued);
  row('done', summary.documents.done);
  row('failed', summary.documents.failed);
  for (const [code, count] of Object.entries(summary.documents.failedByCode).sort()) row(`  ${code}`, count);
  if (summary.documents.leftFailed > 0) row('failed earlier, not retried', `${summary.documents.leftFailed} (docintel retry)`);
  const stages = Object.entries(summary.stageMs);
  if (stages.length > 0) {
    lines.push('time per stage (summed over documents)');
    for (const [stage, ms] of stages) row(stage, seconds(ms));
  }
  if (summary.ocr && summary.ocr.pages + summary.ocr.failed > 0) {
    lines.push('OCR');
    row('engine', summary.ocr.engine);
    row('pages read', summary.ocr.pages);
    // Every OCR pass counts above: these are the passes over pages tried turned, as a share of the work.
    if (summary.turnedReads > 0) row('  of them read turned', summary.turnedReads);
    if (summary.pagesTurned > 0) row('  turned upright', summary.pagesTurned); // scanned sideways or upside down
    if (summary.ocr.chinesePages !== undefined) row('  Chinese, in Traditional', summary.ocr.chinesePages);
    const use = summary.ocr.languageUse;
    if (summary.ocr.languageMode === 'auto' && use) {
      // How `auto` spent its reads: operators see whether a folder is mostly English or Chinese.
      row('  first language only', use.firstLanguageOnly);
      row('  read again, all languages', use.escalated);
      row('  all languages at once', use.direct);
      row('  lines re-read / replaced', `${use.linesRetried} / ${use.linesReplaced}`);
    }
  }
  const consensus = summary.sellerConsensus;
  if (consensus && consensus.taxIds + consensus.names + consensus.addresses > 0) {
    // Corrections to stored receipts, possibly of earlier runs: each is noted in its record's validations.
    lines.push('sellers (receipts of one tax id agree)');
    row('tax ids corrected', consensus.taxIds);
    row('names corrected', consensus.names);
    row('addresses corrected', consensus.addresses);
  }
  const duplicates = summary.duplicateClaims;
  if (duplicates && duplicates.flagged + duplicates.cleared > 0) {
    // Flags on stored receipts, possibly of earlier runs: receipts_v.duplicate_of names the earlier document.
    lines.push('duplicate claims (one purchase, two files)');
    row('flagged for review', duplicates.flagged);
    if (duplicates.cleared > 0) row('no longer duplicates', duplicates.cleared);
  }
  if (summary.failures.length > 0) {
    lines.push('failures');
    for (const f of summary.failures) {
      lines.push(`  #${f.documentId} [${f.code}] at ${f.stage}: ${f.path}`);
      lines.push(`      ${f.message}${f.final ? ' (no attempts left: `docintel retry` to try again)' : ''}`);
    }
  }
  if (summary.runError) {
    lines.push(`run stopped: [${summary.runError.code}] ${summary.runError.message}`);
    if (summary.runError.hint) lines.push(`hint: ${summary.runError.hint}`);
  }
  return `${lines.join('\n')}\n`;
}
