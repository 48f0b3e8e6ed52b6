import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@fortress/test-support/temp-dir';
import { fortress } from './helpers.js';

const dir = tempDir('httpd');
const root = join(dir, 'public');
mkdirSync(join(root, 'docs'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<p>home</p>\n');
writeFileSync(join(root, 'docs', 'a b.txt'), 'spaced\n');
writeFileSync(join(root, '.secret'), 'hidden\n');
writeFileSync(join(root, 'private.txt'), 'not world-readable\n');
chmodSync(join(root, 'private.txt'), 0o640);
writeFileSync(join(dir, 'outside.txt'), 'outside the root\n');
symlinkSync(join(dir, 'outside.txt'), join(root, 'escape.txt'));

function get(request: string): { status: number; headers: string; body: string } {
  const r = fortress(['httpd', root], process.env, request);
  assert.equal(r.status, 0, r.stderr);
  const split = r.stdout.indexOf('\r\n\r\n');
  const head = r.stdout.slice(0, split);
  return { status: Number(head.split(' ')[1]), headers: head, body: r.stdout.slice(split + 4) };
}

test('httpd: GET a file, HEAD without a body, the directory index, percent-encoded names', () => {
  const file = get('GET /docs/a%20b.txt HTTP/1.0\r\nHost: x\r\n\r\n');
  assert.equal(file.status, 200);
  assert.match(file.headers, /^Content-Type: text\/plain; charset=utf-8$/m);
  assert.match(file.headers, /^Content-Length: 7$/m);
  assert.equal(file.body, 'spaced\n');
  const head = get('HEAD /index.html HTTP/1.1\r\n\r\n');
  assert.equal(head.status, 200);
  assert.match(head.headers, /^Content-Length: 12$/m);
  assert.equal(head.body, '');
  assert.equal(get('GET / HTTP/1.0\r\n\r\n').body, '<p>home</p>\n');
  const redirect = get('GET /docs HTTP/1.0\r\n\r\n');
  assert.equal(redirect.status, 301);
  assert.match(redirect.headers, /^Location: \/docs\/$/m);
});

test('httpd: only GET and HEAD; malformed requests are 400', () => {
  for (const method of ['POST', 'PUT', 'DELETE']) {
    const r = get(`${method} /index.html HTTP/1.0\r\n\r\n`);
    assert.equal(r.status, 501, method);
    assert.match(r.headers, /^Allow: GET, HEAD$/m);
  }
  assert.equal(get('GET /index.html\r\n\r\n').status, 400);
  assert.equal(get('garbage\r\n\r\n').status, 400);
  assert.equal(get('GET /%zz HTTP/1.0\r\n\r\n').status, 400);
  assert.equal(get('').status, 400);
});

test('httpd: no escape from the root, no dot-files, no files the world cannot read', () => {
  for (const target of [
    '/../outside.txt',
    '/%2e%2e/outside.txt',
    '/docs/../../outside.txt',
    '/escape.txt',
    '/.secret',
    '/private.txt',
    '/missing.html',
    '/index.html%00.txt',
  ]) {
    const r = get(`GET ${target} HTTP/1.0\r\n\r\n`);
    assert.ok(r.status === 404 || r.status === 400, `${target}: ${r.status}`);
    assert.doesNotMatch(r.body, /outside the root|hidden|not world-readable/);
  }
});
