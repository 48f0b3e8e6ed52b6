// Cross-package tests live here (test/*.test.ts); shared test helpers in test/support/.
export {};
