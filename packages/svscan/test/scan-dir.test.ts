import assert from 'node:assert/strict';
import { mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { directoryKey, scanDirectory } from '@fortress/svscan/scan-dir';
import { tempRoot } from './helpers.js';

const root = tempRoot('scandir');
after(() => rmSync(root, { recursive: true, force: true }));

test('scanDirectory applies the 0.76 rules', () => {
  const scan = join(root, 'scan');
  const real = join(root, 'real');
  mkdirSync(join(scan, '.hidden'), { recursive: true });
  mkdirSync(join(scan, 'plain'));
  mkdirSync(real);
  symlinkSync(real, join(scan, 'link1'));
  symlinkSync(real, join(scan, 'link2'));
  symlinkSync(join(root, 'nowhere'), join(scan, 'dangling'));
  writeFileSync(join(scan, 'file'), 'x');
  symlinkSync(join(scan, 'file'), join(scan, 'link-to-file'));
  const result = scanDirectory(scan);
  const st = statSync(real, { bigint: true });
  assert.deepEqual(
    result.services.map((s) => s.name),
    ['link1', 'plain'],
  );
  assert.equal(result.services[0]!.key, directoryKey(st.dev, st.ino));
  assert.deepEqual(
    result.problems.map((p) => [p.name, (p.error as NodeJS.ErrnoException).code]),
    [['dangling', 'ENOENT']],
  );
});

test('scanDirectory throws when the directory cannot be read', () => {
  assert.throws(() => scanDirectory(join(root, 'missing')), { code: 'ENOENT' });
});
