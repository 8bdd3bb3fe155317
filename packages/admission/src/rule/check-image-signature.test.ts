import { describe, expect, it } from 'vitest';
import type { ImageSignatureRule, Signer } from './ast.ts';
import { imageSignatureRule } from './build.ts';
import { checkRule } from './check.ts';

const KEY: Signer = { kind: 'key', publicKey: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n' };
const rule = (over: Partial<Omit<ImageSignatureRule, 'kind'>>) =>
  imageSignatureRule({ id: 'signed', title: 't', message: 'm', images: ['registry.example.com/shop/*'], signers: [KEY], examples: [], ...over });

describe('image-signature rules', () => {
  it('accept registry globs with a host, a port or localhost, and PEM keys or https keyless issuers', () => {
    for (const images of [['registry.example.com/shop/*'], ['127.0.0.1:5000/shop/*'], ['localhost/app*'], ['ghcr.io/acme/app:1.0']]) expect(() => checkRule(rule({ images }))).not.toThrow();
    expect(() => checkRule(rule({ signers: [{ kind: 'keyless', issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme/shop' }] }))).not.toThrow();
  });

  it.each([
    ['library/nginx*', 'must start with a registry host'],
    ['nginx', 'must start with a registry host'],
    ['registry.example.com/*/app', 'must start with a registry host'],
    ['registry.example.com/sh?p/*', 'must start with a registry host'],
    ['registry.example.com/{a,b}/*', 'must start with a registry host'],
  ])('refuse the image glob %s', (glob, message) => {
    expect(() => checkRule(rule({ images: [glob] }))).toThrow(message);
  });

  it('refuse a rule without images or signers, a key that is not PEM, and a keyless signer without https issuer or subject', () => {
    expect(() => checkRule(rule({ images: [] }))).toThrow('no images to verify');
    expect(() => checkRule(rule({ signers: [] }))).toThrow('no trusted signers');
    expect(() => checkRule(rule({ signers: [{ kind: 'key', publicKey: 'MFkw' }] }))).toThrow('not a PEM public key');
    expect(() => checkRule(rule({ signers: [{ kind: 'keyless', issuer: 'http://issuer.example', subject: 's' }] }))).toThrow('https issuer URL');
    expect(() => checkRule(rule({ signers: [{ kind: 'keyless', issuer: 'https://issuer.example', subject: ' ' }] }))).toThrow('https issuer URL and a subject');
  });

  it('refuse wildcards in a keyless identity, which the legacy form would match as patterns and the ImageValidatingPolicy exactly', () => {
    const subject = 'https://github.com/acme/shop/.github/workflows/release.yaml@refs/heads/main';
    for (const [issuer, s] of [['https://token.actions.githubusercontent.com', subject.replace('main', '*')], ['https://token.actions.githubusercontent.com', subject.replace('main', 'ma?n')], ['https://*.example.com', subject]]) {
      expect(() => checkRule(rule({ signers: [{ kind: 'keyless', issuer: issuer!, subject: s! }] }))).toThrow("'*' and '?' would be wildcards");
    }
    expect(() => checkRule(rule({ signers: [{ kind: 'keyless', issuer: 'https://token.actions.githubusercontent.com', subject }] }))).not.toThrow();
  });
});
