/**
 * One error type for everything docintel reports to a person. `code` is stable (scripts and the
 * database match on it), `message` names the action and the input, `hint` says what to do next,
 * and the original error travels in `cause`.
 */
export type ErrorCode =
  // configuration and command line (exit 2)
  | 'CONFIG_INVALID'
  | 'CONFIG_FILE_INVALID'
  | 'CLI_UNKNOWN_COMMAND'
  | 'CLI_UNKNOWN_FLAG'
  | 'CLI_BAD_ARGUMENT'
  // environment (exit 2)
  | 'DB_UNREACHABLE'
  | 'DB_NOT_MIGRATED'
  | 'DB_NEWER_THAN_CODE'
  | 'DB_QUERY_FAILED'
  | 'DB_CONSTRAINT_VIOLATION'
  | 'PGVECTOR_MISSING'
  | 'MIGRATION_CHANGED'
  | 'MIGRATION_MISSING'
  | 'MIGRATION_FAILED'
  | 'RUN_LOCKED'
  | 'FOLDER_NOT_FOUND'
  | 'OCR_LANGUAGE_DATA_MISSING'
  | 'OLLAMA_UNREACHABLE'
  | 'OLLAMA_MODEL_MISSING'
  | 'OLLAMA_TIMEOUT'
  | 'OLLAMA_HTTP_ERROR'
  | 'OLLAMA_INVALID_OUTPUT'
  // per document (recorded on the document; the run carries on)
  | 'FILE_EMPTY'
  | 'FILE_UNREADABLE'
  | 'FILE_VANISHED'
  | 'FILE_TOO_LARGE'
  | 'UNSUPPORTED_TYPE'
  | 'IMAGE_CORRUPT'
  | 'IMAGE_TOO_LARGE'
  | 'PDF_CORRUPT'
  | 'PASSWORD_REQUIRED'
  | 'TOO_MANY_PAGES'
  | 'OCR_FAILED'
  | 'EXTRACTION_FAILED'
  | 'INTERRUPTED'
  | 'INTERNAL';

/** Codes caused by the user or the environment: the CLI exits 2 for these, 1 for anything else. */
const USER_OR_ENVIRONMENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CONFIG_INVALID',
  'CONFIG_FILE_INVALID',
  'CLI_UNKNOWN_COMMAND',
  'CLI_UNKNOWN_FLAG',
  'CLI_BAD_ARGUMENT',
  'DB_UNREACHABLE',
  'DB_NOT_MIGRATED',
  'DB_NEWER_THAN_CODE',
  'PGVECTOR_MISSING',
  'MIGRATION_CHANGED',
  'MIGRATION_MISSING',
  'MIGRATION_FAILED',
  'RUN_LOCKED',
  'FOLDER_NOT_FOUND',
  'OCR_LANGUAGE_DATA_MISSING',
  'OLLAMA_UNREACHABLE',
  'OLLAMA_MODEL_MISSING',
]);

export interface DocintelErrorOptions {
  /** The underlying error, kept for DEBUG output and logs. */
  cause?: unknown;
  /** One sentence telling the operator what to do next. */
  hint?: string;
  /** Structured details (file, page, setting) for logs and the run report. */
  details?: Record<string, unknown>;
}

export class DocintelError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: DocintelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DocintelError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  /** True when the problem is the user's input or environment rather than a bug in docintel. */
  get isUserOrEnvironment(): boolean {
    return USER_OR_ENVIRONMENT.has(this.code);
  }
}

export function isDocintelError(value: unknown): value is DocintelError {
  return value instanceof DocintelError;
}

/** Wraps anything thrown into a DocintelError, keeping an existing one as it is. */
export function toDocintelError(value: unknown, fallback: ErrorCode = 'INTERNAL', context?: string): DocintelError {
  if (value instanceof DocintelError) return value;
  const text = value instanceof Error ? value.message : String(value);
  return new DocintelError(fallback, context ? `${context}: ${text}` : text, { cause: value });
}

/** The message of any thrown value, for logs. */
export function errorMessage(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
