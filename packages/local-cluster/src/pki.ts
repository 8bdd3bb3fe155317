import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

/** The files of a local cluster's private PKI, all inside its temporary directory. */
export interface Pki {
  /** The cluster CA certificate (PEM): what clients, kube-network-policies and Vault trust. */
  readonly caFile: string;
  readonly caPem: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** The ServiceAccount token signing key pair. */
  readonly serviceAccountKeyFile: string;
  readonly serviceAccountPublicKeyFile: string;
  /** The static token file: one admin token in `system:masters`. */
  readonly tokenFile: string;
  readonly adminToken: string;
}

/**
 * Makes a fresh CA, a serving certificate for 127.0.0.1/localhost/kubernetes.default (the names
 * in-cluster clients use), a ServiceAccount signing key and an admin token, with openssl and
 * Node's crypto. Nothing leaves `dir`; every run has its own keys.
 */
export async function makePki(dir: string): Promise<Pki> {
  const file = (name: string) => join(dir, name);
  const openssl = (args: string[]) => execa('openssl', args, { cwd: dir, stdin: 'ignore' });
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '7', '-subj', '/CN=ztp-local-cluster-ca']);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'apiserver.key', '-out', 'apiserver.csr', '-subj', '/CN=kube-apiserver']);
  const sans = [
    'IP:127.0.0.1',
    'IP:10.96.0.1',
    'DNS:localhost',
    'DNS:kubernetes',
    'DNS:kubernetes.default',
    'DNS:kubernetes.default.svc',
    'DNS:kubernetes.default.svc.cluster.local',
  ];
  await writeFile(file('apiserver.ext'), `subjectAltName=${sans.join(',')}\nextendedKeyUsage=serverAuth\n`);
  await openssl(['x509', '-req', '-in', 'apiserver.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'apiserver.crt', '-days', '7', '-extfile', 'apiserver.ext']);

  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await writeFile(file('sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(file('sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));

  const adminToken = randomBytes(24).toString('hex');
  await writeFile(file('tokens.csv'), `${adminToken},ztp-admin,ztp-admin,"system:masters"\n`, { mode: 0o600 });
  return {
    caFile: file('ca.crt'),
    caPem: await readFile(file('ca.crt'), 'utf8'),
    serverCertFile: file('apiserver.crt'),
    serverKeyFile: file('apiserver.key'),
    serviceAccountKeyFile: file('sa.key'),
    serviceAccountPublicKeyFile: file('sa.pub'),
    tokenFile: file('tokens.csv'),
    adminToken,
  };
}
