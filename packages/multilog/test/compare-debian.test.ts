// Our multilog and Debian's, same input file and script: the same directory contents (names'
// times and labels aside), the same stderr, the same `=` files.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '@fortress/test-support/temp-dir';
import { allContent, debianCommand, ourCommand, type Run, run, snapshot, withoutLabels } from './helpers.js';

const root = tempDir('multilog');

/** A deterministic pseudo-random generator, so inputs are the same on every run. */
function generator(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

/** Lines of 520 to 960 bytes: long enough that both programs pick the same rotation points. */
function longLines(count: number, seed: number): string {
  const random = generator(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = 520 + Math.floor(random() * 440);
    const kind = ['info', 'fatal:', 'STATUS', 'warning'][i % 4];
    out.push(`${kind} line ${i} `.padEnd(length, String.fromCharCode(97 + (i % 26))));
  }
  return `${out.join('\n')}\n`;
}

interface Outcome {
  run: Run;
  dirs: Record<string, ReturnType<typeof snapshot>>;
  files: Record<string, string>;
}

function both(name: string, script: string[], input: Buffer | string, dirs: string[], files: string[] = []) {
  const inputFile = join(root, `${name}.in`);
  writeFileSync(inputFile, input);
  const outcome = (who: 'ours' | 'debian'): Outcome => {
    const cwd = join(root, name, who);
    mkdirSync(cwd, { recursive: true });
    const command = who === 'ours' ? ourCommand('multilog', script) : debianCommand('multilog', script);
    const r = run(command, { cwd, inputFile });
    return {
      run: r,
      dirs: Object.fromEntries(dirs.map((d) => [d, snapshot(join(cwd, d))])),
      files: Object.fromEntries(files.map((f) => [f, withoutLabels(readFileSync(join(cwd, f), 'latin1'))])),
    };
  };
  const ours = outcome('ours');
  const debian = outcome('debian');
  assert.equal(ours.run.status, debian.run.status);
  assert.equal(withoutLabels(ours.run.stderr), withoutLabels(debian.run.stderr));
  assert.deepEqual(ours.dirs, debian.dirs);
  assert.deepEqual(ours.files, debian.files);
  return ours;
}

test('t s4096 n3: rotations at the same lines, the same files kept', () => {
  const ours = both('rotate', ['t', 's4096', 'n3', './log'], longLines(400, 1), ['log']);
  const names = ours.dirs['log']!.map((e) => e.name);
  assert.deepEqual(names, ['@1.s', '@2.s', 'current', 'lock', 'state']);
  assert.equal(ours.dirs['log']!.find((e) => e.name === '@1.s')?.mode, '744');
});

test('several directories with their own sizes and counts', () => {
  both('sizes', ['t', 's5000', 'n4', './a', 's9000', 'n6', './b', 'n2', './c'], longLines(300, 2), ['a', 'b', 'c']);
});

test('selection patterns, e and = with timestamps', () => {
  const script = ['t', '-*', '+* fatal: *', 'e', './fatal', '-* STAT*', '=status', './rest', '+*', './all'];
  const ours = both('select', script, longLines(120, 3), ['fatal', 'rest', 'all'], ['status']);
  assert.match(ours.files['status']!, /^@LABEL fatal: line 117 /);
  assert.equal(readFileSync(join(root, 'select', 'ours', 'status')).length, 1001);
});

test('selection without timestamps, patterns from the man page', () => {
  const input = [
    'named[135]: Cleaned cache of 3121 RRs',
    'named[135]: Lame server',
    'hello',
    'hello world',
    'STATUS up',
    '',
  ].join('\n');
  const script = ['-named[*]: Cleaned cache *', './named', '-*', '+hello', './hello', '+STAT*', '=st', 'e'];
  const ours = both('nostamp', script, input.repeat(50), ['named', 'hello'], ['st']);
  assert.equal(ours.run.stderr.split('\n')[0], 'hello');
});

test('empty lines, binary bytes, long lines and a partial last line', () => {
  const parts: Buffer[] = [];
  for (let i = 0; i < 30; i++) {
    parts.push(Buffer.from(`\n\nline ${i}\r\t`));
    parts.push(Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80, 0x7f, 10]));
    parts.push(Buffer.from(`${'L'.repeat(970 + (i % 8))}\n`));
    parts.push(Buffer.from(`${'M'.repeat(1200 + i * 37)}\n`));
  }
  parts.push(Buffer.from('partial last line without newline'));
  both('bytes', ['t', 'e', '=st', './d'], Buffer.concat(parts), ['d'], ['st']);
  both('bytes-nostamp', ['e', '=st', './d'], Buffer.concat(parts), ['d'], ['st']);
});

test('lines longer than SIZE are split across files', () => {
  const input = `${'a'.repeat(10_000)}\n${'b'.repeat(700)}\n${'c'.repeat(9_000)}\n`;
  both('split', ['s4096', 'n10', './d'], input, ['d']);
});

test('a processor: its output becomes the .s file, fd 5 becomes state', () => {
  const processor = '!tr a-z A-Z; echo "processed in $(basename $(pwd))" >&5; cat <&4 >&5';
  const ours = both('processor', ['t', 's4096', 'n4', processor, './d'], longLines(120, 4), ['d']);
  const state = ours.dirs['d']!.find((e) => e.name === 'state')!;
  assert.match(state.content, /^processed in d\nprocessed in d\n/);
  const first = ours.dirs['d']!.find((e) => e.name === '@1.s')!;
  assert.equal(first.content, first.content.toUpperCase());
});

test('an empty input leaves an empty current, marked complete', () => {
  const ours = both('empty', ['./d'], '', ['d']);
  assert.deepEqual(
    ours.dirs['d']!.find((e) => e.name === 'current'),
    { name: 'current', mode: '744', content: '' },
  );
});

/** Seeds the same leftover files in both runs' log directory before starting. */
function seeded(name: string, files: [string, string, number][], script: string[], input: string) {
  for (const who of ['ours', 'debian']) {
    const dir = join(root, name, who, 'd');
    mkdirSync(dir, { recursive: true });
    for (const [file, content, mode] of files) {
      writeFileSync(join(dir, file), content);
      chmodSync(join(dir, file), mode);
    }
  }
  return both(name, script, input, ['d']);
}

test('start-up recovery: an interrupted current and an unprocessed previous become .u', () => {
  const ours = seeded(
    'recover-u',
    [
      ['current', 'interrupted\n', 0o644],
      ['previous', 'unprocessed\n', 0o744],
      ['processed', 'half', 0o644],
      ['state', 'old state\n', 0o644],
      ['newstate', 'half state', 0o644],
    ],
    ['./d'],
    'new\n',
  );
  assert.deepEqual(
    ours.dirs['d']!.map((e) => e.name),
    ['@1.u', '@2.u', 'current', 'lock', 'state'],
  );
});

test('start-up recovery: a finished processed file becomes .s', () => {
  seeded(
    'recover-s',
    [
      ['current', 'interrupted\n', 0o644],
      ['previous', 'raw\n', 0o744],
      ['processed', 'RAW\n', 0o744],
    ],
    ['./d'],
    'new\n',
  );
});

test('start-up: a cleanly closed current (0744) is appended to', () => {
  seeded('append', [['current', 'earlier\n', 0o744]], ['./d'], 'later\n');
});

test('start-up: old files beyond n are removed, oldest first, whatever their names', () => {
  seeded(
    'trim',
    [
      ['current', 'x\n', 0o644],
      ['@400000000000000100000000.s', 'a\n', 0o744],
      ['@400000000000000200000000.u', 'b\n', 0o644],
      ['@400000000000000300000000.s', 'c\n', 0o744],
      ['@400000000000000400000000.s', 'd\n', 0o744],
    ],
    ['n3', './d'],
    'new\n',
  );
});

test('ours and Debian take turns on one directory: each continues what the other left', () => {
  const cwd = join(root, 'turns');
  mkdirSync(cwd);
  const script = ['t', 's4096', 'n100', './d'];
  let all = '';
  for (const [i, who] of ['ours', 'debian', 'ours', 'debian'].entries()) {
    const input = longLines(20, 10 + i);
    all += input;
    const command = who === 'ours' ? ourCommand('multilog', script) : debianCommand('multilog', script);
    const r = run(command, { cwd, input });
    assert.equal(r.status, 0, `${who}: ${r.stderr}`);
  }
  const dir = join(cwd, 'd');
  const logged = allContent(dir)
    .toString('latin1')
    .replace(/^@[0-9a-f]{24} /gm, '');
  assert.equal(logged, all);
});
