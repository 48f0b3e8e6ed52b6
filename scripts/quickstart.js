#!/usr/bin/env node
// `npm start`: the README's quick start, `fortress quickstart` on the example scan directory.
const { main } = await import('../packages/fortress/dist/bin/fortress.js');
process.exitCode = await main(['quickstart', ...process.argv.slice(2)], process.env);
