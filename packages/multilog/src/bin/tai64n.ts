// tai64n: puts a TAI64N label in front of every line of input.
import { runFilter } from '../filter-main.js';
import { Sink } from '../sink.js';
import { Tai64nFilter } from '../tai64n-filter.js';

export function main(_argv: string[], _env: NodeJS.ProcessEnv): number {
  const sink = new Sink(1);
  return runFilter('tai64n', new Tai64nFilter(sink), sink);
}
