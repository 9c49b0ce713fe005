import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Pre-signed URLs: /blob/<key>?exp=<unix seconds>&sig=<hex HMAC-SHA256(secret, "<pathname>\n<exp>")>.
 * The secret lives in <data>/server-key so URLs survive a restart. Verification compares with
 * timingSafeEqual so the signature cannot be guessed byte by byte from response times.
 */
export class UrlSigner {
  constructor(private readonly secret: Buffer) {}

  sign(pathname: string, exp: number): string {
    return createHmac('sha256', this.secret).update(`${pathname}\n${exp}`).digest('hex');
  }

  /** 'ok', or why the URL is refused. */
  verify(pathname: string, exp: string | undefined, sig: string | undefined, nowMs: number): 'ok' | 'bad-signature' | 'expired' {
    if (!exp || !sig || !/^\d{1,12}$/.test(exp) || !/^[0-9a-f]{64}$/.test(sig)) return 'bad-signature';
    const expected = Buffer.from(this.sign(pathname, Number(exp)), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) return 'bad-signature';
    return Number(exp) * 1000 <= nowMs ? 'expired' : 'ok';
  }
}
