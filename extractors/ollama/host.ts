/**
 * Ollama's address, read and normalised exactly as Ollama reads OLLAMA_HOST, in one place for the config
 * loader and the client. No dependencies: the CLI loads it on every command.
 */
import { DocintelError } from '../../pipeline/errors.js';

export const DEFAULT_OLLAMA_HOST = 'http://127.0.0.1:11434';

/**
 * The Ollama address from the environment, normalised the way Ollama reads OLLAMA_HOST: a missing scheme
 * means http, a missing port means 11434 (80/443 only with an explicit http/https scheme).
 */
export function resolveOllamaHost(env: Readonly<Record<string, string | undefined>>): string {
  return normaliseOllamaHost(env.OLLAMA_HOST ?? '');
}

/** One address (URL, host:port, host, :port) normalised the way Ollama reads OLLAMA_HOST. */
export function normaliseOllamaHost(raw: string): string {
  // Ollama trims spaces and quotes; people write OLLAMA_HOST="host:port" in env files.
  const value = raw.trim().replace(/^["']|["']$/g, '').trim();
  if (value === '') return DEFAULT_OLLAMA_HOST;
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  const scheme = schemeMatch?.[1]?.toLowerCase() ?? 'http';
  const rest = schemeMatch ? value.slice(schemeMatch[0].length) : value;
  const defaultPort = !schemeMatch ? '11434' : scheme === 'https' ? '443' : scheme === 'http' ? '80' : '11434';
  const slash = rest.indexOf('/');
  // ':8080' means this machine on that port, as in Ollama.
  const hostPort = (slash === -1 ? rest : rest.slice(0, slash)).replace(/^(?=:)/, '127.0.0.1');
  const path = slash === -1 ? '' : rest.slice(slash).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(`${scheme}://${hostPort || '127.0.0.1'}`);
  } catch (cause) {
    throw new DocintelError('CONFIG_INVALID', `[ollama] OLLAMA_HOST is not a host, host:port or URL: ${JSON.stringify(value)}`, {
      cause,
      hint: 'Set OLLAMA_HOST like 127.0.0.1:11434 or http://gpu-box:11434.',
    });
  }
  // 0.0.0.0 is what people set for the server to listen everywhere; as a destination it means this machine.
  const hostname = url.hostname === '0.0.0.0' || url.hostname === '[::]' || url.hostname === '' ? '127.0.0.1' : url.hostname;
  const port = url.port || (/:\d+$/.test(hostPort) ? '' : defaultPort);
  return `${scheme}://${hostname}${port ? `:${port}` : ''}${path}`;
}
