import { DocintelError } from '../errors.js';

/** The fields PostgreSQL (and PGlite, which speaks the same protocol) put on a failed statement. */
interface PgErrorFields {
  code?: string;
  message?: string;
  detail?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

const CONSTRAINT_CLASS: Record<string, string> = {
  '23505': 'duplicate value',
  '23503': 'reference to a missing row',
  '23502': 'missing required value',
  '23514': 'value not allowed',
  '23P01': 'conflicting value',
};

/**
 * Turns a driver error into a DocintelError whose message says which constraint or statement failed,
 * keeping the SQLSTATE in `details.sqlstate` so callers can still branch on it.
 */
export function toDatabaseError(error: unknown, sql: string): DocintelError {
  if (error instanceof DocintelError) return error;
  const fields = (typeof error === 'object' && error !== null ? error : {}) as PgErrorFields;
  const sqlstate = fields.code;
  const statement = sql.trim().split(/\s+/).slice(0, 6).join(' ');
  if (sqlstate && sqlstate in CONSTRAINT_CLASS) {
    const where = [fields.table && `table ${fields.table}`, fields.constraint && `constraint ${fields.constraint}`]
      .filter(Boolean)
      .join(', ');
    return new DocintelError(
      'DB_CONSTRAINT_VIOLATION',
      `Database refused a ${CONSTRAINT_CLASS[sqlstate]}${where ? ` (${where})` : ''}: ${fields.detail ?? fields.message ?? 'no detail'}`,
      { cause: error, details: { sqlstate, constraint: fields.constraint, table: fields.table, statement } },
    );
  }
  const message = fields.message ?? String(error);
  return new DocintelError('DB_QUERY_FAILED', `Query failed (${statement} ...): ${message}`, {
    cause: error,
    details: { sqlstate, statement },
  });
}

/** SQLSTATE of a database error, looking through a DocintelError wrapper. */
export function sqlstateOf(error: unknown): string | undefined {
  if (error instanceof DocintelError) return error.details?.sqlstate as string | undefined;
  const code = (error as PgErrorFields | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
