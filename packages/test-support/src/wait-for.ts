// Polling with a deadline: core's one definition, re-exported so tests import all helpers here.
export { waitFor } from '@fortress/core/wait-for';
