import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root (where package.json, sql/ and schemas/regulations/ live). Found by walking up from
 * this file so it works both from the TypeScript sources (tests) and from the compiled dist/ tree.
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'sql'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('[docintel] cannot find the package root (package.json next to sql/)');
    dir = parent;
  }
}

export const packageRoot = findPackageRoot();
export const sqlDir = join(packageRoot, 'sql');
export const regulationsDir = join(packageRoot, 'schemas', 'regulations');

/** docintel's version from package.json ('unknown' if it cannot be read). */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
