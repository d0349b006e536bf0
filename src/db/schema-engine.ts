/**
 * Prisma's schema engine (migrations, diffs) as WebAssembly, so that migrating needs neither the
 * native engine binary nor network access. See docs/database.md.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { type DatabaseTarget } from './provider.js';

type EngineModule = typeof import('@prisma/schema-engine-wasm');

/** The part of the WebAssembly API used here (its types live in lib.dom, which this project omits). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, unknown>): Promise<{ exports: Record<string, unknown> }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let enginePromise: Promise<EngineModule> | undefined;

/** Loads the WASM schema engine once per process (Node does not import .wasm as a module). */
function loadEngineModule(): Promise<EngineModule> {
  enginePromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const pkgDir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
    const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as EngineModule & {
      __wbg_set_wasm(exports: Record<string, unknown>): void;
    };
    const bytes = await readFile(path.join(pkgDir, 'schema_engine_bg.wasm'));
    const module = await wasmApi.compile(bytes);
    const instance = await wasmApi.instantiate(module, { './schema_engine_bg.js': bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg;
  })();
  return enginePromise;
}

/** The adapter calls that reach the database, watched for a busy database. */
const DATABASE_CALLS = ['queryRaw', 'executeRaw', 'executeScript', 'startTransaction'] as const;

/**
 * True for a driver error that means another connection holds the lock the engine asked for:
 * SQLite's SQLITE_BUSY (the adapter reports it as kind `SocketTimeout`, which the WASM engine
 * cannot even decode) or PostgreSQL's lock timeout.
 */
function isBusyError(err: unknown): boolean {
  const e = err as { code?: unknown; cause?: { kind?: unknown; originalCode?: unknown } } | undefined;
  const codes = [e?.code, e?.cause?.originalCode].filter((c): c is string => typeof c === 'string');
  return e?.cause?.kind === 'SocketTimeout' || codes.some((c) => c.startsWith('SQLITE_BUSY') || c === '55P03');
}

/**
 * A driver adapter factory for the engine that remembers the connections it opened: the engine's
 * `free()` does not close them, and a SQLite connection left open keeps its lock on the file.
 * It also notes when a call failed because the database was busy (see `wasBusy`).
 */
function trackedAdapterFactory(target: DatabaseTarget, busyTimeoutMs: number | undefined) {
  const factory =
    target.provider === 'sqlite'
      ? new PrismaBetterSqlite3({ url: target.sqlitePath, ...(busyTimeoutMs !== undefined && { timeout: busyTimeoutMs }) })
      : new PrismaPg({ connectionString: target.url }, target.schema ? { schema: target.schema } : undefined);
  const opened: { dispose(): Promise<void> }[] = [];
  let busy = false;
  const watch = <A extends object>(adapter: A): A => {
    const calls = adapter as unknown as Record<string, unknown>;
    for (const name of DATABASE_CALLS) {
      const call = calls[name];
      if (typeof call !== 'function') continue;
      calls[name] = async (...args: unknown[]) => {
        try {
          return await (call as (...a: unknown[]) => Promise<unknown>).apply(adapter, args);
        } catch (err) {
          if (isBusyError(err)) busy = true;
          throw err;
        }
      };
    }
    return adapter;
  };
  const tracked = Object.create(factory) as typeof factory;
  tracked.connect = async () => {
    const adapter = watch(await factory.connect());
    opened.push(adapter);
    return adapter;
  };
  tracked.connectToShadowDb = async () => {
    const adapter = watch(await factory.connectToShadowDb());
    opened.push(adapter);
    return adapter;
  };
  const disposeAll = async () => {
    await Promise.allSettled(opened.splice(0).map((a) => a.dispose()));
  };
  return { factory: bindMigrationAwareSqlAdapterFactory(tracked), disposeAll, wasBusy: () => busy };
}

export interface OpenEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes every database connection it opened. */
  close(): Promise<void>;
  /** True once a call failed because another connection held a lock (SQLITE_BUSY, lock timeout). */
  wasBusy(): boolean;
}

export interface OpenEngineOptions {
  log?: (message: string) => void;
  /** SQLite: how long each statement waits for a lock before SQLITE_BUSY (better-sqlite3's default is 5 s). */
  busyTimeoutMs?: number;
}

/** Opens a schema engine on a database; `datamodel` is the provider's schema text. */
export async function openSchemaEngine(
  target: DatabaseTarget,
  datamodel: { path: string; content: string },
  options: OpenEngineOptions = {},
): Promise<OpenEngine> {
  const mod = await loadEngineModule();
  const log = options.log ?? (() => {});
  const { factory, disposeAll, wasBusy } = trackedAdapterFactory(target, options.busyTimeoutMs);
  const engine = await mod.SchemaEngine.new(
    { datamodels: [[datamodel.path, datamodel.content]] },
    (line: string) => log(line),
    factory,
  );
  return {
    engine,
    close: async () => {
      engine.free();
      await disposeAll();
    },
    wasBusy,
  };
}
