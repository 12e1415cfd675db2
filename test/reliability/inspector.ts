/**
 * A minimal client of Node's inspector (Chrome DevTools Protocol over a WebSocket, through the `ws` package), enough
 * to make a running n8n process collect its garbage and say how big its heap is. The soak reads n8n's RSS right after
 * a full collection: without one, an RSS read says mostly when V8 last ran a major GC (n8n's RSS rose by about 30 MiB
 * per run for the first runs and then dropped by 300 MiB at once), not what the process keeps.
 */
import WebSocket from 'ws';

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
	return new Promise((resolve, reject) => {
		const socket = new WebSocket(wsUrl, { handshakeTimeout: timeoutMs, perMessageDeflate: false });
		let nextId = 0;
		let open = false;
		const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
		const failAll = (error: Error) => {
			for (const p of pending.values()) {
				clearTimeout(p.timer);
				p.reject(error);
			}
			pending.clear();
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
					socket.send(JSON.stringify({ id, method, params }), (error) => {
						if (!error) return;
						pending.delete(id);
						clearTimeout(timer);
						rej(error);
					});
				});
			},
			close() {
				failAll(new Error('inspector session closed'));
				socket.close();
			},
		};
		socket.on('open', () => {
			open = true;
			resolve(session);
		});
		socket.on('message', (data) => {
			const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message?: string } };
			if (message.id === undefined) return; // an event: none are enabled, ignore
			const p = pending.get(message.id);
			if (!p) return;
			pending.delete(message.id);
			clearTimeout(p.timer);
			if (message.error) p.reject(new Error(`inspector: ${message.error.message ?? JSON.stringify(message.error)}`));
			else p.resolve(message.result);
		});
		socket.on('error', (error) => {
			failAll(error);
			if (!open) reject(error);
		});
		socket.on('close', () => failAll(new Error('inspector connection closed')));
	});
}
