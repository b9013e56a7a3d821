import { describe, expect, it } from 'vitest';
import { keepAlsoTraditional, looksTraditional, pageToTraditional, repairLabelMisreads } from '../../extractors/ocr/ppocr/traditional.js';
import type { PageText } from '../../extractors/types.js';

function pageOf(lines: string[]): PageText {
  const bbox = { x0: 0, y0: 0, x1: 100, y1: 20 };
  return {
    pageNo: 1,
    source: 'ocr',
    text: lines.join('\n'),
    rawText: lines.join('\n'),
    confidence: 0.9,
    width: 100,
    height: 20 * lines.length,
    lines: lines.map((text) => ({ text, rawText: text, confidence: 0.9, bbox, words: text.split(' ').map((word) => ({ text: word, confidence: 0.9, bbox })) })),
  };
}

describe('PP-OCR Chinese in Taiwan Traditional characters', () => {
  it('converts the Simplified characters of a reading, words included', async () => {
    const page = await pageToTraditional(pageOf(['统一编號: 53812386', '营业税 2,257', '品名 数量 单價 金额']));
    expect(page.lines.map((line) => line.text)).toEqual(['統一編號: 53812386', '營業稅 2,257', '品名 數量 單價 金額']);
    expect(page.text).toBe('統一編號: 53812386\n營業稅 2,257\n品名 數量 單價 金額');
    expect(page.lines[0]!.words[0]!.text).toBe('統一編號:');
    // What the model read is kept as it was.
    expect(page.rawText).toBe('统一编號: 53812386\n营业税 2,257\n品名 数量 单價 金额');
  });

  it('tells a Taiwan print read in mixed characters from a print in Simplified characters', async () => {
    // PP-OCR's reading of a Taiwan invoice: Traditional where its dictionary has the character.
    expect(await looksTraditional('慶陽事務用品有限公司 電子發票證明 發票號碼 買方彩理實業有限公司 统一编號 品名数量单價金额')).toBe(true);
    // A mainland or Malaysian receipt printed in Simplified characters.
    expect(await looksTraditional('永辉超市有限公司 广州市天河区体育西路 收银员 商品名称 数量 单价 金额 合计 实收 找零 谢谢惠顾')).toBe(false);
    expect(await looksTraditional('货物出门,得不退还或更换')).toBe(false);
  });

  it('keeps characters Taiwan prints as they are', async () => {
    const page = await pageToTraditional(pageOf(['台中市大雅區大雅路85號', '台南市歸仁區許厝里公園路152號']));
    expect(page.lines.map((line) => line.text)).toEqual(['台中市大雅區大雅路85號', '台南市歸仁區許厝里公園路152號']);
    expect(keepAlsoTraditional('台北', '臺北')).toBe('台北');
  });

  it('repairs the invoice labels PP-OCR misreads, and nothing else', () => {
    expect(repairLabelMisreads('總言十 47,390')).toBe('總計 47,390');
    expect(repairLabelMisreads('德計: $13,201')).toBe('總計: $13,201');
    expect(repairLabelMisreads('管業稅: $629')).toBe('營業稅: $629');
    expect(repairLabelMisreads('脫額:$4')).toBe('稅額:$4');
    expect(repairLabelMisreads('售額合計 45,133')).toBe('銷售額合計 45,133');
    expect(repairLabelMisreads('黃方:99636932 黃方:53812386')).toBe('賣方:99636932 買方:53812386');
    // Not labels: a 德 that is not before 計, a lone 黃方, 售額 inside a line.
    expect(repairLabelMisreads('德國進口 黃方 零售額')).toBe('德國進口 黃方 零售額');
  });
});
