import type { Database } from './database.js';

export interface DatabaseConfig {
  /** PostgreSQL URL; when unset the embedded PGlite database in `dataDir` is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; default ./.docintel/db. */
  dataDir: string;
}

/** The one place that chooses the database backend. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.databaseUrl) {
    const { openPostgres } = await import('./pg.js');
    return openPostgres({ url: config.databaseUrl });
  }
  const { openPglite } = await import('./pglite.js');
  return openPglite({ dataDir: config.dataDir });
}
