import fc from 'fast-check'
import { testSeed } from './prng.ts'

// Runs before every test file (vite.config.ts `test.setupFiles`): every fast-check property of the
// file starts from this printed seed, so FUZZ_SEED=<seed> replays a red run. A property that
// passes its own `seed` still wins; none in this repo does.
fc.configureGlobal({ seed: testSeed('fast-check') })
