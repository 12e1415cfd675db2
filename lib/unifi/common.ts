import type { ParsedServiceError } from '../http';

/** Read a UniFi error body: Site Manager `{code, message, traceId}`, legacy `{meta:{rc:"error", msg}}`, Integration API `{statusName, message, requestId}`. */
export function parseUnifiError(status: number, body: unknown): ParsedServiceError {
	if (body && typeof body === 'object') {
		const b = body as Record<string, unknown>;
		const meta = b.meta as Record<string, unknown> | undefined;
		if (meta && typeof meta === 'object' && typeof meta.msg === 'string') return { message: meta.msg, code: meta.msg };
		if (typeof b.message === 'string') {
			const code = typeof b.code === 'string' ? b.code : typeof b.statusName === 'string' ? b.statusName : undefined;
			const requestId = typeof b.traceId === 'string' ? b.traceId : typeof b.requestId === 'string' ? b.requestId : undefined;
			return { message: code ? `${code}: ${b.message}` : b.message, code, requestId };
		}
	}
	if (typeof body === 'string' && body.trim()) {
		// Consoles behind a proxy answer 502/503 with an HTML page: keep its title only.
		const text = body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
		return { message: text.slice(0, 200) || `HTTP ${status}` };
	}
	return { message: `HTTP ${status}` };
}

/** Add a hint to the messages users see most often. */
export function unifiHint(status: number, service: 'unifi' | 'unifi-network'): string | undefined {
	if (status === 401 || status === 403) {
		return service === 'unifi'
			? 'Check the API key of the UniFi Site Manager credential (unifi.ui.com > API). Keys are read-only and bound to one UI account.'
			: 'Check the API key of the UniFi Network credential (console: Settings > Control Plane > Integrations) and the console URL.';
	}
	return undefined;
}
