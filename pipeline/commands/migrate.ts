import { openDatabase } from '../db/open.js';
import { migrate } from '../db/migrate.js';
import type { CommandHandler } from './registry.js';

export const migrateCommand: CommandHandler = async (ctx) => {
  const db = await openDatabase(ctx.config);
  try {
    const applied = await migrate(db);
    if (applied.length === 0) {
      ctx.stdout.write(`Database ${db.location} is up to date.\n`);
    } else {
      for (const m of applied) ctx.stdout.write(`applied ${String(m.version).padStart(3, '0')}_${m.name}\n`);
      ctx.stdout.write(`Database ${db.location} migrated (${applied.length} migration(s)).\n`);
    }
    return 0;
  } finally {
    await db.close();
  }
};
