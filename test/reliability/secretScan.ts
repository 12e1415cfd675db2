/**
 * Finding planted secrets in what a run left behind (execution data, database files, log rows, process output):
 * each secret in every form it could take on the way out, and a report of a hit that names the secret, the form and
 * the place but never shows the secret itself.
 */
import { randomBytes } from 'node:crypto';

export interface PlantedSecret {
	/** What it is ("Notion token"), shown in reports instead of the value. */
	label: string;
	value: string;
}

export interface SecretForm {
	label: string;
	form: 'raw' | 'url-encoded' | 'base64' | 'base64url' | 'basic-auth base64' | 'first 12 characters' | 'last 12 characters';
	needle: Buffer;
}

/**
 * A recognisable secret: random at both ends (so that its first and last 12 characters are as rare as the whole),
 * with a marker in the middle a person reading a log would notice. `symbols` adds characters that URL encoding
 * changes, so the encoded form differs from the raw one.
 */
export function canarySecret(service: string, symbols = false): string {
	const head = randomBytes(6).toString('hex');
	const tail = randomBytes(10).toString('hex');
	return `${head}-leak-canary-${service}${symbols ? '+/=' : '-'}${tail}`;
}

/** The forms a secret may take in text or bytes: raw, URL-encoded, base64 (and base64url), and its two ends. */
export function secretForms(secret: PlantedSecret, basicAuthPartner?: string): SecretForm[] {
	const { label, value } = secret;
	const forms: SecretForm[] = [{ label, form: 'raw', needle: Buffer.from(value) }];
	const encoded = encodeURIComponent(value);
	if (encoded !== value) forms.push({ label, form: 'url-encoded', needle: Buffer.from(encoded) });
	forms.push({ label, form: 'base64', needle: Buffer.from(Buffer.from(value).toString('base64').replace(/=+$/, '')) });
	const b64url = Buffer.from(value).toString('base64url');
	if (b64url !== Buffer.from(value).toString('base64').replace(/=+$/, '')) forms.push({ label, form: 'base64url', needle: Buffer.from(b64url) });
	if (basicAuthPartner !== undefined) {
		forms.push({ label, form: 'basic-auth base64', needle: Buffer.from(Buffer.from(`${basicAuthPartner}:${value}`).toString('base64').replace(/=+$/, '')) });
	}
	// A secret cut where a message is shortened (before or after redaction) shows one of its ends.
	if (value.length >= 24) {
		forms.push({ label, form: 'first 12 characters', needle: Buffer.from(value.slice(0, 12)) });
		forms.push({ label, form: 'last 12 characters', needle: Buffer.from(value.slice(-12)) });
	}
	return forms;
}

export interface Leak {
	label: string;
	form: SecretForm['form'];
	place: string;
	offset: number;
	/** Up to 60 characters around the hit, the hit itself replaced by `<label>`. */
	context: string;
}

/**
 * Every form of one secret found in one artefact (empty when none). `mask` lists every planted secret's forms: any
 * run of 6 or more token characters in the shown context that is part of one of them is masked, so a report shows
 * no part of any secret (the context around a hit of a secret's first 12 characters would show the rest).
 */
export function findLeaks(place: string, content: Buffer | string, forms: SecretForm[], mask: SecretForm[] = forms): Leak[] {
	const bytes = typeof content === 'string' ? Buffer.from(content) : content;
	const leaks: Leak[] = [];
	for (const f of forms) {
		let at = bytes.indexOf(f.needle);
		while (at >= 0) {
			const before = bytes.subarray(Math.max(0, at - 30), at).toString('latin1');
			const after = bytes.subarray(at + f.needle.length, at + f.needle.length + 30).toString('latin1');
			leaks.push({ label: f.label, form: f.form, place, offset: at, context: `${masked(printable(before), mask)}<${f.label}>${masked(printable(after), mask)}` });
			if (leaks.length > 20) return leaks;
			at = bytes.indexOf(f.needle, at + 1);
		}
	}
	return leaks;
}

function masked(text: string, mask: SecretForm[]): string {
	const parts = mask.map((f) => f.needle.toString('latin1'));
	const sharesSixCharacters = (run: string) => {
		for (let i = 0; i + 6 <= run.length; i++) if (parts.some((p) => p.includes(run.slice(i, i + 6)))) return true;
		return false;
	};
	return text.replace(/[A-Za-z0-9+/=_%.:-]{6,}/g, (run) => (sharesSixCharacters(run) ? '<masked>' : run));
}

function printable(text: string): string {
	return text.replace(/[^\x20-\x7e]/g, '.');
}

/** One line per leak, for a failure message (no secret in it: the hit is replaced by its label). */
export function describeLeaks(leaks: Leak[]): string {
	return leaks.map((l) => `${l.label} (${l.form}) in ${l.place} at ${l.offset}: ...${l.context}...`).join('\n');
}
