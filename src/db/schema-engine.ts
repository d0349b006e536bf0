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

/**
 * A driver adapter factory for the engine that remembers the connections it opened: the engine's
 * `free()` does not close them, and a SQLite connection left open keeps its lock on the file.
 */
function trackedAdapterFactory(target: DatabaseTarget) {
  const factory =
    target.provider === 'sqlite'
      ? new PrismaBetterSqlite3({ url: target.sqlitePath })
      : new PrismaPg({ connectionString: target.url }, target.schema ? { schema: target.schema } : undefined);
  const opened: { dispose(): Promise<void> }[] = [];
  const tracked = Object.create(factory) as typeof factory;
  tracked.connect = async () => {
    const adapter = await factory.connect();
    opened.push(adapter);
    return adapter;
  };
  tracked.connectToShadowDb = async () => {
    const adapter = await factory.connectToShadowDb();
    opened.push(adapter);
    return adapter;
  };
  const disposeAll = async () => {
    await Promise.allSettled(opened.splice(0).map((a) => a.dispose()));
  };
  return { factory: bindMigrationAwareSqlAdapterFactory(tracked), disposeAll };
}

export interface OpenEngine {
  engine: SchemaEngine;
  /** Frees the engine and closes every database connection it opened. */
  close(): Promise<void>;
}

/** Opens a schema engine on a database; `datamodel` is the provider's schema text. */
export async function openSchemaEngine(
  target: DatabaseTarget,
  datamodel: { path: string; content: string },
  log: (message: string) => void = () => {},
): Promise<OpenEngine> {
  const mod = await loadEngineModule();
  const { factory, disposeAll } = trackedAdapterFactory(target);
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
  };
}
