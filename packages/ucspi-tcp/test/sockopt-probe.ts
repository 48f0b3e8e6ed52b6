// PROGRAM for the socket-option tests: reports the real state of the connection on fd 0, as
// `nodelay=N ipoptions=LEN` on fd 1 (the socket), then exits.
import { writeSync } from 'node:fs';
import { getsockopt } from '@fortress/core/libc';

function option(level: number, name: number): Buffer {
  return getsockopt(0, level, name, 64);
}

const IPPROTO_IP = 0;
const IP_OPTIONS = 4;
const IPPROTO_TCP = 6;
const TCP_NODELAY = 1;
const nodelay = option(IPPROTO_TCP, TCP_NODELAY).readInt32LE(0);
const ipOptions = option(IPPROTO_IP, IP_OPTIONS).length;
writeSync(1, `nodelay=${nodelay} ipoptions=${ipOptions}\n`);
