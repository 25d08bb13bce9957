import { randomBytes } from 'node:crypto';
import type { FakeProvider, ProviderCase } from './provider-case.js';
import { header, json, startFakeProvider, text, type Reply } from './server.js';

export const TWILIO = {
  accountSid: 'AC00000000000000000000000000test',
  authToken: 'twilio-test-auth-token-7d3e1f',
  from: '+15005550006',
  messagingServiceSid: 'MG00000000000000000000000000test',
};

const twilioError = (status: number, code: number, message: string): Reply =>
  json(status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

/**
 * Twilio's Messages resource as API 2010-04-01 answers it: the account in the path, HTTP
 * basic auth `AccountSid:AuthToken`, a form body with To (+86…), From or
 * MessagingServiceSid (one of the test account's), and a Body holding the code.
 */
export async function startFakeTwilio(): Promise<FakeProvider & { bodies: string[] }> {
  const bodies: string[] = [];
  const fake = await startFakeProvider((req, turnAway) => {
    const path = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(req.url.pathname);
    if (req.method !== 'POST' || path === null) return turnAway('path', twilioError(404, 20404, 'Not Found'));
    const basic = `Basic ${Buffer.from(`${TWILIO.accountSid}:${TWILIO.authToken}`).toString('base64')}`;
    if (header(req, 'authorization') !== basic || path[1] !== TWILIO.accountSid) {
      return turnAway('basic auth', twilioError(401, 20003, 'Authenticate'));
    }
    if (!header(req, 'content-type').startsWith('application/x-www-form-urlencoded')) {
      return turnAway('content type', twilioError(400, 20001, 'form body expected'));
    }
    const form = new URLSearchParams(req.body);
    const to = form.get('To') ?? '';
    if (!/^\+861[3-9]\d{9}$/.test(to)) {
      return turnAway('To', twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`));
    }
    const from = form.get('From');
    const service = form.get('MessagingServiceSid');
    if ((from === null && service === null) || (from !== null && from !== TWILIO.from)) {
      return turnAway(
        'From',
        twilioError(400, 21606, 'The From phone number is not a valid, SMS-capable number.'),
      );
    }
    if (service !== null && service !== TWILIO.messagingServiceSid) {
      return turnAway(
        'MessagingServiceSid',
        twilioError(400, 21701, 'The Messaging Service does not exist.'),
      );
    }
    const body = form.get('Body') ?? '';
    const code = /\d{6}/.exec(body)?.[0];
    if (code === undefined) return turnAway('Body', twilioError(400, 21602, 'Message body is required.'));
    bodies.push(body);
    return {
      message: { phone: to, code },
      answers: {
        accept: json(201, {
          sid: `SM${randomBytes(16).toString('hex')}`,
          account_sid: TWILIO.accountSid,
          to,
          from,
          messaging_service_sid: service,
          body,
          status: 'queued',
          error_code: null,
          error_message: null,
          num_segments: '1',
          direction: 'outbound-api',
          api_version: '2010-04-01',
        }),
        refuse: twilioError(400, 21610, `Attempt to send to unsubscribed recipient ${to}: "${body}"`),
        malformed: text(201, 'this is not JSON'),
      },
    };
  });
  return Object.assign(fake, { bodies });
}

export const twilioCase: ProviderCase = {
  provider: 'twilio',
  start: startFakeTwilio,
  env: (origin) => ({
    SMS_TWILIO_ACCOUNT_SID: TWILIO.accountSid,
    SMS_TWILIO_AUTH_TOKEN: TWILIO.authToken,
    SMS_TWILIO_FROM: TWILIO.from,
    SMS_TWILIO_BASE_URL: origin,
  }),
  wrongSecretEnv: { SMS_TWILIO_AUTH_TOKEN: 'twilio-WRONG-auth-token-00' },
  secrets: [TWILIO.authToken, 'twilio-WRONG-auth-token-00'],
  codes: { refused: '21610', http500: 'HTTP_500', wrongSecret: '20003', malformed: 'BAD_RESPONSE' },
};
