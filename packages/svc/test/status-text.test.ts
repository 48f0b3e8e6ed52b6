import assert from 'node:assert/strict';
import { test } from 'node:test';
import { elapsedSeconds, statusFields } from '@fortress/core/status-record';
import { statusText } from '@fortress/svc/status-text';
import { statusBytes } from './helpers.js';

const NOW = 1_800_000_000;
const text = (status: Buffer, normallyUp: boolean) => statusText(statusFields(status)!, normallyUp, NOW);

test('up with every suffix, in 0.76 order', () => {
  const status = statusBytes(NOW - 7, 4242, 1, 0x64);
  assert.equal(text(status, false), 'up (pid 4242) 7 seconds, normally down, paused, want down');
  assert.equal(text(status, true), 'up (pid 4242) 7 seconds, paused, want down');
});

test('down: normally up and want up; paused and want down are ignored', () => {
  assert.equal(text(statusBytes(NOW - 1, 0, 1, 0x75), true), 'down 1 seconds, normally up, want up');
  assert.equal(text(statusBytes(NOW, 0, 1, 0x64), false), 'down 0 seconds');
});

test('up with want up or no wish prints no want', () => {
  assert.equal(text(statusBytes(NOW, 9, 0, 0x75), true), 'up (pid 9) 0 seconds');
  assert.equal(text(statusBytes(NOW, 9, 0, 0), true), 'up (pid 9) 0 seconds');
});

test('a stamp in the future counts as 0 seconds', () => {
  assert.equal(elapsedSeconds(statusFields(statusBytes(NOW + 100, 1, 0, 0))!.tai, NOW), 0n);
  assert.equal(elapsedSeconds(statusFields(Buffer.alloc(18, 0xff))!.tai, NOW), 0n);
});

test('a zero stamp is rounded through a double, as 0.76 prints it', () => {
  const exact = 0x400000000000000an + BigInt(NOW);
  const seconds = elapsedSeconds(0n, NOW);
  assert.equal(seconds, BigInt(Number(exact)));
  assert.equal(seconds % 1024n, 0n);
  assert.notEqual(seconds, exact);
});

test('the pid is little-endian and unsigned', () => {
  assert.equal(statusFields(statusBytes(NOW, 0xffffffff, 0, 0))!.pid, 4294967295);
  assert.equal(statusFields(statusBytes(NOW, 0x01020304, 0, 0))!.pid, 0x01020304);
});
