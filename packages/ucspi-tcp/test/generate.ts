// Generated rule sets for the comparisons with Debian's tcprules and tcprulescheck.
import { prng } from './helpers.js';

/** A rules text exercising every 0.88 form, with duplicates and noise lines. */
export function generateRules(seed: number, count: number): string {
  const r = prng(seed);
  const n = (k: number) => Math.floor(r() * k);
  const lines: string[] = ['# generated', '', 'no colon here'];
  for (let i = 0; i < count; i++) {
    const verdict = r() < 0.3 ? 'deny' : 'allow';
    const vars = Array.from(
      { length: n(3) },
      (_, j) => `,V${j}${n(9)}=${r() < 0.5 ? '"' : "'"}v ${n(100)}${r() < 0.5 ? '"' : "'"}`,
    )
      .join('')
      .replace(/=(["'])v (\d+)["']/g, '=$1v $2$1');
    const kind = n(9);
    let address: string;
    if (kind === 0) address = `10.${n(4)}.${n(4)}.${n(16)}`;
    else if (kind === 1) address = `10.${n(4)}.${n(4)}.`;
    else if (kind === 2) address = `10.${n(4)}.`;
    else if (kind === 3) address = `10.${n(4)}.${n(4)}.${n(8)}-${n(16)}`;
    else if (kind === 4) address = `10.${n(4)}.${n(3)}-${n(4)}.`;
    else if (kind === 5) address = `=h${n(5)}.example.${r() < 0.5 ? 'org' : 'net'}`;
    else if (kind === 6) address = `=.${r() < 0.5 ? 'example.org' : 'net'}`;
    else if (kind === 7) address = `u${n(3)}@${r() < 0.5 ? `10.${n(4)}.${n(4)}.${n(16)}` : `=h${n(5)}.example.org`}`;
    else address = `10.${n(4)}.${n(4)}.${n(16)}`;
    lines.push(`${address}:${verdict}${vars}${r() < 0.1 ? ' \t ' : ''}`);
  }
  lines.push(':allow,DEFAULT="yes"', ':deny');
  return `${lines.join('\n')}\n`;
}
