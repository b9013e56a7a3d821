-- The clockwise quarter turn each page was read at (extractors/ocr/upright.ts): 90, 180 or 270 for a
-- page scanned sideways or upside down, 0 for one read as it came and for every text-layer page. A run
-- interrupted after the read stage leaves its pages here; the run that finishes the document shows QR
-- decoding and the vision model the page as it was read, which it can only do if the turn is kept.
-- Pages stored before this version were read before turning existed, or their turn is unknown: 0.
ALTER TABLE pages ADD COLUMN turn smallint NOT NULL DEFAULT 0 CHECK (turn IN (0, 90, 180, 270));
