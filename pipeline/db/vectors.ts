import { DocintelError } from '../errors.js';
import { toVectorSql, type Queryable } from './database.js';

/**
 * Embedding models with a partial HNSW index (see sql/001_initial.sql). A model not listed still works:
 * its rows are searched exactly (sequential scan), which is fine until it holds many thousands of chunks.
 */
export const INDEXED_EMBEDDING_MODELS: Readonly<Record<string, number>> = {
  'hash-ngram-256': 256,
  'bge-m3': 1024,
};

export interface ChunkInput {
  documentId: number;
  pageNo: number | null;
  chunkNo: number;
  text: string;
  embedding: readonly number[];
  embeddingModel: string;
}

export interface ChunkMatch {
  id: number;
  document_id: number;
  page_no: number | null;
  chunk_no: number;
  text: string;
  distance: number;
}

function dimsLiteral(dims: number): number {
  // The dimension goes into the SQL text (a type modifier cannot be a parameter), so it must be a
  // validated integer, never user text.
  if (!Number.isInteger(dims) || dims < 1 || dims > 2000) {
    throw new DocintelError('INTERNAL', `Embedding dimension ${dims} is not an integer between 1 and 2000`);
  }
  return dims;
}

export async function insertChunk(q: Queryable, chunk: ChunkInput): Promise<number> {
  const result = await q.query<{ id: number }>(
    `INSERT INTO chunks (document_id, page_no, chunk_no, text, embedding, embedding_model, embedding_dims)
     VALUES ($1, $2, $3, $4, $5::vector, $6, $7)
     ON CONFLICT (document_id, embedding_model, chunk_no)
     DO UPDATE SET text = EXCLUDED.text, embedding = EXCLUDED.embedding, page_no = EXCLUDED.page_no
     RETURNING id`,
    [chunk.documentId, chunk.pageNo, chunk.chunkNo, chunk.text, toVectorSql(chunk.embedding), chunk.embeddingModel, chunk.embedding.length],
  );
  return result.rows[0]!.id;
}

/**
 * Nearest chunks by cosine distance among the rows of one embedding model. The expression and the
 * WHERE clause match the partial index exactly so PostgreSQL can use HNSW.
 */
export async function nearestChunks(
  q: Queryable,
  model: string,
  embedding: readonly number[],
  limit = 10,
): Promise<ChunkMatch[]> {
  const dims = dimsLiteral(embedding.length);
  const result = await q.query<ChunkMatch>(
    `SELECT id, document_id, page_no, chunk_no, text,
            (embedding::vector(${dims}) <=> $1::vector(${dims}))::float8 AS distance
     FROM chunks
     WHERE embedding_model = $2
     ORDER BY embedding::vector(${dims}) <=> $1::vector(${dims})
     LIMIT $3`,
    [toVectorSql(embedding), model, limit],
  );
  return result.rows;
}
