// tai64nlocal: turns TAI64N labels at the start of lines into local time.
import { program } from '@fortress/core/program';
import { runFilter } from '../filter-main.js';
import { Sink } from '../sink.js';
import { Tai64nLocalFilter } from '../tai64nlocal-filter.js';

export const main = program('tai64nlocal', '< input > output', () => {
  const sink = new Sink(1);
  return runFilter('tai64nlocal', new Tai64nLocalFilter(sink), sink);
});
