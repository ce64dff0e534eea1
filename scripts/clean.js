// Remove the previous build so that deleted specs never run from stale JS.
import { rmSync } from 'node:fs';
rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
