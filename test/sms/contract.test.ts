import { PROVIDER_CASES } from './cases.js';
import { describeProviderSuite } from './provider-suite.js';

// The SmsSender contract, for every provider the registry lists (each file beside this one adds its own checks).
for (const providerCase of PROVIDER_CASES) describeProviderSuite(providerCase);
