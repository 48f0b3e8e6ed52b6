// The templates travel with the package (`npm pack`, installed elsewhere, still finds them), and
// the quick start's examples/ stay instances of them, run as the current user (issue 16, item 7).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadManifest, templatesDir } from '@fortress/fortress/conf/manifest';
import { fillPlaceholders } from '@fortress/fortress/conf/placeholders';
import { REPO } from '@fortress/test-support/paths';
import { tempDir } from '@fortress/test-support/temp-dir';

const dir = tempDir('templates');

const EXAMPLES = join(REPO, 'examples');
const TEMPLATES = templatesDir({});

const PAIRS: { example: string; template: string; values: Record<string, string> }[] = [
  { example: 'finger', template: 'fingerd', values: { SCANDIR: '..' } },
  { example: 'httpd', template: 'httpd', values: {} },
  { example: 'dnscache', template: 'dnscache', values: {} },
];

// Template files an example leaves out, each for a reason the examples' README gives.
const LEFT_OUT: Record<string, string> = {
  'dnscache/env/DATALIMIT': 'no softlimit: the quick start keeps the current account and its limits',
  'dnscache/env/FORWARDONLY': 'the quick start writes it when --upstream is given',
};
// Files an example has beyond its template's.
const ADDED: Record<string, string> = {
  'finger/env/IP': 'address and port in env/, for the quick start to fill in',
  'finger/env/PORT': 'address and port in env/, for the quick start to fill in',
  'httpd/env/IP': 'address and port in env/, for the quick start to fill in',
  'httpd/env/PORT': 'address and port in env/, for the quick start to fill in',
  'dnscache/root/ip/127': "the template's CLIENTS list, as conf writes it",
};

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((p) => p !== 'template.json' && statSync(join(root, p)).isFile())
    .sort();
}

function lastLine(path: string): string {
  return readFileSync(path, 'utf8').trimEnd().split('\n').at(-1) ?? '';
}

/** The lines between `exec 2>&1` and the final exec: the rules step of the tcpserver services. */
function middle(path: string): string {
  const text = readFileSync(path, 'utf8');
  return text.slice(text.indexOf('exec 2>&1\n'), text.trimEnd().lastIndexOf('\n'));
}

test('each example has its template files, and only the additions the quick start needs', () => {
  for (const { example, template } of PAIRS) {
    const ours = files(join(EXAMPLES, example));
    const theirs = files(join(TEMPLATES, template));
    const missing = theirs.filter((f) => !ours.includes(f) && !(`${template}/${f}` in LEFT_OUT));
    const added = ours.filter((f) => !theirs.includes(f) && !(`${example}/${f}` in ADDED));
    assert.deepEqual({ example, missing, added }, { example, missing: [], added: [] });
  }
});

test('log/run, timeout-kill and env/ values are the templates’, without the account switch', () => {
  for (const { example, template } of PAIRS) {
    const manifest = loadManifest(template, {});
    assert.ok(manifest);
    const log = lastLine(join(TEMPLATES, template, 'log/run')).replace('setuidgid {{LOGUSER}} ', '');
    assert.equal(lastLine(join(EXAMPLES, example, 'log/run')), log, example);
    assert.equal(
      readFileSync(join(EXAMPLES, example, 'timeout-kill'), 'utf8'),
      `${manifest.variables['TIMEOUT_KILL']}\n`,
    );
  }
  const dns = loadManifest('dnscache', {});
  assert.equal(readFileSync(join(EXAMPLES, 'dnscache/env/CACHESIZE'), 'utf8'), `${dns?.variables['CACHESIZE']}\n`);
  assert.equal(
    readFileSync(join(EXAMPLES, 'dnscache/env/IPSEND'), 'utf8'),
    readFileSync(join(TEMPLATES, 'dnscache/env/IPSEND'), 'utf8'),
  );
  assert.match(
    readFileSync(join(TEMPLATES, 'dnscache/run'), 'utf8'),
    /softlimit -o250 -d "\$DATALIMIT" dnscache\n'\n$/,
  );
  assert.match(lastLine(join(EXAMPLES, 'dnscache/run')), /; exec dnscache'$/);
});

test('the tcpserver examples run the template’s rules step and tcpserver line, as the current user', () => {
  for (const { example, template, values } of PAIRS.filter((p) => p.template !== 'dnscache')) {
    const manifest = loadManifest(template, {});
    assert.ok(manifest);
    assert.equal(middle(join(EXAMPLES, example, 'run')), middle(join(TEMPLATES, template, 'run')), example);
    const unprivileged = lastLine(join(TEMPLATES, template, 'run'))
      .replace('envuidgid {{USER}} ', '')
      .replace(' -U ', ' ');
    const expected = fillPlaceholders(
      unprivileged,
      { ...manifest.variables, IP: '"$IP"', PORT: '"$PORT"', ...values },
      template,
    );
    assert.equal(lastLine(join(EXAMPLES, example, 'run')), `exec envdir ./env sh -c '${expected}'`, example);
  }
});

test('npm pack of the fortress package carries the templates; conf finds them where it is installed', () => {
  const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', dir, '-w', 'packages/fortress'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  const [pack] = JSON.parse(packed) as { filename: string; files: { path: string }[] }[];
  assert.ok(pack);
  const { filename, files: list } = pack;
  assert.ok(list.some((f) => f.path === 'service-templates/httpd/run'));
  // Installed elsewhere: node_modules/@fortress/fortress from the tarball, its dependencies beside it.
  const scope = join(dir, 'elsewhere/node_modules/@fortress');
  mkdirSync(join(scope, 'fortress'), { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, filename), '-C', join(scope, 'fortress'), '--strip-components=1']);
  for (const dep of ['core', 'svc']) symlinkSync(join(REPO, 'packages', dep), join(scope, dep));
  const fortress = join(scope, 'fortress/bin/fortress.js');
  const env = { PATH: process.env['PATH'] };
  const listed = spawnSync(process.execPath, [fortress, 'conf', '--list'], { env, encoding: 'utf8' });
  assert.equal(listed.stderr, '');
  assert.deepEqual(
    listed.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(':')[0]),
    ['dashboard', 'dnscache', 'fingerd', 'httpd', 'inetd', 'tcpserver'],
  );
  const target = join(dir, 'web');
  const args = [
    'conf',
    'httpd',
    target,
    '--port',
    '8080',
    '--user',
    'nobody',
    '--log-user',
    'daemon',
    '--existing-accounts',
  ];
  const r = spawnSync(process.execPath, [fortress, ...args], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(statSync(join(target, 'run')).mode & 0o777, 0o755);
  assert.match(lastLine(join(target, 'run')), / 127\.0\.0\.1 8080 fortress httpd \.\/public$/);
  assert.equal(readFileSync(join(target, 'timeout-kill'), 'utf8'), '5000\n');
});
