// Gives back the memory a supervise process only needed to start. Loading and compiling the
// program grows V8's young generation to 2 MiB and leaves compiled code and bytecode that will
// not run again; ordinary collections keep all of that committed forever, in every supervise
// process. One full "last resort" collection (V8's memory-reducing kind, the one it runs under
// memory pressure) right after start-up returns about 1 MiB of private memory per process.
// V8 only offers it through the `gc` function that --expose-gc installs; setting that flag at
// run time exposes `gc` in contexts created afterwards, here a throwaway vm context.
const v8 = process.getBuiltinModule('node:v8');
const vm = process.getBuiltinModule('node:vm');

type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/** Runs one memory-reducing full collection; for a program's start-up, never for a library host. */
export function settleMemory(): void {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as GcFunction;
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  } catch {
    // Not worth a message: only memory is at stake.
  }
}
