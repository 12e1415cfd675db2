/**
 * Secret redaction for every message, error and log line that leaves lib/.
 *
 * Two layers: exact secret values registered by the clients that hold them (API keys, tokens, client secrets),
 * and patterns that catch secret-looking fragments we were never told about (bearer headers, key=value pairs).
 */

const MASK = '[REDACTED]';
const MIN_SECRET_LENGTH = 4;

const registered = new Set<string>();

/** Remember a secret value so it is masked wherever it appears later. Short values are ignored (too many false hits). */
export function registerSecret(value: string | undefined | null): void {
	if (typeof value !== 'string') return;
	const trimmed = value.trim();
	if (trimmed.length >= MIN_SECRET_LENGTH) registered.add(trimmed);
}

/** For tests only. */
export function clearRegisteredSecrets(): void {
	registered.clear();
}

const PATTERNS: Array<[RegExp, string]> = [
	[/(authorization\s*[:=]\s*"?)(bearer|basic)\s+[^\s",;}]+/gi, `$1$2 ${MASK}`],
	[/\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${MASK}`],
	[/((?:x-api-key|apikey|api_key|api-key|access_token|refresh_token|client_secret|password|token)"?\s*[:=]\s*"?)[^\s"&,;}]+/gi, `$1${MASK}`],
	[/\b(secret_|ntn_|pat-(?:na|eu)1-)[A-Za-z0-9-]{8,}/g, MASK],
];

export function redact(text: string, extraSecrets: Iterable<string> = []): string {
	let out = text;
	const secrets = [...registered, ...extraSecrets].filter((s) => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
	// Longest first so a secret that contains another is masked whole.
	secrets.sort((a, b) => b.length - a.length);
	for (const secret of secrets) {
		if (out.includes(secret)) out = out.split(secret).join(MASK);
		const encoded = encodeURIComponent(secret);
		if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(MASK);
	}
	for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
	return out;
}

/** Deep-redact a JSON-like value (strings are redacted; keys that name secrets are masked whole). */
export function redactValue<T>(value: T, extraSecrets: Iterable<string> = []): T {
	const extras = [...extraSecrets];
	const walk = (v: unknown, key?: string): unknown => {
		if (key && /^(authorization|x-api-key|apikey|api_key|apiKey|access_token|accessToken|client_secret|clientSecret|password|token|secret)$/i.test(key)) {
			return v === undefined || v === null || v === '' ? v : MASK;
		}
		if (typeof v === 'string') return redact(v, extras);
		if (Array.isArray(v)) return v.map((x) => walk(x));
		if (v && typeof v === 'object') {
			const out: Record<string, unknown> = {};
			for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = walk(x, k);
			return out;
		}
		return v;
	};
	return walk(value) as T;
}

export const REDACTION_MASK = MASK;
