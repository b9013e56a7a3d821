import { describe, expect, it } from 'vitest';
import { correctAddressWord, correctWord, repairAddressText, repairHeaderText } from '../../extractors/receipt/ocr-repair.js';

describe('header OCR repair', () => {
  it('fixes look-alikes inside a postcode', () => {
    expect(repairHeaderText('40400 SHAH ALAM 4D400')).toBe('40400 SHAH ALAM 40400');
    // Two look-alikes only before a place name; a letter between digits of a number.
    expect(repairHeaderText("D'SARA, 52OO0 KL")).toBe("D'SARA, 52000 KL");
    expect(repairHeaderText('CODE 52OO0')).toBe('CODE 52OO0');
    expect(repairHeaderText('LOT P.T. 28I1, JALAN ANGSA')).toBe('LOT P.T. 2811, JALAN ANGSA');
  });
  it('fixes one confusable letter against the address gazetteer', () => {
    expect(correctWord('MALAYSTA')).toBe('MALAYSIA');
    expect(correctWord('KAHASAN')).toBe('KAWASAN');
    // PP-OCR's slips on small thermal print: O read as C, U as L, N as R.
    expect(correctWord('JOHCR')).toBe('JOHOR');
    expect(correctWord('LUMPLR')).toBe('LUMPUR');
    expect(correctWord('PERIRDUSTRIAN')).toBe('PERINDUSTRIAN');
  });
  it('leaves real words that are one non-OCR edit away alone', () => {
    expect(correctWord('BORONG')).toBe('BORONG');
    expect(correctWord('PASAR')).toBe('PASAR');
    expect(correctWord('RESTAURANTS')).toBe('RESTAURANTS');
  });
  it('drops stray Han glyphs from a Latin line when asked', () => {
    expect(repairHeaderText('TAMAN SE 還 ANGOR', { stripHan: true })).toBe('TAMAN SE ANGOR');
    expect(repairHeaderText('全聯 TAIPEI', { stripHan: false })).toBe('全聯 TAIPEI');
  });
  it('reads a section code written with a digit or a sign', () => {
    expect(repairHeaderText('JALAN $521/39')).toBe('JALAN SS21/39');
  });
});

describe('address OCR repair', () => {
  it('reads a letter after the slash of a street number as the 1 it is', () => {
    expect(repairHeaderText('NO 8, JALAN 7/L18B, DESA TUN RAZAK')).toBe('NO 8, JALAN 7/118B, DESA TUN RAZAK');
    expect(repairHeaderText('JALAN SS21/I9')).toBe('JALAN SS21/19');
    expect(repairHeaderText('JALAN PJU 9/L')).toBe('JALAN PJU 9/L');
  });

  it('gives a floor ordinal back the D read as an O, only before a floor word', () => {
    expect(repairHeaderText('3RO FLR, AEON TAMAN MALURI SC')).toBe('3RD FLR, AEON TAMAN MALURI SC');
    expect(repairHeaderText('22NO FLOOR, MENARA')).toBe('22ND FLOOR, MENARA');
    expect(repairHeaderText('3RO STREET')).toBe('3RO STREET');
  });

  it('reads an 8 printed as £ or § inside a postcode', () => {
    expect(repairHeaderText('TAMAN DESA HARMONI. £1100 JOHOR BAHRU')).toBe('TAMAN DESA HARMONI. 81100 JOHOR BAHRU');
    expect(repairHeaderText('TAMPOI,§1200 JOHOR')).toBe('TAMPOI,81200 JOHOR');
  });
  it('restores the SS section prefix read as digits after JALAN', () => {
    expect(repairHeaderText('75, JALAN 55 22/19, DAMANSARA JAYA')).toBe('75, JALAN SS 22/19, DAMANSARA JAYA');
    expect(repairHeaderText('54, JALAN 8823/11 TAMAN SEA')).toBe('54, JALAN SS23/11 TAMAN SEA');
    // A plain street number stays.
    expect(repairHeaderText('JALAN 55, TAMAN SEA')).toBe('JALAN 55, TAMAN SEA');
  });
  it('corrects short address words by one confusable letter, only in addresses', () => {
    expect(correctAddressWord('JUN')).toBe('JLN');
    expect(correctAddressWord('THN')).toBe('TMN');
    expect(correctAddressWord('SERT')).toBe('SERI');
    expect(correctAddressWord('ULU')).toBe('ULU');
    expect(repairAddressText('SC JUN JEJAKA, TAMAN MALURI')).toBe('SC JLN JEJAKA, TAMAN MALURI');
  });
  it('joins a gazetteer word OCR split in two', () => {
    expect(repairAddressText('7/4 K AWASAN PERINDUSTRI AN BALAKONG')).toBe('7/4 KAWASAN PERINDUSTRIAN BALAKONG');
  });
  it('drops a lone letter after the final place name but keeps a block letter', () => {
    expect(repairAddressText('81760 JOHOR BAHRU E')).toBe('81760 JOHOR BAHRU');
    expect(repairAddressText('LOT 5, BLOCK E')).toBe('LOT 5, BLOCK E');
  });
});
