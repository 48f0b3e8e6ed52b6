// The readiness sources a start of ./run may have, in the order they are asked. Each looks at
// the service directory and makes itself only when asked for (its file exists).

import { notificationFdSource, type ReadinessSourceFactory } from './readiness.js';
import { checkSource } from './readiness-check.js';

export const READINESS_SOURCES: readonly ReadinessSourceFactory[] = [notificationFdSource, checkSource];
