/**
 * Loads the USE-lite model in a fresh process (TensorFlow.js's backend state is per process) with
 * the WebAssembly compile of its "wasm" backend made to misbehave, and prints one JSON line:
 * {"ok":true,"dimension":512} or {"ok":false,"message":"…"}.
 *
 *   node --import tsx wasm-start-child.ts held        the compile is slower than reading the model,
 *                                                      whatever the machine, without any timer (below)
 *   node --import tsx wasm-start-child.ts fail-once   the first compile is held like that, then fails; later ones work
 *   node --import tsx wasm-start-child.ts fail-always every compile fails
 */
import { createRequire } from 'node:module';
import { loadUseLiteModel } from '../../src/core/local-search/use-lite-model';

type Instantiate = (...args: unknown[]) => Promise<unknown>;
// The WebAssembly global (this project's TypeScript lib has no DOM types, where it is declared).
const wasm = (globalThis as unknown as { WebAssembly: { instantiate: Instantiate } }).WebAssembly;
const scenario = process.argv[2];
const original: Instantiate = wasm.instantiate.bind(wasm);
let release: () => void = () => undefined;
const released = new Promise<void>((r) => (release = r));
let compiles = 0;

wasm.instantiate = async (...args: unknown[]) => {
  compiles += 1;
  if (scenario === 'held' || (scenario === 'fail-once' && compiles === 1)) await released;
  if (scenario === 'fail-always' || (scenario === 'fail-once' && compiles === 1)) throw new Error(`injected: compile ${compiles} failed`);
  return original(...args);
};

interface Engine {
  ready(): Promise<void>;
  setBackend(name: string): Promise<boolean>;
}

async function main(): Promise<void> {
  // The same module instance the model loader imports (Node's module cache): importing it starts the backend.
  const tf = (await import('@energetic-ai/core')) as unknown as { default?: { engine(): Engine }; engine?: () => Engine };
  const engine = (tf.default?.engine ?? tf.engine)!();
  // "held": the compile goes on once the backend is used (a tensor is made: too late, that is the
  // bug), or once someone waits for it while nobody is reading the model yet (one turn of the event
  // loop later, so a read started in the same breath counts). A loader that reads the model while
  // the backend is starting thus always meets an unfinished backend; one that waits first never does.
  let modelRead = false;
  // The CommonJS module object the model packages use (an ES import would be a read-only namespace).
  const fsm = createRequire(__filename)('fs/promises') as Record<'readFile' | 'stat', (...a: unknown[]) => unknown>;
  for (const name of ['readFile', 'stat'] as const) {
    const fn = fsm[name]!;
    fsm[name] = (...a: unknown[]) => {
      if (String(a[0]).includes('model-embeddings-en')) modelRead = true;
      return fn(...a);
    };
  }
  for (const name of ['ready', 'setBackend'] as const) {
    const fn = engine[name].bind(engine) as (...a: unknown[]) => Promise<never>;
    (engine as unknown as Record<string, unknown>)[name] = (...a: unknown[]) => {
      setImmediate(() => !modelRead && release());
      return fn(...a);
    };
  }
  const getter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(engine), 'backend')!.get!;
  Object.defineProperty(engine, 'backend', { configurable: true, get: () => (release(), getter.call(engine)) });
  try {
    const model = await loadUseLiteModel();
    const [v] = await model.embed(['stop rds instances on weekends']);
    process.stdout.write(JSON.stringify({ ok: true, dimension: v?.length, compiles }) + '\n');
    await model.dispose();
  } catch (e) {
    process.stdout.write(JSON.stringify({ ok: false, message: (e as Error).message, compiles }) + '\n');
  }
}

void main();
