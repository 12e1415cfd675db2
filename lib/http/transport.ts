import * as http from 'node:http';
import * as https from 'node:https';

/**
 * One HTTP exchange over node:http/https. Used instead of global fetch because the UniFi local console needs
 * per-credential "accept self-signed certificate", and because we want exact timeout and reset behaviour.
 * No retries or policy here: see policy.ts and client.ts.
 */

export interface RawRequest {
	method: string;
	url: URL;
	headers: Record<string, string>;
	body?: string | Buffer;
	timeoutMs: number;
	/** Accept self-signed TLS certificates (UniFi consoles ship with one). */
	allowInsecureTls?: boolean;
	signal?: AbortSignal;
}

export interface RawResponse {
	status: number;
	headers: Record<string, string>;
	body: Buffer;
}

/** Thrown when no HTTP response arrived. `code` is ETIMEDOUT, ECONNRESET, ECONNREFUSED, ... */
export class TransportError extends Error {
	constructor(
		message: string,
		readonly code: string,
		/** Whether the request may have reached the server (false only when the connection was never made). */
		readonly mayHaveBeenProcessed: boolean,
	) {
		super(message);
		this.name = 'TransportError';
	}
}

const insecureAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: false });
const secureAgent = new https.Agent({ keepAlive: true });
const plainAgent = new http.Agent({ keepAlive: true });

export function sendRaw(req: RawRequest): Promise<RawResponse> {
	return new Promise<RawResponse>((resolve, reject) => {
		const isHttps = req.url.protocol === 'https:';
		const mod = isHttps ? https : http;
		const agent = isHttps ? (req.allowInsecureTls ? insecureAgent : secureAgent) : plainAgent;
		const headers: Record<string, string | number> = { ...req.headers };
		if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
		let connected = false;
		let settled = false;
		const fail = (error: TransportError) => {
			if (settled) return;
			settled = true;
			reject(error);
		};
		const request = mod.request(
			req.url,
			{ method: req.method, headers, agent, timeout: req.timeoutMs, signal: req.signal },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					if (settled) return;
					settled = true;
					clearTimeout(overall);
					const outHeaders: Record<string, string> = {};
					for (const [key, value] of Object.entries(res.headers)) {
						if (value !== undefined) outHeaders[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
					}
					resolve({ status: res.statusCode ?? 0, headers: outHeaders, body: Buffer.concat(chunks) });
				});
				res.on('error', (error: NodeJS.ErrnoException) => {
					fail(new TransportError(`response stream failed: ${error.message}`, error.code ?? 'ECONNRESET', true));
				});
			},
		);
		request.on('socket', (socket) => {
			if (!socket.connecting) connected = true;
			else socket.once('connect', () => (connected = true));
		});
		// The socket timeout only fires on inactivity; this bounds the whole exchange.
		const overall = setTimeout(() => {
			request.destroy(new TransportError(`no response within ${req.timeoutMs} ms`, 'ETIMEDOUT', true));
		}, req.timeoutMs);
		request.on('timeout', () => {
			request.destroy(new TransportError(`no response within ${req.timeoutMs} ms`, 'ETIMEDOUT', true));
		});
		request.on('error', (error: NodeJS.ErrnoException) => {
			clearTimeout(overall);
			if (error instanceof TransportError) return fail(error);
			const code = error.code ?? (error.name === 'AbortError' ? 'ABORTED' : 'ECONNRESET');
			const neverSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || !connected;
			fail(new TransportError(error.message || code, code, !neverSent));
		});
		if (req.body !== undefined) request.write(req.body);
		request.end();
	});
}
