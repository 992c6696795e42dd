// Certificate for the sandbox's HTTPS listener. MSAL and @azure/identity refuse http authorities,
// so the sandbox must speak TLS, and clients trust it through NODE_EXTRA_CA_CERTS. Node reads that
// variable only at process start, so the certificate lives at a stable path and is reused across
// runs (10-year validity) instead of being regenerated per start.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SandboxCertificate {
  certPath: string;
  keyPath: string;
}

const CERT_FILE = 'cert.pem';
const KEY_FILE = 'key.pem';
const SIGNING_KEY_FILE = 'token-signing-key.pem';

function paths(tlsDir: string): SandboxCertificate {
  return { certPath: join(tlsDir, CERT_FILE), keyPath: join(tlsDir, KEY_FILE) };
}

/** Written to a temp name then renamed, so a concurrent reader never sees half a PEM. */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

// Runs inside a child node process: selfsigned@5 is async-only and ensureSandboxCertificate is
// synchronous (callers need the path before they can spawn anything with NODE_EXTRA_CA_CERTS).
const GENERATOR = `
const [modPath, certPath, keyPath] = process.argv.slice(1);
const fs = require('node:fs');
const notBeforeDate = new Date(Date.now() - 60 * 60 * 1000);
const notAfterDate = new Date(notBeforeDate);
notAfterDate.setFullYear(notAfterDate.getFullYear() + 10);
require(modPath).generate([{ name: 'commonName', value: 'Guest Pass sandbox tenant' }], {
  keySize: 2048,
  algorithm: 'sha256',
  notBeforeDate,
  notAfterDate,
  extensions: [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
  ],
}).then((pems) => {
  const write = (p, t) => { const tmp = p + '.' + process.pid + '.tmp'; fs.writeFileSync(tmp, t, { mode: 0o600 }); fs.renameSync(tmp, p); };
  write(keyPath, pems.private);
  write(certPath, pems.cert); // last: its presence means the pair is complete
}).catch((err) => { console.error(err); process.exit(1); });
`;

/**
 * Returns the sandbox certificate in `tlsDir`, generating a self-signed one
 * (SAN IP:127.0.0.1 + DNS:localhost, 10 years) when it is missing.
 */
export function ensureSandboxCertificate(tlsDir: string): SandboxCertificate {
  const p = paths(tlsDir);
  if (existsSync(p.certPath) && existsSync(p.keyPath)) return p;
  mkdirSync(tlsDir, { recursive: true });
  execFileSync(process.execPath, ['-e', GENERATOR, require.resolve('selfsigned'), p.certPath, p.keyPath], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return p;
}

/**
 * The RSA key that signs access tokens. Kept next to the certificate so tokens a bot cached stay
 * valid when the sandbox restarts (a fresh key per start would turn every restart into a 401 storm).
 */
export function loadSigningKey(tlsDir: string): string {
  const path = join(tlsDir, SIGNING_KEY_FILE);
  if (existsSync(path)) return readFileSync(path, 'utf8');
  mkdirSync(tlsDir, { recursive: true });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeAtomic(path, pem);
  return pem;
}
