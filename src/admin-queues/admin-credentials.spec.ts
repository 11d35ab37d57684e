import { adminKeyFrom } from './admin-credentials';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('adminKeyFrom', () => {
  it('takes the key from a bearer header', () => {
    expect(adminKeyFrom('Bearer mg_abc.def')).toBe('mg_abc.def');
  });

  it('takes the key from the password of HTTP Basic, whatever the user name', () => {
    expect(adminKeyFrom(basic('admin', 'mg_secret'))).toBe('mg_secret');
    expect(adminKeyFrom(basic('', 'mg_secret'))).toBe('mg_secret');
    expect(adminKeyFrom(basic('x', 'with:colon'))).toBe('with:colon');
  });

  it('finds no key in a missing header, an empty password or another scheme', () => {
    expect(adminKeyFrom(undefined)).toBeUndefined();
    expect(adminKeyFrom(basic('admin', ''))).toBeUndefined();
    expect(adminKeyFrom('Basic !!!')).toBeUndefined();
    expect(adminKeyFrom('Digest mg_secret')).toBeUndefined();
  });
});
