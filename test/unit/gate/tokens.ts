import { createHmac } from 'node:crypto';

/** Shared fixtures of the approval token tests. */

export const SECRET = 'gate-test-secret-0123456789abcdefghij';
export const OTHER_SECRET = 'another-secret-0123456789abcdefghijkl';

export const basePayload = {
	v: 1 as const,
	changeHash: 'a'.repeat(64),
	maker: 'alice@msp.example',
	checkers: ['bob@msp.example', 'carol@msp.example'],
	executionId: 'exec-1',
	expiresAt: '2026-03-02T12:00:00Z',
	nonce: '6f1c2b9e-8a51-4f7d-9b0e-3c4d5e6f7a8b',
};

/**
 * A token made the way docs/maker-checker.md describes it, independently of lib/gate: base64url of the JSON, a dot,
 * base64url(HMAC-SHA256(HMAC-SHA256(secret, label), first part)). Used to sign payloads signApprovalRequest refuses.
 */
export function signByHand(json: string, secret: string = SECRET): string {
	const body = Buffer.from(json, 'utf8').toString('base64url');
	const key = createHmac('sha256', secret).update('msp-ops.gate.approval-token.v1').digest();
	return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

/** The payload part of a token, decoded. */
export const decodePayload = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));

/** The token with its payload replaced but its signature kept (what a tamperer can do without the secret). */
export function withPayload(token: string, payload: Record<string, unknown>): string {
	return `${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}.${token.split('.')[1]}`;
}
