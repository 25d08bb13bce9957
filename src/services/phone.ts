import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

const MAINLAND_MOBILE = /^(?:\+?86)?(1[3-9]\d{9})$/;

/**
 * A mainland-China mobile number as 11 digits, with a leading `+86` or `86` taken off;
 * null when the text is not one. This is the contract's rule.
 */
export function normaliseMainlandPhone(text: string): string | null {
  return MAINLAND_MOBILE.exec(text)?.[1] ?? null;
}

/**
 * Which phone numbers a deployment accepts (`PHONE_REGIONS`, default `CN`). Mainland
 * numbers keep the contract's 11-digit form; numbers of the other regions, validated by
 * libphonenumber-js as mobile, are kept in E.164 (`+85261234567`).
 */
export class PhoneRules {
  private readonly others: ReadonlySet<CountryCode>;
  private readonly mainland: boolean;

  constructor(regions: readonly string[] = ['CN']) {
    for (const region of regions) {
      if (!isSupportedCountry(region)) throw new Error(`unknown phone region ${region}`);
    }
    this.mainland = regions.includes('CN');
    this.others = new Set(regions.filter((r): r is CountryCode => r !== 'CN'));
  }

  normalise(text: string): string | null {
    if (this.mainland) {
      const mainland = normaliseMainlandPhone(text);
      if (mainland !== null) return mainland;
    }
    if (this.others.size === 0 || !text.startsWith('+') || text.length > 20) return null;
    const parsed = parsePhoneNumberFromString(text);
    if (parsed === undefined || !parsed.isValid() || parsed.country === undefined) return null;
    if (!this.others.has(parsed.country)) return null;
    const type = parsed.getType();
    return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE' ? parsed.number : null;
  }
}
