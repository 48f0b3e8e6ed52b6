import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runChecked } from '@fortress/test-support/run';
import { tempDir } from '@fortress/test-support/temp-dir';
import { CdbMaker } from '@fortress/ucspi-tcp/cdb-make';
import { bufferSource, cdbFind, cdbFindAll, withCdbFile } from '@fortress/ucspi-tcp/cdb-read';

test('cdb: an empty database is the 2048-byte header pointing at its own end', () => {
  const file = new CdbMaker().finish();
  assert.equal(file.length, 2048);
  for (let i = 0; i < 256; i++) {
    assert.equal(file.readUInt32LE(i * 8), 2048);
    assert.equal(file.readUInt32LE(i * 8 + 4), 0);
  }
  assert.equal(cdbFind(bufferSource(file), 'x'), undefined);
});

test('cdb: round trip with duplicate keys, empty key and empty data, first record first', () => {
  const maker = new CdbMaker();
  const expected = new Map<string, string[]>();
  for (let i = 0; i < 2000; i++) {
    const key = i % 7 === 0 ? `dup${i % 21}` : `key-${i}`;
    const data = i % 11 === 0 ? '' : `value ${i}\0`;
    maker.add(key, data);
    expected.set(key, [...(expected.get(key) ?? []), data]);
  }
  maker.add('', 'default');
  const src = bufferSource(maker.finish());
  for (const [key, values] of expected) {
    assert.deepEqual(
      cdbFindAll(src, key).map((b) => b.toString('latin1')),
      values,
    );
  }
  assert.equal(cdbFind(src, '')?.toString(), 'default');
  assert.equal(cdbFind(src, 'absent'), undefined);
});

test('cdb: Debian cdbmake-style files from tcprules are read by ours, and a truncated file is an error', async () => {
  const dir = tempDir('ucspi-tcp');
  const lines = Array.from({ length: 300 }, (_, i) => `10.${i % 5}.${i}.1:allow,N="${i}"`).join('\n');
  writeFileSync(join(dir, 'rules'), `${lines}\n`);
  await runChecked(['sh', '-c', `/usr/bin/tcprules ${dir}/r.cdb ${dir}/r.tmp < ${dir}/rules`]);
  const file = join(dir, 'r.cdb');
  withCdbFile(file, (src) => {
    for (let i = 0; i < 300; i++) {
      assert.equal(cdbFind(src, `10.${i % 5}.${i}.1`)?.toString('latin1'), `+N=${i}\0`);
    }
  });
  writeFileSync(join(dir, 'short.cdb'), readFileSync(file).subarray(0, 100));
  assert.throws(
    () => withCdbFile(join(dir, 'short.cdb'), (src) => cdbFind(src, '10.1.1.1')),
    (err: NodeJS.ErrnoException) => err.code === 'EPROTO',
  );
});
