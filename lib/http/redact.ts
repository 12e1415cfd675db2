/**
 * Secret redaction for every message, error and log line that leaves lib/.
 *
 * Two layers: exact secret values registered by the clients that hold them (API keys, tokens, client secrets),
 * and patterns that catch secret-looking fragments we were never told about (bearer headers, key=value pairs).
 */

const MASK = '[REDACTED]';
const MIN_SECRET_LENGTH = 4;
/**
 * How many registered secrets are remembered. A long-running n8n process registers every OAuth access token it is
 * issued (NinjaOne: one per credential per hour), so the set must not grow for months; the least recently
 * registered secrets are forgotten first. Long-expired tokens are rarely in a message, and the patterns below
 * still catch bearer tokens and key=value pairs.
 */
export const MAX_REGISTERED_SECRETS = 256;

interface Secret {
	value: string;
	/** URL-encoded form when it differs (secrets in query strings). */
	encoded?: string;
}

function toSecret(value: string): Secret {
	const encoded = encodeURIComponent(value);
	return encoded === value ? { value } : { value, encoded };
}

/** Registered secrets, least recently registered first (Map keeps insertion order). */
const registered = new Map<string, Secret>();
/** `registered` longest first, rebuilt only when the set changes (not for every message). */
let longestFirst: Secret[] | undefined;

const byLengthDesc = (a: Secret, b: Secret) => b.value.length - a.value.length;

/** Remember a secret value so it is masked wherever it appears later. Short values are ignored (too many false hits). */
export function registerSecret(value: string | undefined | null): void {
	if (typeof value !== 'string') return;
	const trimmed = value.trim();
	if (trimmed.length < MIN_SECRET_LENGTH) return;
	const known = registered.get(trimmed);
	registered.delete(trimmed);
	registered.set(trimmed, known ?? toSecret(trimmed));
	if (known) return;
	longestFirst = undefined;
	while (registered.size > MAX_REGISTERED_SECRETS) registered.delete(registered.keys().next().value as string);
}

/** How many secrets are registered (for tests and diagnostics). */
export function registeredSecretCount(): number {
	return registered.size;
}

/** For tests only. */
export function clearRegisteredSecrets(): void {
	registered.clear();
	longestFirst = undefined;
}

const PATTERNS: Array<[RegExp, string]> = [
	[/(authorization\s*[:=]\s*"?)(bearer|basic)\s+[^\s",;}]+/gi, `$1$2 ${MASK}`],
	[/\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${MASK}`],
	// Not a field path in a validation message ("token: expected string", "password: missing, expected ..."), which names a field, not its value.
	[/((?:x-api-key|apikey|api_key|api-key|access_token|refresh_token|client_secret|password|token)"?\s*[:=]\s*"?)(?!(?:expected|missing|unknown field)\b)[^\s"&,;}]+/gi, `$1${MASK}`],
	[/\b(secret_|ntn_|pat-(?:na|eu)1-)[A-Za-z0-9-]{8,}/g, MASK],
	// Supabase keys: legacy service_role/anon keys are JWTs, newer ones start with sb_secret_ / sb_publishable_.
	[/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, MASK],
	[/\bsb_(?:secret|publishable)_[A-Za-z0-9_-]{8,}/g, MASK],
];

function secretsFor(extraSecrets: Iterable<string>): Secret[] {
	longestFirst ??= [...registered.values()].sort(byLengthDesc);
	let extras: Secret[] | undefined;
	for (const extra of extraSecrets) {
		if (typeof extra !== 'string' || extra.length < MIN_SECRET_LENGTH || registered.has(extra)) continue;
		(extras ??= []).push(toSecret(extra));
	}
	// Clients pass their own few secrets, normally registered already: then no copy and no sort.
	if (!extras) return longestFirst;
	return [...longestFirst, ...extras].sort(byLengthDesc);
}

export function redact(text: string, extraSecrets: Iterable<string> = []): string {
	let out = text;
	// Longest first so a secret that contains another is masked whole.
	for (const secret of secretsFor(extraSecrets)) {
		if (out.includes(secret.value)) out = out.split(secret.value).join(MASK);
		if (secret.encoded && out.includes(secret.encoded)) out = out.split(secret.encoded).join(MASK);
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
