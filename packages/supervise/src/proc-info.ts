// /proc lives in core (core/src/proc.ts). This module only re-exports what supervisor.ts
// imports from it, so that file's import lines need no change while it is being rewritten;
// new code imports @fortress/core/proc.
export { descendantsOf, membersOf, type ProcessIdentity, sameProcess, sendSignal } from '@fortress/core/proc';
