import { SMS_PROVIDER_DEFINITIONS, type SmsProviderName } from '../../src/sms/registry.js';
import type { ProviderCase } from './fakes/provider-case.js';

/** Providers that send nothing over the network have no fake to play them, and say why. */
const WITHOUT_FAKE: Partial<Record<SmsProviderName, string>> = {
  console: 'it writes to the log; test/http/sms-code.test.ts reads it there',
};

/**
 * One case per provider in the registry, from `test/sms/fakes/<name>.ts` (its export
 * `<name>Case`): the shared contract, the configuration checks and the end-to-end runs all
 * iterate this list, so a provider added to the registry without a fake fails them loudly.
 */
async function loadCases(): Promise<ProviderCase[]> {
  const cases: ProviderCase[] = [];
  for (const { name } of SMS_PROVIDER_DEFINITIONS) {
    if (WITHOUT_FAKE[name] !== undefined) continue;
    let found: unknown;
    try {
      const module = (await import(`./fakes/${name}.js`)) as Record<string, unknown>;
      found = module[`${name}Case`];
    } catch (error) {
      throw new Error(
        `SMS provider "${name}" has no test cases: add test/sms/fakes/${name}.ts (see docs/adding-an-sms-provider.md)`,
        { cause: error },
      );
    }
    const providerCase = found as ProviderCase | undefined;
    if (providerCase?.provider !== name) {
      throw new Error(`test/sms/fakes/${name}.ts must export ${name}Case, a ProviderCase for "${name}"`);
    }
    cases.push(providerCase);
  }
  return cases;
}

export const PROVIDER_CASES: readonly ProviderCase[] = await loadCases();
