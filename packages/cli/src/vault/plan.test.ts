import { describe, expect, it } from 'vitest';
import { desiredFromFiles, differingFields, formatChange } from './plan.ts';

describe('desiredFromFiles', () => {
  it('reads policies, auth roles and engine roles from vault/ by their API paths, policies first and logins last', () => {
    const files = new Map([
      ['vault/auth/clusters/east/role/ztp.p.shop.api.json', '{"token_ttl": 600}\n'],
      ['vault/database/roles/api.json', '{"db_name": "shop"}\n'],
      ['vault/sys/policies/acl/ztp.p.shop.api.hcl', 'path "database/creds/api" {\n  capabilities = ["read"]\n}\n'],
      ['network/networkpolicy-shop-x.yaml', 'kind: NetworkPolicy\n'],
    ]);
    expect(desiredFromFiles(files)).toEqual([
      { kind: 'policy', path: 'sys/policies/acl/ztp.p.shop.api', body: { policy: 'path "database/creds/api" {\n  capabilities = ["read"]\n}\n' } },
      { kind: 'database role', path: 'database/roles/api', body: { db_name: 'shop' } },
      { kind: 'auth role', path: 'auth/clusters/east/role/ztp.p.shop.api', body: { token_ttl: 600 } },
    ]);
  });
  it('refuses a file it does not know rather than skipping it', () => {
    expect(() => desiredFromFiles(new Map([['vault/sys/mounts/x.json', '{}']]))).toThrow(/vault\/sys\/mounts\/x.json is not a Vault policy or role/);
  });
});

describe('differingFields', () => {
  it('compares only the fields the bundle sets, and reads an empty list back from null', () => {
    const desired = { token_ttl: 3600, token_policies: ['a'], token_bound_cidrs: [], audience: 'vault' };
    expect(differingFields(desired, { token_ttl: 3600, token_policies: ['a'], token_bound_cidrs: null, audience: 'vault', token_type: 'default-service' })).toEqual([]);
    expect(differingFields(desired, { token_ttl: 7200, token_policies: ['a', 'b'], token_bound_cidrs: ['10.0.0.0/8'] })).toEqual(['audience', 'token_bound_cidrs', 'token_policies', 'token_ttl']);
  });
});

describe('formatChange', () => {
  it('says what changes and why', () => {
    expect(formatChange({ action: 'update', kind: 'auth role', path: 'auth/kubernetes/role/x', fields: ['token_ttl'] }, false)).toBe('  ~ update auth role auth/kubernetes/role/x (token_ttl)');
    expect(formatChange({ action: 'delete', kind: 'policy', path: 'sys/policies/acl/x', fields: [] }, true)).toBe('  - deleted policy sys/policies/acl/x (no longer declared)');
    expect(formatChange({ action: 'create', kind: 'database role', path: 'database/roles/x', fields: [] }, true)).toBe('  + created database role database/roles/x');
  });
});
