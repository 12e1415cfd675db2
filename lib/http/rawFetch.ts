import { sendRaw } from './transport';

/**
 * A `fetch` on the package's one HTTP path (sendRaw): the same proxy rules (HTTP(S)_PROXY, NO_PROXY), TLS and
 * timeout behaviour as every other call, for SDKs that take a `fetch` (supabase-js). No retries, limits or error
 * mapping here: the caller's policy decides those.
 */

const DEFAULT_TIMEOUT_MS = 30_000;

export interface RawFetchOptions {
	timeoutMs?: number;
	/**
	 * Ask for a new connection per request (`Connection: close`), for a caller that sends a few writes far apart: a
	 * kept-alive socket left idle between them may be closed by the server just as the next write goes out, and a
	 * write (POST) lost that way cannot be resent safely.
	 */
	closeConnections?: boolean;
}

export function createRawFetch(options: RawFetchOptions = {}): typeof fetch {
	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	return async (input, init = {}) => {
		const request = input instanceof Request ? input : undefined;
		const url = new URL(request ? request.url : String(input));
		const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
		const headers: Record<string, string> = {};
		new Headers(init.headers ?? request?.headers).forEach((value, key) => {
			headers[key] = value;
		});
		if (options.closeConnections) headers.connection = 'close';
		let body: string | Buffer | undefined;
		const raw = init.body ?? (request && request.body ? Buffer.from(await request.arrayBuffer()) : undefined);
		if (typeof raw === 'string' || Buffer.isBuffer(raw)) body = raw;
		else if (raw instanceof ArrayBuffer || ArrayBuffer.isView(raw)) body = Buffer.from(raw as ArrayBuffer);
		else if (raw instanceof URLSearchParams) body = raw.toString();
		else if (raw !== undefined && raw !== null) throw new TypeError('This fetch sends text or binary bodies only');
		const response = await sendRaw({ method, url, headers, body, timeoutMs, signal: init.signal ?? undefined });
		const noBody = response.body.length === 0 || response.status === 204 || response.status === 304 || method === 'HEAD';
		return new Response(noBody ? null : new Uint8Array(response.body), { status: response.status, headers: response.headers });
	};
}
