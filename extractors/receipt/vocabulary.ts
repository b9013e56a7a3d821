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
/** GAZETTEER as a set, for lookups. */
export const GAZETTEER_WORDS: ReadonlySet<string> = new Set(GAZETTEER);
/**
 * Address abbreviations and short place words, which the 5-letter gazetteer rule cannot reach. The
 * header repairs use them on addresses only: as names these letters are ordinary words (`JUN` is a given
 * name, not a misread JLN). The OCR lexicon uses them everywhere, but only where the model itself nearly
 * read the listed spelling, which a clearly printed JUN is not.
 */
export const ADDRESS_SHORT = ['JLN', 'TMN', 'LRG', 'SRI', 'SERI', 'JAYA', 'BARU', 'BATU', 'BLOK', 'INDAH', 'KG'];
/**
 * Towns, districts and neighbourhoods of Peninsular and East Malaysia, state by state, and the words of
 * their names (`BATANG BERJUNTAI` → BATANG, BERJUNTAI), for the OCR lexicon only: the header repairs keep
 * to the shorter list above, since they correct without the model's evidence. A general list, as an
 * address parser's gazetteer would hold; it is not complete, and a town it lacks is read as printed.
 * Left out: names one letter from a word receipts print in their item lines or dates (MUAR/MAR,
 * MERU/MENU, MIRI/MINI, ARA/ARE), and for the same reason PARK (PORK) and MALL (MALT) below.
 */
export const MALAYSIAN_PLACES = [
  // Johor
  'JOHOR BAHRU', 'SKUDAI', 'KULAI', 'KULAIJAYA', 'SENAI', 'TEBRAU', 'MASAI', 'PASIR GUDANG', 'PERMAS JAYA', 'TAMPOI', 'LARKIN',
  'PONTIAN', 'KLUANG', 'BATU PAHAT', 'SEGAMAT', 'KOTA TINGGI', 'MERSING', 'TANGKAK', 'YONG PENG', 'AYER HITAM',
  'SIMPANG RENGGAM', 'NUSAJAYA', 'ISKANDAR PUTERI', 'GELANG PATAH', 'ULU TIRAM', 'PENGERANG', 'STULANG', 'PLENTONG', 'PAGOH',
  'LABIS', 'PARIT RAJA', 'BENUT', 'JOHOR JAYA', 'MOUNT AUSTIN', 'BUKIT INDAH',
  // Selangor
  'SHAH ALAM', 'PETALING JAYA', 'SUBANG JAYA', 'KLANG', 'KAPAR', 'BANTING', 'KAJANG', 'BANGI', 'SEMENYIH', 'BERANANG',
  'RAWANG', 'SELAYANG', 'BATU CAVES', 'GOMBAK', 'AMPANG', 'PUCHONG', 'SERI KEMBANGAN', 'SERDANG', 'BALAKONG', 'CYBERJAYA',
  'DENGKIL', 'SEPANG', 'SALAK TINGGI', 'SUNGAI BULOH', 'KOTA DAMANSARA', 'SETIA ALAM', 'KUALA SELANGOR', 'IJOK', 'BESTARI JAYA',
  'BATANG BERJUNTAI', 'TANJONG KARANG', 'SABAK BERNAM', 'KUALA KUBU BHARU', 'SERENDAH', 'HULU SELANGOR', 'BUKIT BERUNTUNG',
  'PELABUHAN KLANG', 'PORT KLANG', 'TELUK PANGLIMA GARANG', 'JENJAROM', 'KOTA KEMUNING', 'SUNWAY', 'GLENMARIE', 'KELANA JAYA',
  'TROPICANA', 'SAUJANA', 'PUNCAK ALAM', 'BUKIT TINGGI', 'KOTA WARISAN',
  // Kuala Lumpur and Putrajaya
  'KUALA LUMPUR', 'KEPONG', 'SETAPAK', 'WANGSA MAJU', 'SENTUL', 'BANGSAR', 'BRICKFIELDS', 'PUDU', 'BUKIT BINTANG', 'MONT KIARA',
  'SRI HARTAMAS', 'SEGAMBUT', 'JINJANG', 'SALAK SELATAN', 'SUNGAI BESI', 'KUCHAI LAMA', 'KERAMAT', 'MELAWATI', 'MALURI',
  'TITIWANGSA', 'PANTAI', 'BUKIT JALIL', 'SERI PETALING', 'DESA PETALING', 'BANDAR TUN RAZAK', 'SRI RAMPAI', 'MENJALARA',
  'DAMANSARA HEIGHTS', 'PUTRAJAYA',
  // Other states
  'SEREMBAN', 'NILAI', 'PORT DICKSON', 'RASAH', 'MELAKA', 'AYER KEROH', 'ALOR GAJAH', 'JASIN', 'IPOH', 'TAIPING', 'TELUK INTAN',
  'KAMPAR', 'SITIAWAN', 'LUMUT', 'MANJUNG', 'GEORGETOWN', 'BUTTERWORTH', 'BAYAN LEPAS', 'BUKIT MERTAJAM', 'ALOR SETAR',
  'SUNGAI PETANI', 'KULIM', 'LANGKAWI', 'KANGAR', 'KOTA BHARU', 'KUALA TERENGGANU', 'KEMAMAN', 'KUANTAN', 'TEMERLOH', 'BENTONG',
  'RAUB', 'CAMERON', 'KOTA KINABALU', 'SANDAKAN', 'TAWAU', 'KUCHING', 'SIBU', 'BINTULU',
];
/** Address words beyond the street types above: buildings, estates, areas. */
const ADDRESS_WORDS = [
  'PANGSAPURI', 'KONDOMINIUM', 'APARTMENT', 'RESIDENCE', 'RUMAH', 'SIMPANG', 'PEKAN', 'KOMERSIAL', 'NIAGA', 'PERUMAHAN',
  'PERDAGANGAN', 'INDUSTRI', 'HEIGHTS', 'GARDEN', 'GARDENS', 'SQUARE', 'CENTRAL', 'RAYA', 'BESAR', 'LAMA',
  'TENGAH', 'HILIR', 'HULU', 'ULU', 'TANJUNG', 'TANJONG',
];
/**
 * Words businesses put in their names, beyond the gazetteer's (header.ts BUSINESS_WORD spells the same
 * trade words as a pattern), five letters or more: shorter ones sit one letter from item words.
 */
const TRADE_WORDS = [
  'ENTERPRISES', 'RESTAURANTS', 'MINIMARKET', 'HYPERMARKET', 'BOOKSTORE', 'STORE', 'STORES', 'GROUP', 'BISTRO', 'MOTOR',
  'KITCHENETTE', 'HOUSE', 'AGENCY', 'FOODS', 'DELIGHT', 'DELIGHTS', 'PETRO', 'STATION', 'HOTEL', 'PRINTING', 'TAILORING',
  'LAUNDRY', 'SALON', 'CLINIC', 'KLINIK', 'BORONG', 'SERVICE',
];
/** Every word above, for the OCR engine's lexicon. */
export const RECEIPT_LEXICON: readonly string[] = [
  ...new Set([...GAZETTEER, ...ADDRESS_SHORT, ...ADDRESS_WORDS, ...TRADE_WORDS, ...MALAYSIAN_PLACES.flatMap((place) => place.split(' '))]),
];
