// Placeholder until this package's first module lands; remove it then.
export const PACKAGE = 'supervise';
