import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PACKAGE } from '@fortress/chainload/package';

test('the package builds', () => assert.equal(PACKAGE, 'chainload'));
