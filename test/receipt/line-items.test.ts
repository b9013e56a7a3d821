import { describe, expect, it } from 'vitest';
import { extractReceiptOffline } from '../../extractors/receipt/index.js';
import { buildRows } from '../../extractors/receipt/layout.js';
import { findLineItems, looseItemAmounts, repairMisreadAmount, repairMisreadQuantities } from '../../extractors/receipt/line-items.js';
import { page } from './helpers.js';

const items = (lines: Parameters<typeof page>[0]) => {
  const rows = buildRows([page(lines)]);
  return findLineItems(rows, 0, rows.length).map((i) => [i.description, i.quantity, i.unitPrice, i.amount]);
};

describe('line items', () => {
  it('reads quantity x unit price = amount', () => {
    expect(items(['DESCRIPTION QTY PRICE AMOUNT', 'COFFEE 2 x 3.50||7.00'])).toEqual([['COFFEE', '2', '3.50', '7.00']]);
  });

  it('reads column layouts: qty, unit price, amount', () => {
    expect(items(['PEN BLUE 3 1.20 3.60'])).toEqual([['PEN BLUE', '3', '1.20', '3.60']]);
  });

  it('carries a description printed on its own row down to its numbers', () => {
    expect(items(['KF MODELLING CLAY KIDDY FISH', '1 PC * 9.000 0.00||9.00'])).toEqual([['KF MODELLING CLAY KIDDY FISH', '1', '9.000', '9.00']]);
  });

  it('reads a quantity printed before the name (2 x MILO ICE)', () => {
    expect(items(['2 x MILO ICE 3.50||7.00', '1 x NASI LEMAK 5.50||5.50'])).toEqual([
      ['MILO ICE', '2', '3.50', '7.00'],
      ['NASI LEMAK', '1', '5.50', '5.50'],
    ]);
  });

  it('keeps the size of a name printed on its own row, and drops its barcode', () => {
    expect(items(['9555916500133', 'MILO 1KG', '1 X 2.90||2.90 SR', '9556001234567 NESCAFE', '2 X 12.50||25.00 SR'])).toEqual([
      ['MILO 1KG', '1', '2.90', '2.90'],
      ['NESCAFE', '2', '12.50', '25.00'],
    ]);
  });

  it('takes the name printed under the numbers when nothing above names the item', () => {
    expect(items(['ITEM QTY U/P DISC% AMOUNT', '9556655864036 1 26.42 9.14 24.00 *', '-CBE BADGE CLIP 100PCS', '9555535000663 1 28.00 0.00 28.00 *', '-NISO A4 LAMINATING FILM'])).toEqual([
      ['CBE BADGE CLIP 100PCS', '1', '26.42', '24.00'],
      ['NISO A4 LAMINATING FILM', '1', '28.00', '28.00'],
    ]);
  });

  it('drops a speck read as a leading digit of the amount when quantity x price says so (811.23)', () => {
    expect(items(['WD40 277ml', '079567600084 1X 11.23||811.23'])).toEqual([['WD40 277ml', '1', '11.23', '11.23']]);
    // A real difference (a discount) is left as printed.
    expect(items(['PEN', '1X 11.23||10.23'])).toEqual([['PEN', '1', '11.23', '10.23']]);
  });

  it('reads a quantity with its unit in lower case (3pc), not the @ misread as 0 after it', () => {
    expect(items(["70g P.Copy 450'S", '3pc 0 13.69||41.07 T'])).toEqual([["70g P.Copy 450'S", '3', '13.69', '41.07']]);
  });

  it('reads a measured quantity (litres, kg) as a quantity, not as an item amount', () => {
    expect(items(['39.54 litre Pump # 07', 'FuelSave 95||RM 88.17 C']).map((item) => item[3])).toEqual(['88.17']);
    expect(items(['BANANA 0.85 KG @ 4.99||4.24'])).toEqual([['BANANA', '0.85', '4.99', '4.24']]);
  });

  it('takes an item code for no name: the name printed under the numbers goes with them (FG-A00019 / Green Tea)', () => {
    expect(items(['Item Qty U.Price Amount Tax', 'FG-A00019 1 1.50||1.50 SR', 'Green Tea', 'FG-H00001 1 8.80||8.80 SR', 'Kake Udon R'])).toEqual([
      ['Green Tea', '1', '1.50', '1.50'],
      ['Kake Udon R', '1', '8.80', '8.80'],
    ]);
  });

  it('reads the unit price printed before the quantity (7.90*3 23.70), and no GST number as a name', () => {
    expect(items(['(GST REG NO 000243941376)', 'Dole Pineapple Pcs', '8809069300708 7.90*3||23.70 Z'])).toEqual([['Dole Pineapple Pcs', '3', '7.90', '23.70']]);
  });

  it('steps over a speck row between the numbers and the name under them, and takes no web address for a name', () => {
    expect(items(['YONGTAT99@YAHOO.COM.MY', 'Item Qty S/Price S/Price Amount Tax', '2597 1.00 PCS 48.00 50.88||50.88 SR', '10 WING COMPASS', '5736 1.00 SET 47.17 50.00||50.00 SR', '8o:', '18-3/4 12PCS HOLLOW PUNCH SET'])).toEqual([
      ['10 WING COMPASS', '1.00', '50.88', '50.88'],
      ['18-3/4 12PCS HOLLOW PUNCH SET', '1.00', '50.00', '50.00'],
    ]);
  });

  it('reads a count printed before the name in a Qty / Description / Price / Total layout, and keeps numbers that are part of the name', () => {
    expect(items(['Qty Description Price Total', '5 3/4"TOWELROD 4.00||20.00 SR', '1 SANDFLEX SAW 4.50||4.50 SR', 'FuelSave 95||RM 88.17 C'])).toEqual([
      ['3/4"TOWELROD', '5', '4.00', '20.00'],
      ['SANDFLEX SAW', '1', '4.50', '4.50'],
      ['FuelSave 95', null, null, '88.17'],
    ]);
  });

  it('stops at the totals', () => {
    expect(items(['TEA||2.00', 'TOTAL||2.00', 'CASH||5.00'])).toEqual([['TEA', null, null, '2.00']]);
  });
  it('takes a short name right above its numbers (9 x 13(10A)) instead of the next item\'s name below', () => {
    expect(items(['DESCRIPTION PRICE DISC AMOUNT', '9 x 13(10A)', '1.00 PKT 0.7500||0.75 SR', '26 x 33 (85HT) Red', '1.00 PKT 8.0000||8.00 SR', 'Price Label (PLAIN)', '2.00 ROLL * 1.5000||3.00 SR'])).toEqual([
      ['9 x 13(10A)', '1.00', '0.7500', '0.75'],
      ['26 x 33 (85HT) Red', '1.00', '8.0000', '8.00'],
      ['Price Label (PLAIN)', '2.00', '1.5000', '3.00'],
    ]);
    // An item's own numbers with their points lost are no name for the item after them.
    expect(items(['CURRY MIXED VEGE 15.90', '515 1 16 85 16 85 SR', '(S) @13.90']).map((item) => item[0])).toEqual(['CURRY MIXED VEGE']);
  });

  it('carries a Chinese name down to the numbers under it (干炒海鲜河粉 / 238 1 10.00 10.00)', () => {
    expect(items(['ITEM QTY U/P DISC% AMOUNT', '干炒海鲜河粉', '238 1 10.00||10.00', '豆奶仙草', '1033 1 3.00||3.00'])).toEqual([
      ['干炒海鲜河粉', '1', '10.00', '10.00'],
      ['豆奶仙草', '1', '3.00', '3.00'],
    ]);
  });

  it('keeps a discount printed among the items as a negative line, but not a total of discounts', () => {
    expect(items(['FUJI XEROX A4 70GSM', '5 27499 11.00||55.00', 'Item Discount $0.20||-1.00', 'CANON PG-47BK', '1 27736 29.00||29.00', 'TOTAL DISCOUNT||-1.00', 'Total||83.00'])).toEqual([
      ['FUJI XEROX A4 70GSM', '5', '11.00', '55.00'],
      ['Item Discount', null, null, '-1.00'],
      ['CANON PG-47BK', '1', '29.00', '29.00'],
    ]);
  });

  it('leaves the GST code printed after an item out of its name', () => {
    expect(items(['1 Berry Easy SR 18.90', 'FUJI XEROX A4 70GSM SR', '5 27499 11.00||55.00']).map((item) => item[0])).toEqual(['Berry Easy', 'FUJI XEROX A4 70GSM']);
  });

  it('ends the items at a SUBTOTAL misread past recognition when its amount is the sum of the items above', () => {
    expect(items(['1059 18W SQ LED LIGHT 2 18.77||37.55', 'Sub 1 al 8||37.55', 'GST 6%||2.25']).map((item) => item[0])).toEqual(['1059 18W SQ LED LIGHT']);
    // A SUB-something item that does not add up stays an item.
    expect(items(['SANDWICH||5.00', 'SUB MARINE ROLL||6.00']).map((item) => item[0])).toEqual(['SANDWICH', 'SUB MARINE ROLL']);
  });

  it('reads a Taiwan item whose numbers row under the name ends in whole dollars, counted in Chinese units too', () => {
    const tw = (lines: Parameters<typeof page>[0]) => {
      const rows = buildRows([page(lines)]);
      return findLineItems(rows, 0, rows.length, { wholeDollars: true }).map((i) => [i.description, i.quantity, i.unitPrice, i.amount]);
    };
    // 172 x 55.22 = 9 497.84, printed to the dollar.
    expect(tw(['品名 數量 單價 小計', '手提袋', '172 55.22 9,498'])).toEqual([['手提袋', '172', '55.22', '9498']]);
    expect(tw(['工業用板 1,000 25.00 25,000'])).toEqual([['工業用板', '1000', '25.00', '25000']]);
    // The buyer's address, date and company above the item are not its name; 105個 is its quantity.
    expect(tw(['台南市歸仁區里公國路152號1樓', '日期110/9/17', '買受人:53812386', '彩理實業有限公司', '貓咪刺皮標上翻筆袋', '105個 119.73 $12,572'])).toEqual([['貓咪刺皮標上翻筆袋', '105', '119.73', '12572']]);
  });

  it('does not carry a name down across a label: value row', () => {
    expect(items(['SHOPPING HOURS', 'Cashier: 0512', 'WET TISSUE 150S', '1 5.90||5.90']).map((item) => item[0])).toEqual(['WET TISSUE 150S']);
  });

  it('knows misread column titles and the currency row under them, and keeps them out of item names', () => {
    // `ITEN OTY U/P AHOUNT` / `(RM) (RH)` is the table header; the names are printed under the numbers,
    // one after its GST code (`SR:`).
    expect(items(['ITEN OTY U/P AHOUNT', '(RM) (RH)', '12089 2 3.50||7.00', 'SR:TAPE OPP 48MMX80Y CLEAR', '2000160000024 1 15.00||15.00', 'STRETCH FILM 500MM'])).toEqual([
      ['TAPE OPP 48MMX80Y CLEAR', '2', '3.50', '7.00'],
      ['STRETCH FILM 500MM', '1', '15.00', '15.00'],
    ]);
    // Titles OCR joined in front of the first item's name.
    expect(items(['ltem aty Tota! SR -Chicken', '1||2.70']).map((item) => item[0])).toEqual(['SR -Chicken']);
    expect(items(['Description ABount 70g P.Copy 450*s||41.07']).map((item) => item[0])).toEqual(['70g P.Copy 450*s']);
    // A title broken into pieces (`Deser ipt ion`), an I read as l with a letter off (`ltom`), the retail
    // price column (`RSP`), and `RM Code`.
    expect(items(['Deser ipt ion Amcunt', "70g P. Copy 450'S", '2pc 13.69||27.38 T']).map((item) => item[0])).toEqual(["70g P. Copy 450'S"]);
    expect(items(['(RM) (RM:', 'ltom aty RSP Amouni', '3934 1 7.56||7.56', 'SR: CAR PARKING COUPON']).map((item) => item[0])).toEqual(['CAR PARKING COUPON']);
    expect(items(['RM Code SAFETY PINS BUTTERFLY -S', '6 17.00||102.00']).map((item) => item[0])).toEqual(['SAFETY PINS BUTTERFLY -S']);
    // A name that starts like a title stays whole: one title is not a header.
    expect(items(['COKE ZERO 330ML', '2 1.50||3.00']).map((item) => item[0])).toEqual(['COKE ZERO 330ML']);
  });

  it('leaves tax flags and the selling unit before them out of names, and reads no size as money (4.51NX9.5IN)', () => {
    expect(items(['MYCLIP BINDER CLIP 15MM 12S CS .S', '2901060611213 2 * 12.00||24.00', 'PARTNER E/LOPE 4.51NX9.5IN W4292 EA .S', '9555023304655 2 * 2.20||4.40', 'BATTERY LR03-4B AAA 4 PCS *S', '1 3.90||3.90'])).toEqual([
      ['MYCLIP BINDER CLIP 15MM 12S', '2', '12.00', '24.00'],
      ['PARTNER E/LOPE 4.51NX9.5IN W4292', '2', '2.20', '4.40'],
      ['BATTERY LR03-4B AAA 4 PCS', '1', '3.90', '3.90'],
    ]);
  });

  it('reads a figure in square brackets as part of a name (100 PLUS [1.50]), not as the item\'s amount', () => {
    expect(items(['ITEM QTY S/PRICE AMOUNT', '9556145026 1 1.51 1.60||1.60 SR', 'TINGE LEMON DRINK 500ML', '955657031213 2.74 2.90||2.90 SR', '100 PLUS [1.50]'])).toEqual([
      ['TINGE LEMON DRINK 500ML', '1', '1.60', '1.60'],
      ['100 PLUS [1.50]', null, '2.90', '2.90'],
    ]);
  });

  it('reads no document number as an item name, nor the pump volume printed alone above its litres', () => {
    expect(items(['INVOICE NUMBER 60000483942', '39.54', '39.54 LITRE PUMP # 07', 'FUEL SAVE 95 RM||88.17 C'])).toEqual([['FUEL SAVE 95', null, null, '88.17']]);
  });

  it('reads a four-decimal unit price whole, never cut to three decimals', () => {
    expect(items(['ENVELOPE 2 PCS 0.4500||0.90'])).toEqual([['ENVELOPE', '2', '0.4500', '0.90']]);
  });

  it('reads a leading count of one as the quantity (1 DELIVERY CHG 4.00) and a count before a fraction (4 1/4 Chic @17.90)', () => {
    expect(items(['1 DELIVERY CHG 4.00 S', '4 1/4 Chic+1sd-T @17.90||71.60 S'])).toEqual([
      ['DELIVERY CHG', '1', '4.00', '4.00'],
      ['1/4 Chic+1sd-T', '4', '17.90', '71.60'],
    ]);
  });

  it('names a Qty / UOM row by the row above it (1 WALK 1.60 is a unit, not a name)', () => {
    expect(items(["WALL'S TOPTEN CHOCOLATE 73ML", '1 WALK 1.60 1.60||1.60 ZRL', 'MAGNUM ALMOND 90ML', '1 WALK 4.50 4.50||4.50 ZRL'])).toEqual([
      ["WALL'S TOPTEN CHOCOLATE 73ML", '1', '1.60', '1.60'],
      ['MAGNUM ALMOND 90ML', '1', '4.50', '4.50'],
    ]);
    // The amount column includes tax, so the count does not multiply out; it is still the quantity.
    expect(items(['013 SUMMER CUP 48X230ML', '1 KOTA 8.49 8.49||9.00 SR'])).toEqual([['013 SUMMER CUP 48X230ML', '1', '8.49', '9.00']]);
  });

  it('ends the items at the payment rows when no total row came first (no GST summary row as an item)', () => {
    expect(items(['MAGNUM ALMOND 90ML 4.50', 'Cash 20.20', 'Change 15.70', 'ZRL = 0 % 4.50||0.00']).map((item) => item[0])).toEqual(['MAGNUM ALMOND 90ML']);
  });
});

describe('quantity lines under their item', () => {
  it('gives a quantity x price row under an item to that item when it multiplies out to its amount, also with @ and RM misread', () => {
    expect(items(['2506 LOKAN MANDARIN RM62.50 Z', '@5 X RM 12.50', '2508 LOKAH MANDARIN RN79.00 Z', 'G5 X R 15.80', 'Total Sales RM 141.50'])).toEqual([
      ['2506 LOKAN MANDARIN', '5', '12.50', '62.50'],
      ['2508 LOKAH MANDARIN', '5', '15.80', '79.00'],
    ]);
    // One that does not multiply out to the item above leaves it alone; it names nothing, so it is no item either.
    expect(items(['2506 LOKAN MANDARIN RM62.50 Z', 'G4 X R 15.80'])).toEqual([['2506 LOKAN MANDARIN', null, null, '62.50']]);
    // A name above it makes it that name's row.
    expect(items(['NASI LEMAK', '2 X 3.50 7.00'])).toEqual([['NASI LEMAK', '2', '3.50', '7.00']]);
  });
});

describe('item amounts that lost their decimal point', () => {
  it('reads them only when asked (looseItemAmounts): the cents lost after the point, or the point read as a space', () => {
    expect(looseItemAmounts('1 HH GUINESS 12 GLASSES 150. SVC').map((a) => a.value)).toEqual(['150.00']);
    expect(looseItemAmounts('E8318 1 80 91 80 91 SR').map((a) => a.value)).toEqual(['80.91', '80.91']);
    // Numbers alone (no name before them) and amounts read whole are none of its business.
    expect(looseItemAmounts('1 80 91')).toEqual([]);
    expect(looseItemAmounts('TOWEL ROD 12 BOXES')).toEqual([]);
  });

  it('are read by the extractor only when the items then add up', () => {
    const slip = (amount: string) => extractReceiptOffline([page(['KEDAI MAJU SDN BHD', 'NO 5, JALAN BESAR, 43000 KAJANG', 'DATE 03/03/2018', 'QTY ITEM AMOUNT', '1 HH GUINESS 12 GLASSES 150. SVC', `1 SUB TOTAL ${amount}`, 'SERVICE CHARGE 10% 15.00', 'GST 6% 9.90', 'NET TOTAL 174.90', 'CASH 200.00', 'CHANGE 25.10'])]);
    expect(slip('150.00').lineItems.map((i) => i.amount)).toEqual(['150.00']);
    expect(slip('165.00').lineItems).toEqual([]);
  });

  it('makes items of such rows only with the option', () => {
    const rows = buildRows([page(['1 HH GUINESS 12 GLASSES 150. SVC'])]);
    expect(findLineItems(rows, 0, rows.length)).toEqual([]);
    expect(findLineItems(rows, 0, rows.length, { looseAmounts: true }).map((i) => [i.description, i.quantity, i.amount])).toEqual([['HH GUINESS 12 GLASSES', '1', '150.00']]);
  });
});

describe('repairMisreadAmount', () => {
  const item = (description: string, quantity: string | null, unitPrice: string | null, amount: string) => ({ description, quantity, unitPrice, amount });
  const sumIs = (target: string) => (amounts: string[]) => amounts.reduce((sum, a) => sum + Math.round(Number(a) * 100), 0) === Math.round(Number(target) * 100);

  it("reads the one item whose quantity x price is not its amount at its product, when that makes the items add up", () => {
    const read = [item('PAINT BRUSH', '2', '5.50', '11.00'), item('ROLLER REFIL', '1', '25.00', '26.00'), item('GLOVE', null, '6.00', '6.00')];
    expect(repairMisreadAmount(read, sumIs('42.00')).map((i) => i.amount)).toEqual(['11.00', '25.00', '6.00']);
  });

  it('changes nothing when the items add up, when the product does not make them add up, or when two items could', () => {
    const addsUp = [item('A', '1', '25.00', '26.00'), item('B', null, null, '4.00')];
    expect(repairMisreadAmount(addsUp, sumIs('30.00')).map((i) => i.amount)).toEqual(['26.00', '4.00']);
    expect(repairMisreadAmount(addsUp, sumIs('31.00')).map((i) => i.amount)).toEqual(['26.00', '4.00']);
    // A quantity read as 0 does not zero an item to make the sum come out.
    expect(repairMisreadAmount([item('A', '0', '5.00', '5.00'), item('B', null, null, '4.00')], sumIs('4.00')).map((i) => i.amount)).toEqual(['5.00', '4.00']);
    const either = [item('A', '1', '5.00', '6.00'), item('B', '1', '5.00', '6.00'), item('C', null, null, '1.00')];
    expect(repairMisreadAmount(either, sumIs('12.00')).map((i) => i.amount)).toEqual(['6.00', '6.00', '1.00']);
  });

  it('rounds the product to the dollar on whole-dollar invoices', () => {
    const read = [item('手提袋', '172', '55.22', '9468'), item('運費', null, null, '100')];
    expect(repairMisreadAmount(read, sumIs('9598'), { wholeDollars: true }).map((i) => i.amount)).toEqual(['9498', '100']);
  });
});

describe('repairMisreadQuantities', () => {
  const item = (description: string, quantity: string | null, unitPrice: string | null, amount: string) => ({ description, quantity, unitPrice, amount });
  const sumIs = (target: string) => (amounts: string[]) => amounts.reduce((sum, a) => sum + Math.round(Number(a) * 100), 0) === Math.round(Number(target) * 100);

  it('reads the quantity as the whole number of unit prices the amount is, when the amounts add up', () => {
    const read = [item('(T02) BRAISED PORK', '20', '7.00', '14.00'), item('MINUTE MAID PULPY [350ML]', '230', '2.44', '2.44'), item('ROAST PORK', '1', '11.90', '11.90')];
    expect(repairMisreadQuantities(read, sumIs('28.34')).map((i) => i.quantity)).toEqual(['2', '1', '1']);
  });

  it('keeps the reading of an amount that is no multiple of its price (a discount, the tax added), and of items that do not add up', () => {
    const discounted = [item('CBE BADGE CLIP 100PCS', '1', '26.42', '24.00'), item('GTG02', '1', '55.00', '58.30')];
    expect(repairMisreadQuantities(discounted, sumIs('82.30')).map((i) => i.quantity)).toEqual(['1', '1']);
    const unsure = [item('BRAISED PORK', '20', '7.00', '14.00'), item('RICE', null, null, '2.00')];
    expect(repairMisreadQuantities(unsure, sumIs('20.00')).map((i) => i.quantity)).toEqual(['20', null]);
  });

  it('takes the dollar rounding of whole-dollar invoices as multiplying out', () => {
    const read = [item('手提袋', '172', '55.22', '9498')];
    expect(repairMisreadQuantities(read, sumIs('9498'), { wholeDollars: true }).map((i) => i.quantity)).toEqual(['172']);
  });
});
