// A small DNS tree on loopback: a root server, a TLD server for test. and in-addr.arpa., and
// two zone servers below it, all Debian tinydns; plus a TCP answerer for a TXT set too large
// for UDP (tinydns speaks UDP only).
import { createServer, type Server } from 'node:net';
import { dnsPacket, type Lab } from './lab.js';

export const BIG_TXT = ['x'.repeat(250), 'y'.repeat(250), 'z'.repeat(200)];

/** Starts the servers on BASE.1 … BASE.4 (BASE like 127.53.2); returns the root's address. */
export async function startHierarchy(lab: Lab, base: string): Promise<string> {
  const [root, tld, zone, nog] = [1, 2, 3, 4].map((n) => `${base}.${n}`) as [string, string, string, string];
  await lab.tinydns(root, [`.:${root}:a`, `&test:${tld}:a`, `&in-addr.arpa:${tld}:a`, ''].join('\n'));
  const v6 = '\\040\\001\\015\\270' + '\\000'.repeat(11) + '\\001';
  await lab.tinydns(
    tld,
    [
      `.test:${tld}:a`,
      `.in-addr.arpa:${tld}:a`,
      `+www.test:${base}.201:300`,
      `=host.test:${base}.202:86400`,
      `@test:${base}.203:mx:10`,
      `'txt.test:hello world:60`,
      `Calias.test:www.test:60`,
      `Cchain.test:alias.test:60`,
      `Ccross.test:www.zone.test:120`,
      `:v6.test:28:${v6}:300`,
      `+long.test:9999999`,
      `+long.test:${base}.204:9999999`,
      `&zone.test:${zone}:a`,
      `&nog.test::ns1.zone.test`,
      '',
    ].join('\n'),
  );
  await lab.tinydns(
    zone,
    [
      `.zone.test:${zone}:a`,
      `+www.zone.test:${base}.205:300`,
      `+ns1.zone.test:${nog}:300`,
      ...BIG_TXT.map((t) => `'big.zone.test:${t}:300`),
      '',
    ].join('\n'),
  );
  await lab.tinydns(nog, [`.nog.test::ns1.zone.test`, `+www.nog.test:${base}.206:300`, ''].join('\n'));
  const tcp = await bigTxtOverTcp(zone);
  lab.onCleanup(() => tcp.close());
  return root;
}

/** Answers TXT big.zone.test over TCP as tinydns would if it spoke TCP. */
async function bigTxtOverTcp(ip: string): Promise<Server> {
  const server = createServer((s) => {
    let got = Buffer.alloc(0);
    s.on('error', () => {});
    s.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length < 2 || got.length < 2 + got.readUInt16BE(0)) return;
      const q = dnsPacket.decode(got.subarray(2, 2 + got.readUInt16BE(0)));
      const question = q.questions[0]!;
      const answers =
        question.name.toLowerCase() === 'big.zone.test' && question.type === 'TXT'
          ? BIG_TXT.map((t) => ({ name: question.name, type: 'TXT', class: 'IN', ttl: 300, data: t }))
          : [];
      const reply = dnsPacket.encode({
        type: 'response',
        id: q.id,
        flags: 0x0400,
        questions: q.questions,
        answers,
      });
      const framed = Buffer.alloc(reply.length + 2);
      framed.writeUInt16BE(reply.length);
      reply.copy(framed, 2);
      s.end(framed);
      got = Buffer.alloc(0);
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: ip, port: 53 }, resolve));
  return server;
}
