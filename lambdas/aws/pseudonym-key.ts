// The pseudonym keyring of ingest and forget (shared/privacy/pseudonym.ts): on AWS a Secrets Manager secret that only
// those two roles may read (SATMON_PSEUDONYM_KEY_SECRET, set by the CDK stack); in local runs a key file that the
// local stack creates at first start (SATMON_PSEUDONYM_KEY_FILE, an absolute path in the handlers' env). Without
// either the handlers refuse to run: nothing may be stored under a participant's own number.
import { readFile } from 'node:fs/promises';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { AwsSettings, Config } from '../../shared/config';
import { KeyringError, parseKeyring, type Keyring } from '../../shared/privacy/pseudonym';
import { traceClient } from './observability';

/** A container re-reads the secret after this long, so a rotation reaches running containers within minutes. */
const SECRET_CACHE_MS = 5 * 60_000;
const cache = new Map<string, { ring: Keyring; until: number }>();

export async function keyringFor(privacy: Config['privacy'], aws: AwsSettings): Promise<Keyring> {
  if (privacy.keySecret) {
    const id = privacy.keySecret;
    const hit = cache.get(id);
    if (hit && hit.until > Date.now()) return hit.ring;
    const client = traceClient(new SecretsManagerClient({ region: aws.region }));
    const out = await client.send(new GetSecretValueCommand({ SecretId: id }));
    if (!out.SecretString) throw new KeyringError(`secret ${id}: no secret string (SATMON_PSEUDONYM_KEY_SECRET)`);
    const ring = parseKeyring(out.SecretString, `secret ${id}`);
    cache.set(id, { ring, until: Date.now() + SECRET_CACHE_MS });
    return ring;
  }
  if (privacy.keyFile) {
    const text = await readFile(privacy.keyFile, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new KeyringError(`${privacy.keyFile}: cannot read the pseudonym keyring (SATMON_PSEUDONYM_KEY_FILE): ${e.code ?? e.message}`);
    });
    return parseKeyring(text, privacy.keyFile);
  }
  throw new KeyringError('no pseudonym key: set SATMON_PSEUDONYM_KEY_SECRET (a Secrets Manager secret, on AWS) or SATMON_PSEUDONYM_KEY_FILE (local runs)');
}
