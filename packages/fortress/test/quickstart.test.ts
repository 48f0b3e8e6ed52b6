// fortress quickstart: it starts our svscan on a runtime copy of examples/, the example services
// answer on loopback, and SIGINT or SIGTERM brings everything down and removes the copy.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { killUnder, pidsUnder } from '@fortress/test-support/processes';
import { tempDir } from '@fortress/test-support/temp-dir';
import { waitFor } from '@fortress/test-support/wait-for';
import { BIN, exchange, FORTRESS, loopbackAddress, refused } from './helpers.js';

interface Started {
  child: ChildProcess;
  output: () => string;
  root: string;
  scanDir: string;
  svscanPid: number;
  finger: number;
  httpd: number;
  dns: { ip: string; port: number };
}

/** Root runs the quick start as nobody (through setpriv) to show it needs no privilege. */
function command(asOther: boolean, extra: string[]): [string, string[]] {
  const argv = [FORTRESS, 'quickstart', ...extra];
  if (asOther && process.getuid?.() === 0) {
    return ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, ...argv]];
  }
  return [process.execPath, argv];
}

async function start(asOther: boolean, extra: string[]): Promise<Started> {
  const [cmd, args] = command(asOther, extra);
  const child = spawn(cmd, args, {
    env: { ...process.env, PATH: `${BIN}:${process.env['PATH'] ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  const text = await waitFor('the quick start instructions', () => (out.includes('Ctrl-C') ? out : undefined), 90_000);
  const svscan = /svscan \(pid (\d+)\) supervising (\S+)/.exec(text);
  const finger = /finger .* 127\.0\.0\.1:(\d+)/.exec(text);
  const httpd = /httpd .* http:\/\/127\.0\.0\.1:(\d+)\//.exec(text);
  const dns = /dnscache .* (127\.\d+\.\d+\.\d+) port (\d+)/.exec(text);
  assert.ok(svscan?.[2] && finger && httpd && dns?.[1], text);
  return {
    child,
    output: () => out,
    root: join(svscan[2], '..'),
    scanDir: svscan[2],
    svscanPid: Number(svscan[1]),
    finger: Number(finger[1]),
    httpd: Number(httpd[1]),
    dns: { ip: dns[1], port: Number(dns[2]) },
  };
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function queryA(ip: string, port: number, name: string): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
    const packet = Buffer.concat([
      Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
      ...labels,
      Buffer.from([0, 0, 1, 0, 1]),
    ]);
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, 2000);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg);
    });
    socket.send(packet, port, ip);
  });
}

async function stopWith(signal: NodeJS.Signals, asOther: boolean, upstream?: string): Promise<void> {
  const qs = await start(asOther, upstream ? ['--upstream', upstream] : []);
  try {
    assert.ok(alive(qs.svscanPid), 'svscan runs');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${qs.svscanPid}/status`, 'utf8'))?.[1]);
    if (asOther) assert.notEqual(uid, 0, 'svscan runs without root');
    assert.ok(!qs.root.startsWith(join(FORTRESS, '../../../..')), 'the runtime copy is outside the repo');
    const finger = await waitFor('fingerd', async () => (await exchange('127.0.0.1', qs.finger, '\r\n')) || undefined);
    assert.match(finger, /up .* load /);
    assert.match(finger, /^hello\s+up\s+\d+/m);
    const page = await waitFor(
      'httpd',
      async () => (await exchange('127.0.0.1', qs.httpd, 'GET / HTTP/1.0\r\n\r\n')) || undefined,
    );
    assert.match(page, /^HTTP\/1\.0 200 OK\r\n[\s\S]*Served read-only by fortress httpd/);
    const dns = await waitFor('dnscache', () => queryA(qs.dns.ip, qs.dns.port, 'localhost'));
    assert.ok(dns.subarray(dns.length - 4).equals(Buffer.from([127, 0, 0, 1])));
    if (upstream) {
      const www = await waitFor('an answer from the upstream', () =>
        queryA(qs.dns.ip, qs.dns.port, 'www.test.fortress'),
      );
      assert.ok(www.subarray(www.length - 4).equals(Buffer.from([127, 1, 2, 3])), 'www.test.fortress from tinydns');
    }
    const current = join(qs.scanDir, 'hello/log/main/current');
    await waitFor(
      'the hello log',
      () => existsSync(current) && /^@4000[0-9a-f]{20} hello: /m.test(readFileSync(current, 'utf8')),
    );
    const exited = new Promise<number | null>((resolve) => qs.child.once('exit', (code) => resolve(code)));
    qs.child.kill(signal);
    assert.equal(await exited, 0, qs.output());
    assert.match(qs.output(), new RegExp(`fortress: ${signal}: stopping svscan and every service`));
    assert.match(qs.output(), /fortress: everything is down/);
    assert.ok(!alive(qs.svscanPid), 'svscan is gone');
    assert.ok(await refused('127.0.0.1', qs.finger), 'fingerd is down');
    assert.ok(await refused('127.0.0.1', qs.httpd), 'httpd is down');
    assert.ok(!existsSync(qs.root), 'the runtime copy is removed');
    assert.deepEqual(pidsUnder(qs.root), [], 'nothing runs from it');
  } finally {
    if (qs.child.exitCode === null) qs.child.kill('SIGKILL');
    if (alive(qs.svscanPid)) process.kill(qs.svscanPid, 'SIGTERM');
    killUnder(qs.root);
    rmSync(qs.root, { recursive: true, force: true });
  }
}

/** Debian's tinydns on a loopback address, port 53 (root only), serving test.fortress. */
async function startTinydns(dir: string): Promise<{ ip: string; stop: () => void }> {
  const ip = loopbackAddress();
  const root = join(dir, 'root');
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'data'), `.test.fortress:${ip}:a:259200\n+www.test.fortress:127.1.2.3:300\n`);
  execFileSync('/usr/sbin/tinydns-data', [], { cwd: root });
  const child = spawn('/usr/sbin/tinydns', [], {
    env: { IP: ip, ROOT: root, UID: '65534', GID: '65534' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  await waitFor('tinydns', () => queryA(ip, 53, 'www.test.fortress'));
  return { ip, stop: () => child.kill('SIGKILL') };
}

test('quickstart: the example services answer, dnscache from a local upstream; SIGINT brings everything down', async () => {
  if (process.getuid?.() !== 0) return stopWith('SIGINT', false);
  const dir = tempDir('tinydns');
  const tinydns = await startTinydns(dir);
  try {
    await stopWith('SIGINT', false, tinydns.ip);
  } finally {
    tinydns.stop();
  }
});

test('quickstart without root: hello, fingerd and httpd answer; SIGTERM brings everything down', () =>
  stopWith('SIGTERM', true));
