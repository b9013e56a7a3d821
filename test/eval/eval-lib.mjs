// Shared by eval.mjs and debug.mjs.
/** Ground-truth box lines (`x1,y1,x2,y2,x3,y3,x4,y4,text`) as a PageText, words spread by character share. */
export function boxToPageText(content) {
  const lines = [];
  let width = 0;
  let height = 0;
  for (const raw of content.split(/\r?\n/)) {
    const parts = raw.split(',');
    if (parts.length < 9) continue;
    const nums = parts.slice(0, 8).map(Number);
    if (nums.some((n) => !Number.isFinite(n))) continue;
    const text = parts.slice(8).join(',').trim();
    if (!text) continue;
    const xs = [nums[0], nums[2], nums[4], nums[6]];
    const ys = [nums[1], nums[3], nums[5], nums[7]];
    const bbox = { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
    width = Math.max(width, bbox.x1);
    height = Math.max(height, bbox.y1);
    const words = [];
    let offset = 0;
    const per = (bbox.x1 - bbox.x0) / Math.max(1, text.length);
    for (const w of text.split(' ')) {
      if (w) words.push({ text: w, confidence: 1, bbox: { x0: bbox.x0 + offset * per, y0: bbox.y0, x1: bbox.x0 + (offset + w.length) * per, y1: bbox.y1 } });
      offset += w.length + 1;
    }
    lines.push({ text, rawText: text, confidence: 1, bbox, words });
  }
  return { pageNo: 1, source: 'ocr', text: lines.map((l) => l.text).join('\n'), rawText: lines.map((l) => l.text).join('\n'), confidence: 1, width: width + 10, height: height + 10, lines };
}

