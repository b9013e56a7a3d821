/**
 * The words Malaysian and Singaporean receipt headers are built from: place names, address vocabulary,
 * legal forms and shop types. General knowledge of the region, never a word taken from one receipt.
 * Used twice: by the PP-OCR engine, whose reading of a near-miss word gives way to a listed spelling
 * the model's output supports (extractors/ocr/ppocr/lexicon.ts), and by the header repairs
 * (ocr-repair.ts), which correct look-alike letters from any engine.
 */

/** States, cities and districts: the words an address ends with. */
export const PLACE_NAMES = [
  'SELANGOR', 'JOHOR', 'KEDAH', 'KELANTAN', 'MELAKA', 'MALACCA', 'NEGERI', 'SEMBILAN', 'PAHANG', 'PENANG', 'PINANG',
  'PERAK', 'PERLIS', 'SABAH', 'SARAWAK', 'TERENGGANU', 'PUTRAJAYA', 'LABUAN', 'MALAYSIA', 'SINGAPORE', 'DARUL',
  'EHSAN', 'TAKZIM', 'KUALA', 'LUMPUR', 'BAHRU', 'PETALING', 'KLANG', 'SHAH', 'ALAM', 'SUBANG', 'PUCHONG', 'CHERAS',
  'AMPANG', 'KAJANG', 'SERDANG', 'KEMBANGAN', 'DAMANSARA', 'GENTING', 'HIGHLANDS', 'SETAPAK', 'KEPONG', 'RAWANG',
  'SEMENYIH', 'BANGI', 'CYBERJAYA', 'SEREMBAN', 'NILAI', 'IPOH', 'MASAI', 'PASIR', 'GUDANG', 'SKUDAI', 'KULAI',
  'TEBRAU', 'PERMAS', 'SENAI', 'BALAKONG',
];
/**
 * Generic address and company vocabulary (street types, area words, states, the largest cities, legal
 * forms). The header repairs correct only words of 5+ letters with it, and only when exactly one entry
 * is one edit away (ocr-repair.ts).
 */
export const GAZETTEER = [
  'JALAN', 'TAMAN', 'LORONG', 'BANDAR', 'KAWASAN', 'PERINDUSTRIAN', 'PERSIARAN', 'LEBUHRAYA', 'KAMPUNG', 'SEKSYEN',
  'MEDAN', 'PUSAT', 'BANGUNAN', 'WISMA', 'MENARA', 'KOMPLEKS', 'PLAZA', 'BLOCK', 'LEVEL', 'FLOOR', 'GROUND', 'SECOND',
  'AVENUE', 'BOULEVARD', 'STREET', 'ROAD', 'CENTRE', 'CENTER', 'BATU', 'UTARA', 'SELATAN', 'TIMUR', 'BARAT', 'BARU',
  'INDAH', 'JAYA', 'UTAMA', 'PERMAI', 'SENTOSA', 'DAMAI', 'MUTIARA', 'SETIA', 'DESA', 'BUKIT', 'SUNGAI', 'TASIK',
  ...PLACE_NAMES, 'SRI', 'SERI', 'SDN', 'BHD', 'BERHAD', 'ENTERPRISE', 'TRADING',
  'RESTAURANT', 'RESTORAN', 'HARDWARE', 'STATIONERY', 'MARKET', 'SUPERMARKET', 'PASARAYA', 'PERNIAGAAN',
  'SYARIKAT', 'INTERNATIONAL', 'MARKETING', 'SERVICES', 'INDUSTRIES', 'HOLDINGS', 'ELECTRICAL', 'MACHINERY',
  'TRADERS', 'COMPANY', 'CORPORATION', 'KEDAI', 'GALLERY', 'BOOKS', 'BAKERY', 'PHARMACY', 'FARMASI', 'KITCHEN',
];
/**
 * Address abbreviations and short place words, which the 5-letter gazetteer rule cannot reach. The
 * header repairs use them on addresses only: as names these letters are ordinary words (`JUN` is a given
 * name, not a misread JLN). The OCR lexicon uses them everywhere, but only where the model itself nearly
 * read the listed spelling, which a clearly printed JUN is not.
 */
export const ADDRESS_SHORT = ['JLN', 'TMN', 'LRG', 'SRI', 'SERI', 'JAYA', 'BARU', 'BATU', 'BLOK', 'INDAH', 'KG'];
/** Every word above, for the OCR engine's lexicon. */
export const RECEIPT_LEXICON: readonly string[] = [...new Set([...GAZETTEER, ...ADDRESS_SHORT])];
