import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRawFetch } from '../../../lib/http/rawFetch';
import { sendRaw, TransportError } from '../../../lib/http/transport';

/**
 * A keep-alive socket that the server closed while idle: the next request on it fails with ECONNRESET before any
 * answer. The transport sends it once more on a new socket; a reset on a fresh connection is not resent.
 */
describe('transport: a stale keep-alive socket', () => {
	let server: http.Server;
	let url: URL;
	const seen: Array<{ socket: number; path: string }> = [];
	let sockets = 0;
	let resetFresh = false;

	beforeAll(async () => {
		server = http.createServer((req, res) => {
			const socketId = (req.socket as { msId?: number }).msId!;
			seen.push({ socket: socketId, path: req.url ?? '' });
			const requestsOnSocket = seen.filter((s) => s.socket === socketId).length;
			// The second request on a kept-alive socket: close it without answering, as a server whose idle timeout
			// fired at that moment would.
			if (requestsOnSocket === 2 || (resetFresh && requestsOnSocket === 1)) {
				req.socket.destroy();
				return;
			}
			// `/close` answers and ends the connection, so the client keeps no socket in its pool.
			const close = req.url === '/close';
			res.writeHead(200, { 'content-type': 'application/json', ...(close ? { connection: 'close' } : {}) }).end('{"ok":true}');
		});
		server.on('connection', (socket) => ((socket as { msId?: number }).msId = ++sockets));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
	});
	afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

	const get = (path: string) => sendRaw({ method: 'GET', url: new URL(path, url), headers: {}, timeoutMs: 5_000 });

	it('resends once on a new socket when the reused one was reset before any answer', async () => {
		expect((await get('/one')).status).toBe(200);
		const second = await get('/two');
		expect(second.status).toBe(200);
		expect(JSON.parse(second.body.toString())).toEqual({ ok: true });
		// /two reached the server twice: on the stale socket (dropped) and on a new one (answered).
		expect(seen.filter((s) => s.path === '/two').map((s) => s.socket)).toEqual([1, 2]);
	});

	it('does not resend a POST: the server may have acted on it', async () => {
		expect((await get('/warm')).status).toBe(200);
		const before = seen.length;
		await expect(sendRaw({ method: 'POST', url: new URL('/write', url), headers: {}, body: '{}', timeoutMs: 5_000 })).rejects.toBeInstanceOf(TransportError);
		expect(seen.length - before).toBe(1);
	});

	it('a raw fetch with closeConnections opens a connection per request, so no write goes out on an idle socket', async () => {
		const fetchClosing = createRawFetch({ closeConnections: true });
		const first = sockets;
		for (const path of ['/a', '/b', '/c']) expect((await fetchClosing(new URL(path, url).href, { method: 'POST', body: '{}' })).status).toBe(200);
		expect(sockets - first).toBe(3);
		expect(seen.slice(-3).map((s) => s.path)).toEqual(['/a', '/b', '/c']);
	});

	it('does not resend a reset on a fresh connection', async () => {
		expect((await get('/close')).status).toBe(200);
		resetFresh = true;
		const before = seen.length;
		// No pooled socket is left, so /three goes on a new connection, which the server now resets.
		await expect(get('/three')).rejects.toBeInstanceOf(TransportError);
		expect(seen.length - before).toBe(1);
	});
});
