-- docintel data model, version 1. See ARCHITECTURE.md "Data model".
-- Forward only: never edit this file once released; add 002_*.sql instead (the migrator refuses a changed file).
-- Tables may change between versions; the *_v views at the end are the stable interface for analysts.

CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;

-- One row per `docintel run`.
CREATE TABLE runs (
  id            bigserial PRIMARY KEY,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  host          text NOT NULL,
  pid           integer NOT NULL,
  folder        text,
  options       jsonb NOT NULL DEFAULT '{}'::jsonb,
  status        text NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
  counts        jsonb NOT NULL DEFAULT '{}'::jsonb,
  version       text
);

-- One row per distinct file content. The sha256 is the identity: a copy or a rename of a processed
-- file is the same document (its extra path goes to document_paths).
CREATE TABLE documents (
  id              bigserial PRIMARY KEY,
  sha256          text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  original_path   text NOT NULL,
  file_name       text NOT NULL,
  size_bytes      bigint NOT NULL CHECK (size_bytes >= 0),
  mime            text,
  file_type       text CHECK (file_type IN ('jpeg', 'png', 'tiff', 'webp', 'heif', 'pdf')),
  page_count      integer CHECK (page_count >= 0),
  kind            text CHECK (kind IN ('receipt', 'invoice', 'site_photo', 'other')),
  status          text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'processing', 'done', 'failed')),
  -- The stage reached (when done) or the stage that failed.
  stage           text NOT NULL DEFAULT 'register'
                  CHECK (stage IN ('register', 'preprocess', 'read', 'classify', 'extract', 'validate', 'embed', 'commit')),
  error_code      text,
  error_message   text,
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- Claimed by a worker (host:pid:run) while processing: lets several workers share one queue with
  -- FOR UPDATE SKIP LOCKED and lets a crashed worker's claim expire.
  claimed_by      text,
  claimed_at      timestamptz,
  first_run_id    bigint REFERENCES runs (id) ON DELETE SET NULL,
  last_run_id     bigint REFERENCES runs (id) ON DELETE SET NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  processed_at    timestamptz,
  CHECK ((status = 'failed') = (error_code IS NOT NULL))
);
CREATE INDEX documents_status_idx ON documents (status);

-- Every path a document was seen at, with size and mtime so an unchanged file is skipped without
-- reading it again. Paths that are not valid UTF-8 are stored percent-escaped (see path_is_escaped).
CREATE TABLE document_paths (
  path             text PRIMARY KEY,
  path_is_escaped  boolean NOT NULL DEFAULT false,
  document_id      bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  size_bytes       bigint NOT NULL,
  mtime_ms         double precision NOT NULL,
  first_seen_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_paths_document_idx ON document_paths (document_id);

-- Text per page (PDF text layer or OCR), stored so later stages can re-run without OCR again.
CREATE TABLE pages (
  document_id   bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  page_no       integer NOT NULL CHECK (page_no >= 1),
  source        text NOT NULL CHECK (source IN ('text-layer', 'ocr')),
  text          text NOT NULL,
  raw_text      text NOT NULL,
  confidence    real CHECK (confidence BETWEEN 0 AND 1),
  width         integer,
  height        integer,
  -- Lines with words and boxes (extractors/types.ts TextLine[]), in the coordinates of the page image.
  lines         jsonb NOT NULL DEFAULT '[]'::jsonb,
  engine        text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, page_no)
);

-- One receipt or invoice per document. Money is NUMERIC (exact decimal), never float.
CREATE TABLE receipts (
  id               bigserial PRIMARY KEY,
  document_id      bigint NOT NULL UNIQUE REFERENCES documents (id) ON DELETE CASCADE,
  vendor_name      text,
  vendor_address   text,
  vendor_tax_id    text,
  buyer_tax_id     text,
  invoice_number   text,
  invoice_date     date,
  currency         text CHECK (currency ~ '^[A-Z]{3}$'),
  subtotal         numeric,
  tax              numeric,
  total            numeric,
  payment_method   text,
  -- Per field: value, confidence 0..1, source (qr|text-layer|rules|llm), evidence (page + box).
  fields           jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Named validation results: [{ check, passed, detail }].
  validations      jsonb NOT NULL DEFAULT '[]'::jsonb,
  needs_review     boolean NOT NULL DEFAULT false,
  review_reasons   text[] NOT NULL DEFAULT '{}',
  confidence       real CHECK (confidence BETWEEN 0 AND 1),
  extractor        text NOT NULL,
  model            text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX receipts_invoice_number_idx ON receipts (invoice_number);
CREATE INDEX receipts_vendor_tax_id_idx ON receipts (vendor_tax_id);
CREATE INDEX receipts_invoice_date_idx ON receipts (invoice_date);

CREATE TABLE line_items (
  id            bigserial PRIMARY KEY,
  receipt_id    bigint NOT NULL REFERENCES receipts (id) ON DELETE CASCADE,
  position      integer NOT NULL CHECK (position >= 1),
  description   text NOT NULL,
  quantity      numeric,
  unit_price    numeric,
  amount        numeric,
  UNIQUE (receipt_id, position)
);

-- Findings on construction-site photos, each citing a rule id of the regulation catalog.
CREATE TABLE site_findings (
  id               bigserial PRIMARY KEY,
  document_id      bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  rule_id          text NOT NULL,
  catalog_version  text NOT NULL,
  status           text NOT NULL CHECK (status IN ('violation', 'compliant', 'cannot_determine')),
  severity         text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  evidence         jsonb,
  explanation      text,
  confidence       real CHECK (confidence BETWEEN 0 AND 1),
  extractor        text NOT NULL,
  model            text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (document_id, rule_id)
);

-- Text chunks with embeddings: what `ask` searches.
--
-- Vectors of different models have different dimensions (the offline hashed n-gram embedder: 256;
-- bge-m3: 1024), and a model upgrade must not require rewriting the table. So the column is an
-- untyped `vector` and each model gets a PARTIAL HNSW index on an expression cast to its dimension,
-- restricted to its rows (pgvector's documented way to index mixed dimensions). A query must use the
-- same cast and `WHERE embedding_model = ...` to hit the index (see pipeline/db/vectors.ts).
-- Cosine distance: both embedders produce normalised vectors and similarity is what `ask` ranks by.
CREATE TABLE chunks (
  id               bigserial PRIMARY KEY,
  document_id      bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  page_no          integer,
  chunk_no         integer NOT NULL CHECK (chunk_no >= 0),
  text             text NOT NULL,
  embedding        vector NOT NULL,
  embedding_model  text NOT NULL,
  embedding_dims   integer NOT NULL CHECK (embedding_dims BETWEEN 1 AND 2000),
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (document_id, embedding_model, chunk_no),
  CHECK (vector_dims(embedding) = embedding_dims)
);
CREATE INDEX chunks_embedding_hash256_idx ON chunks
  USING hnsw ((embedding::vector(256)) vector_cosine_ops)
  WHERE embedding_model = 'hash-ngram-256';
CREATE INDEX chunks_embedding_bge_m3_idx ON chunks
  USING hnsw ((embedding::vector(1024)) vector_cosine_ops)
  WHERE embedding_model = 'bge-m3';

-- ---------------------------------------------------------------------------------------------
-- Stable views for people and BI tools. Columns are only ever added, never renamed or removed.
-- ---------------------------------------------------------------------------------------------

CREATE VIEW documents_v AS
SELECT d.id            AS document_id,
       d.original_path AS source_file,
       d.file_name,
       d.sha256,
       d.size_bytes,
       d.mime,
       d.page_count,
       d.kind,
       d.status,
       d.stage,
       d.error_code,
       d.error_message,
       d.attempts,
       d.created_at,
       d.processed_at
FROM documents d;

CREATE VIEW receipts_v AS
SELECT r.document_id,
       d.original_path AS source_file,
       d.kind,
       r.vendor_name,
       r.vendor_address,
       r.vendor_tax_id,
       r.buyer_tax_id,
       r.invoice_number,
       r.invoice_date  AS date,
       r.currency,
       r.subtotal,
       r.tax,
       r.total,
       r.payment_method,
       r.needs_review,
       r.review_reasons,
       r.confidence,
       r.extractor,
       r.model,
       d.processed_at
FROM receipts r
JOIN documents d ON d.id = r.document_id;

CREATE VIEW line_items_v AS
SELECT r.document_id,
       d.original_path AS source_file,
       r.vendor_name,
       r.invoice_number,
       r.invoice_date  AS date,
       r.currency,
       li.position,
       li.description,
       li.quantity,
       li.unit_price,
       li.amount
FROM line_items li
JOIN receipts r  ON r.id = li.receipt_id
JOIN documents d ON d.id = r.document_id;

CREATE VIEW site_findings_v AS
SELECT f.document_id,
       d.original_path AS source_file,
       f.rule_id,
       f.catalog_version,
       f.status,
       f.severity,
       f.explanation,
       f.confidence,
       f.evidence,
       f.extractor,
       f.model,
       f.created_at
FROM site_findings f
JOIN documents d ON d.id = f.document_id;
