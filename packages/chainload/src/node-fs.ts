// node:fs through process.getBuiltinModule. An ESM `import ... from 'node:fs'` builds an ES module
// facade that reads every export, lazy ones included (fs.ReadStream pulls in the streams,
// fs.promises the promise API): about 10-25 ms of a chain loader's start-up, more than a whole
// link's budget. getBuiltinModule also skips the CommonJS loader that createRequire sets up.
export const fs = process.getBuiltinModule('node:fs');
