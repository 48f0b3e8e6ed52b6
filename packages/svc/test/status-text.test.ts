import assert from 'node:assert/strict';
import { test } from 'node:test';
import { elapsedSeconds, statusFields, statusText } from '@fortress/svc/status-text';
import { statusBytes } from './helpers.js';

const NOW = 1_800_000_000;

test('up with every suffix, in 0.76 order', () => {
  const fields = statusFields(statusBytes(NOW - 7, 4242, 1, 0x64), NOW);
  assert.equal(statusText(fields, false), 'up (pid 4242) 7 seconds, normally down, paused, want down');
  assert.equal(statusText(fields, true), 'up (pid 4242) 7 seconds, paused, want down');
});

test('down: normally up and want up; paused and want down are ignored', () => {
  assert.equal(
    statusText(statusFields(statusBytes(NOW - 1, 0, 1, 0x75), NOW), true),
    'down 1 seconds, normally up, want up',
  );
  assert.equal(statusText(statusFields(statusBytes(NOW, 0, 1, 0x64), NOW), false), 'down 0 seconds');
});

test('up with want up or no wish prints no want', () => {
  assert.equal(statusText(statusFields(statusBytes(NOW, 9, 0, 0x75), NOW), true), 'up (pid 9) 0 seconds');
  assert.equal(statusText(statusFields(statusBytes(NOW, 9, 0, 0), NOW), true), 'up (pid 9) 0 seconds');
});

test('a stamp in the future counts as 0 seconds', () => {
  assert.equal(elapsedSeconds(statusBytes(NOW + 100, 1, 0, 0), NOW), 0n);
  assert.equal(elapsedSeconds(Buffer.alloc(18, 0xff), NOW), 0n);
});

test('a zero stamp is rounded through a double, as 0.76 prints it', () => {
  const exact = 0x400000000000000an + BigInt(NOW);
  const seconds = elapsedSeconds(Buffer.alloc(18), NOW);
  assert.equal(seconds, BigInt(Number(exact)));
  assert.equal(seconds % 1024n, 0n);
  assert.notEqual(seconds, exact);
});

test('the pid is little-endian and unsigned', () => {
  assert.equal(statusFields(statusBytes(NOW, 0xffffffff, 0, 0), NOW).pid, 4294967295);
  assert.equal(statusFields(statusBytes(NOW, 0x01020304, 0, 0), NOW).pid, 0x01020304);
});
