// tai64n: puts a TAI64N label in front of every line of input.
import { program } from '@fortress/core/program';
import { runFilter } from '../filter-main.js';
import { Sink } from '../sink.js';
import { Tai64nFilter } from '../tai64n-filter.js';

export const main = program('tai64n', '< input > output', () => {
  const sink = new Sink(1);
  return runFilter('tai64n', new Tai64nFilter(sink), sink);
});
