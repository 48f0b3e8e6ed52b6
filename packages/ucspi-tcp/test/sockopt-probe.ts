// PROGRAM for the socket-option tests: reports the real state of the connection on fd 0, as
// `nodelay=N ipoptions=LEN` on fd 1 (the socket), then exits.
import { writeSync } from 'node:fs';
import { checkResult, koffiModule, libcFunction } from '@fortress/core/libc';

const getsockopt = libcFunction(
  'int getsockopt(int fd, int level, int name, _Out_ uint8_t *value, _Inout_ uint32_t *len)',
);

function option(level: number, name: number): Buffer {
  const value = Buffer.alloc(64);
  const len = [value.length];
  checkResult('getsockopt', getsockopt(0, level, name, value, len));
  return value.subarray(0, len[0]);
}

koffiModule();
const IPPROTO_IP = 0;
const IP_OPTIONS = 4;
const IPPROTO_TCP = 6;
const TCP_NODELAY = 1;
const nodelay = option(IPPROTO_TCP, TCP_NODELAY).readInt32LE(0);
const ipOptions = option(IPPROTO_IP, IP_OPTIONS).length;
writeSync(1, `nodelay=${nodelay} ipoptions=${ipOptions}\n`);
