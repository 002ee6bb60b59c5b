import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Serves the built web console (`apps/console/dist`) at `/`, with the single-page-app fallback:
 * any GET for a page URL (`/ledger/accounts/acc_…`) gets `index.html`, and the console's router
 * takes it from there. The API's own paths are never answered with the page.
 *
 * Our own small server instead of @fastify/static: the console is a few hundred kilobytes of
 * immutable, content-hashed files, so they are read once at start, kept in memory with their gzip
 * and brotli forms (made at build time by tools/build-console.ts, or here if missing), and sent
 * with the right caching: a year and `immutable` for `/assets/*`, `no-cache` for `index.html`.
 */
export const CONSOLE_DIST_DIR = fileURLToPath(new URL('../../console/dist', import.meta.url));

/** Paths that belong to the API and the operations endpoints (and everything under them), never to the console. */
export const API_PATHS: readonly string[] = ['/v1', '/docs', '/openapi.json', '/healthz', '/readyz', '/metrics'];

/** True for a path the console serves (its files and page URLs). */
export function isConsolePath(url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  return !API_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};
/** Smaller files are sent as they are. */
const COMPRESS_BYTES_MIN = 1024;
const FILES_MAX = 2000;

interface Asset {
  readonly type: string;
  readonly body: Buffer;
  readonly gzip: Buffer | undefined;
  readonly brotli: Buffer | undefined;
  readonly cacheControl: string;
}

export interface ConsoleAssets {
  readonly files: ReadonlyMap<string, Asset>;
  readonly index: Asset;
}

export interface ConsoleOptions {
  /** Shows the demo-data banner (`ZHIRONG_DEMO`). */
  readonly demo: boolean;
  /** The institution's time zone (`ZHIRONG_TIMEZONE`): the console shows dates in it. */
  readonly timeZone: string;
}

/** Reads the built console into memory; undefined when it has not been built. */
export function loadConsoleAssets(dir: string, options: ConsoleOptions): ConsoleAssets | undefined {
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) return undefined;
  const files = new Map<string, Asset>();
  for (const file of walk(dir)) {
    if (file.endsWith('.gz') || file.endsWith('.br')) continue;
    const path = `/${relative(dir, file).split(sep).join('/')}`;
    if (path === '/index.html') continue;
    const immutable = path.startsWith('/assets/');
    files.set(path, asset(file, readFileSync(file), immutable ? 'public, max-age=31536000, immutable' : 'no-cache'));
  }
  // The page tells the console about the installation in meta tags (not an inline script: CSP).
  const html = readFileSync(indexFile, 'utf8')
    .replace(/<meta name="zhirong-demo" content="[a-z]*"/, `<meta name="zhirong-demo" content="${options.demo}"`)
    .replace(
      /<meta name="zhirong-timezone" content="[^"]*"/,
      `<meta name="zhirong-timezone" content="${options.timeZone.replace(/[^A-Za-z0-9_+\-/]/g, '')}"`,
    );
  return { files, index: asset(indexFile, Buffer.from(html), 'no-cache', false) };
}

function asset(file: string, body: Buffer, cacheControl: string, precompressed = true): Asset {
  const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
  const compressible = body.length >= COMPRESS_BYTES_MIN && !type.startsWith('image/png') && type !== 'font/woff2';
  const read = (suffix: string) =>
    precompressed && existsSync(file + suffix) ? readFileSync(file + suffix) : undefined;
  return {
    type,
    body,
    cacheControl,
    gzip: compressible ? (read('.gz') ?? gzipSync(body, { level: 9 })) : undefined,
    brotli: compressible
      ? (read('.br') ?? brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } }))
      : undefined,
  };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  const visit = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile() && statSync(path).size > 0) out.push(path);
      if (out.length > FILES_MAX) throw new Error(`the console build has more than ${FILES_MAX} files`);
    }
  };
  visit(dir);
  return out;
}

function send(request: FastifyRequest, reply: FastifyReply, file: Asset): FastifyReply {
  reply.header('content-type', file.type).header('cache-control', file.cacheControl).header('vary', 'accept-encoding');
  const accepted = String(request.headers['accept-encoding'] ?? '');
  if (file.brotli !== undefined && /\bbr\b/.test(accepted)) {
    return reply.header('content-encoding', 'br').send(file.brotli);
  }
  if (file.gzip !== undefined && /\bgzip\b/.test(accepted)) {
    return reply.header('content-encoding', 'gzip').send(file.gzip);
  }
  return reply.send(file.body);
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Zhirong</title></head><body>
<h1>The console is not built</h1><p>Run <code>npm run build:console</code> (npm ci does it for you) and restart the server.
The API is served under <code>/v1</code>.</p><p lang="zh-CN">控制台尚未构建：请运行 <code>npm run build:console</code> 后重启服务。</p></body></html>`;

/**
 * Registers `GET /` and the catch-all `GET /*` (config `console: true`, so the guard lets the
 * console's paths through without credentials and authenticates everything else as usual).
 */
export function registerConsole(
  app: FastifyInstance,
  assets: ConsoleAssets | undefined,
  notFound: (request: FastifyRequest, reply: FastifyReply) => FastifyReply,
): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isConsolePath(request.url)) return notFound(request, reply);
    if (assets === undefined) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    const path = decodePath(request.url);
    const file = path === undefined ? undefined : assets.files.get(path);
    if (file !== undefined) return send(request, reply, file);
    // A missing file (an old hashed asset after an upgrade) is a 404, not the page.
    if (path === undefined || path.startsWith('/assets/') || extname(path) !== '') return notFound(request, reply);
    return send(request, reply, assets.index);
  };
  const options = { config: { console: true }, schema: { hide: true } };
  app.get('/', options, handler);
  app.get('/*', options, handler);
}

function decodePath(url: string): string | undefined {
  try {
    const path = decodeURIComponent(url.split('?', 1)[0] ?? '/');
    return path.includes('..') || path.includes('\0') ? undefined : path;
  } catch {
    return undefined;
  }
}
