// Core's libc bindings, loaded only by the programs and the paths that need them: in the bundles
// (scripts/bundle.js) the import below is inlined but still evaluated only on first use.
import type * as Libc from '@fortress/core/libc';

export async function loadLibc(): Promise<typeof Libc> {
  const libc = await import('@fortress/core/libc');
  libc.loadLibc();
  return libc;
}
