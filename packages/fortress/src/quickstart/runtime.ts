// The quick start's runtime copy of examples/: a fresh directory under the temporary directory,
// with free ports and the chosen upstream written into the services' env/ and root/.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeTcpPort, freeTcpUdpPort } from './ports.js';

export interface Runtime {
  root: string;
  scanDir: string;
  finger: { ip: string; port: number };
  httpd: { ip: string; port: number };
  dnscache: { ip: string; port: number; upstream: string | null };
}

export function repoRoot(): string {
  return fileURLToPath(new URL('../../../../', import.meta.url));
}

export function examplesDir(env: NodeJS.ProcessEnv): string {
  return env['FORTRESS_EXAMPLES'] ?? join(repoRoot(), 'examples');
}

function writeEnv(dir: string, name: string, value: string): void {
  writeFileSync(join(dir, 'env', name), `${value}\n`);
}

export async function prepareRuntime(env: NodeJS.ProcessEnv, upstream: string | null): Promise<Runtime> {
  const root = mkdtempSync(join(tmpdir(), 'fortress-quickstart-'));
  const scanDir = join(root, 'service');
  const examples = examplesDir(env);
  // Services only: the README beside them would show up in `svstat DIR/*`.
  cpSync(examples, scanDir, {
    recursive: true,
    filter: (src) => src === examples || !/^[^/]+\.md$/.test(relative(examples, src)),
  });
  for (const name of readdirSync(scanDir)) {
    const log = join(scanDir, name, 'log');
    if (existsSync(log)) mkdirSync(join(log, 'main'), { recursive: true });
  }
  const finger = { ip: '127.0.0.1', port: await freeTcpPort('127.0.0.1') };
  const httpd = { ip: '127.0.0.1', port: await freeTcpPort('127.0.0.1') };
  const dnsIp = '127.53.0.1';
  const dnscache = { ip: dnsIp, port: await freeTcpUdpPort(dnsIp), upstream };
  writeEnv(join(scanDir, 'finger'), 'PORT', String(finger.port));
  writeEnv(join(scanDir, 'httpd'), 'PORT', String(httpd.port));
  const dns = join(scanDir, 'dnscache');
  writeEnv(dns, 'IP', dnsIp);
  writeEnv(dns, 'PORT', String(dnscache.port));
  writeEnv(dns, 'ROOT', join(dns, 'root'));
  if (upstream) {
    writeFileSync(join(dns, 'root', 'servers', '@'), `${upstream.split(',').join('\n')}\n`);
    writeEnv(dns, 'FORWARDONLY', '1');
  }
  return { root, scanDir, finger, httpd, dnscache };
}
