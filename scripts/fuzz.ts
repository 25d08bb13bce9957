// `npm run fuzz [runs]`: the property test of test/fuzz at full size (default 20 000 cases).
import { fuzzEndpoints } from '../test/fuzz/endpoints.js';

const runs = Number(process.argv[2] ?? 20_000);
const started = performance.now();
const ran = await fuzzEndpoints(runs);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`fuzz: ${ran} generated requests ran, 0 failed, in ${seconds} s`);
