// Loaded with `node --import` by the CLI start-up test: records every module URL the process loads
// (to prove `docintel --help` imports no heavy library).
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
  import { appendFileSync } from 'node:fs';
  export async function resolve(specifier, context, next) {
    const result = await next(specifier, context);
    if (process.env.DOCINTEL_TRACE_FILE) appendFileSync(process.env.DOCINTEL_TRACE_FILE, result.url + '\\n');
    return result;
  }
`));
