/**
 * A minimal client of Node's inspector (Chrome DevTools Protocol over a WebSocket), enough to make a running n8n
 * process collect its garbage and say how big its heap is. The soak reads n8n's RSS right after a full collection:
 * without one, an RSS read says mostly when V8 last ran a major GC (n8n's RSS rose by about 30 MiB per run for the
 * first runs and then dropped by 300 MiB at once), not what the process keeps.
 *
 * Node 20 (the jest process) has no WebSocket global and the repo has no WebSocket dependency, so the few frames
 * needed (RFC 6455: client text frames, masked; server frames unmasked, possibly fragmented) are written out here.
 */
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';

export interface InspectorSession {
	send<T = Record<string, unknown>>(method: string, params?: Record<string, unknown>): Promise<T>;
	close(): void;
}

/** The WebSocket URL of the one inspector target at 127.0.0.1:<port> (`GET /json/list`). */
export async function inspectorTarget(port: number): Promise<string> {
	const res = await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(5000) });
	const targets = (await res.json()) as Array<{ webSocketDebuggerUrl?: string }>;
	const url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
	if (!url) throw new Error(`no inspector target at 127.0.0.1:${port}: ${JSON.stringify(targets)}`);
	return url;
}

export function connectInspector(wsUrl: string, timeoutMs = 30_000): Promise<InspectorSession> {
	const url = new URL(wsUrl);
	return new Promise((resolve, reject) => {
		const socket = net.connect(Number(url.port), url.hostname);
		const key = randomBytes(16).toString('base64');
		let buffer = Buffer.alloc(0);
		let upgraded = false;
		let fragments: Buffer[] = [];
		let nextId = 0;
		const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
		const failAll = (error: Error) => {
			for (const p of pending.values()) {
				clearTimeout(p.timer);
				p.reject(error);
			}
			pending.clear();
		};

		const onMessage = (text: string) => {
			const message = JSON.parse(text) as { id?: number; result?: unknown; error?: { message?: string } };
			if (message.id === undefined) return; // an event: none are enabled, ignore
			const p = pending.get(message.id);
			if (!p) return;
			pending.delete(message.id);
			clearTimeout(p.timer);
			if (message.error) p.reject(new Error(`inspector: ${message.error.message ?? JSON.stringify(message.error)}`));
			else p.resolve(message.result);
		};

		const readFrames = () => {
			for (;;) {
				if (buffer.length < 2) return;
				const fin = (buffer[0] & 0x80) !== 0;
				const opcode = buffer[0] & 0x0f;
				const masked = (buffer[1] & 0x80) !== 0;
				let length = buffer[1] & 0x7f;
				let offset = 2;
				if (length === 126) {
					if (buffer.length < 4) return;
					length = buffer.readUInt16BE(2);
					offset = 4;
				} else if (length === 127) {
					if (buffer.length < 10) return;
					length = Number(buffer.readBigUInt64BE(2));
					offset = 10;
				}
				const maskOffset = offset;
				if (masked) offset += 4;
				if (buffer.length < offset + length) return;
				let payload = buffer.subarray(offset, offset + length);
				if (masked) payload = Buffer.from(payload.map((b, i) => b ^ buffer[maskOffset + (i % 4)]));
				buffer = buffer.subarray(offset + length);
				if (opcode === 0x8) {
					socket.end();
					return;
				}
				if (opcode === 0x9) {
					sendFrame(0xa, payload); // ping -> pong
					continue;
				}
				if (opcode === 0x1 || opcode === 0x2 || opcode === 0x0) {
					fragments.push(Buffer.from(payload));
					if (fin) {
						const text = Buffer.concat(fragments).toString('utf8');
						fragments = [];
						onMessage(text);
					}
				}
			}
		};

		const sendFrame = (opcode: number, payload: Buffer) => {
			const mask = randomBytes(4);
			const header =
				payload.length < 126
					? Buffer.from([0x80 | opcode, 0x80 | payload.length])
					: payload.length < 65536
						? Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff])
						: (() => {
								const h = Buffer.alloc(10);
								h[0] = 0x80 | opcode;
								h[1] = 0x80 | 127;
								h.writeBigUInt64BE(BigInt(payload.length), 2);
								return h;
							})();
			const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
			socket.write(Buffer.concat([header, mask, body]));
		};

		const session: InspectorSession = {
			send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
				const id = ++nextId;
				return new Promise<T>((res, rej) => {
					const timer = setTimeout(() => {
						pending.delete(id);
						rej(new Error(`inspector: no answer to ${method} within ${timeoutMs} ms`));
					}, timeoutMs);
					pending.set(id, { resolve: res as (v: unknown) => void, reject: rej, timer });
					sendFrame(0x1, Buffer.from(JSON.stringify({ id, method, params })));
				});
			},
			close() {
				failAll(new Error('inspector session closed'));
				if (!socket.destroyed) {
					sendFrame(0x8, Buffer.alloc(0));
					socket.end();
				}
			},
		};

		socket.setNoDelay(true);
		socket.once('connect', () => {
			socket.write(
				[`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13', '', ''].join('\r\n'),
			);
		});
		socket.on('data', (chunk: Buffer) => {
			buffer = Buffer.concat([buffer, chunk]);
			if (!upgraded) {
				const end = buffer.indexOf('\r\n\r\n');
				if (end < 0) return;
				const head = buffer.subarray(0, end).toString('latin1');
				buffer = buffer.subarray(end + 4);
				if (!/^HTTP\/1\.1 101 /.test(head)) {
					socket.destroy();
					reject(new Error(`inspector refused the WebSocket upgrade: ${head.split('\r\n')[0]}`));
					return;
				}
				upgraded = true;
				resolve(session);
			}
			readFrames();
		});
		socket.on('error', (error) => {
			failAll(error);
			if (!upgraded) reject(error);
		});
		socket.on('close', () => failAll(new Error('inspector connection closed')));
	});
}
