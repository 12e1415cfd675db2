import type { SandboxRequest, SandboxResponse } from './core';

/**
 * Forced malformed payloads for the UniFi and NinjaOne emulators. A test queues a corruption for the next
 * successful response of a route (matched by route name, e.g. "GET /v1/sites"); the emulator then corrupts one
 * field of that response (kind "field", default) or sends a truncated JSON document (kind "invalid-json").
 *
 * In process: `emulator.malformNext('GET /v1/sites')`. Over HTTP:
 * `POST /__sandbox/malform {"route":"GET /v1/sites","count":1,"kind":"field"}`; `DELETE /__sandbox/malform` clears.
 */

export type MalformKind = 'field' | 'invalid-json';

interface Pending {
	match?: RegExp;
	kind: MalformKind;
}

export class MalformQueue {
	private pending: Pending[] = [];

	add(route?: string | RegExp, count = 1, kind: MalformKind = 'field'): void {
		const match = route === undefined ? undefined : typeof route === 'string' ? new RegExp(`^${escapeRegExp(route)}$`) : route;
		for (let i = 0; i < count; i++) this.pending.push({ match, kind });
	}

	/** Take the first queued corruption matching `routeName`. */
	take(routeName: string): MalformKind | undefined {
		const index = this.pending.findIndex((p) => !p.match || p.match.test(routeName));
		if (index < 0) return undefined;
		return this.pending.splice(index, 1)[0].kind;
	}

	clear(): void {
		this.pending = [];
	}

	get size(): number {
		return this.pending.length;
	}

	/** Handle `/__sandbox/malform` (POST queue, DELETE clear); undefined for other paths. */
	control(req: SandboxRequest): SandboxResponse | undefined {
		if (req.path.replace(/\/$/, '') !== '/__sandbox/malform') return undefined;
		if (req.method === 'DELETE') {
			this.clear();
			return { status: 204 };
		}
		if (req.method === 'POST') {
			const body = (req.body && typeof req.body === 'object' ? req.body : {}) as { route?: unknown; routeRegex?: unknown; count?: unknown; kind?: unknown };
			const kind = body.kind === 'invalid-json' ? 'invalid-json' : 'field';
			const count = typeof body.count === 'number' && body.count > 0 ? Math.floor(body.count) : 1;
			const route = typeof body.routeRegex === 'string' ? new RegExp(body.routeRegex) : typeof body.route === 'string' ? body.route : undefined;
			this.add(route, count, kind);
			return { status: 204 };
		}
		if (req.method === 'GET') return { status: 200, body: { pending: this.size } };
		return undefined;
	}
}

function escapeRegExp(s: string): string {
	return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A response whose body is a cut-off JSON document (still labelled application/json). */
export function invalidJsonResponse(response: SandboxResponse): SandboxResponse {
	const text = JSON.stringify(response.body ?? {});
	return { ...response, headers: { ...(response.headers ?? {}), 'content-type': 'application/json; charset=utf-8' }, body: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
}

/** Encode/decode opaque pagination tokens (base64url JSON). */
export function encodeToken(payload: Record<string, unknown>): string {
	return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function decodeToken(token: string): Record<string, unknown> | undefined {
	try {
		const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
		return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}
