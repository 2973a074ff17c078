import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashEmail, hashPhone, hashTraits } from '../../sdk/hash.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('SHA-256 via WebCrypto, in the default (Meta) audience form', () => {
  it('hashes the normalised value (known digests from node:crypto)', async () => {
    expect(await hashEmail(' Ada@Example.com')).toBe(sha('ada@example.com'));
    expect(await hashPhone('(213) 373-4253', '1')).toBe(sha('12133734253'));
    expect(await hashPhone('+49 30 1234567')).toBe(sha('49301234567'));
  });

  it('leaves an already hashed value alone instead of hashing it twice', async () => {
    const once = sha('ada@example.com');
    expect(await hashEmail(once)).toBe(once);
    expect(await hashPhone(sha('49301234567'))).toBe(sha('49301234567'));
  });

  it('gives nothing for what is no e-mail address or phone number', async () => {
    expect(await hashEmail('not an address')).toBeUndefined();
    expect(await hashPhone('123')).toBeUndefined();
  });

  it('replaces email and phone traits by their hashes and keeps the rest', async () => {
    const traits = await hashTraits({
      email: 'Ada@Example.com',
      phone: '+44 20 7946 0958',
      plan: 'pro',
    });
    expect(traits).toEqual({
      plan: 'pro',
      email_sha256: sha('ada@example.com'),
      phone_sha256: sha('442079460958'),
    });
  });

  it('never keeps a raw value it could not hash', async () => {
    const traits = await hashTraits({ email: 'ada', phone: '42', plan: 'pro' });
    expect(JSON.parse(JSON.stringify(traits))).toEqual({ plan: 'pro' });
  });
});
