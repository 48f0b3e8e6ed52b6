import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controlAction } from '@fortress/supervise/control-bytes';

test('0.76 letters and q 1 2 w map to their actions', () => {
  const kinds = Object.fromEntries([...'udopcx'].map((c) => [c, controlAction(c.charCodeAt(0))?.kind]));
  assert.deepEqual(kinds, { u: 'up', d: 'down', o: 'once', p: 'pause', c: 'continue', x: 'exit' });
  const signals = Object.fromEntries(
    [...'hkatiq12w'].map((c) => {
      const a = controlAction(c.charCodeAt(0));
      return [c, a?.kind === 'signal' ? a.signal : undefined];
    }),
  );
  assert.deepEqual(signals, {
    h: 'SIGHUP',
    k: 'SIGKILL',
    a: 'SIGALRM',
    t: 'SIGTERM',
    i: 'SIGINT',
    q: 'SIGQUIT',
    1: 'SIGUSR1',
    2: 'SIGUSR2',
    w: 'SIGWINCH',
  });
});

test('every other byte is ignored', () => {
  const known = new Set([...'udopcxhkatiq12w'].map((c) => c.charCodeAt(0)));
  for (let b = 0; b < 256; b++) if (!known.has(b)) assert.equal(controlAction(b), undefined, `byte ${b}`);
});
